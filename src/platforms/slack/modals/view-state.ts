// Reads a submitted modal's state.values, validated at the boundary; every getter tolerates a missing or empty field.
import { z } from 'zod';

const OptionSchema = z.looseObject({ value: z.string() });

const ElementStateSchema = z.looseObject({
  type: z.string(),
  value: z.string().nullable().optional(),
  selected_option: OptionSchema.nullable().optional(),
  selected_options: z.array(OptionSchema).optional(),
  selected_conversation: z.string().nullable().optional(),
  selected_channel: z.string().nullable().optional(),
  selected_users: z.array(z.string()).optional(),
  selected_user: z.string().nullable().optional(),
  selected_date: z.string().nullable().optional(),
  selected_time: z.string().nullable().optional(),
});

export const ViewStateValuesSchema = z.record(z.string(), z.record(z.string(), ElementStateSchema));
export type ViewStateValues = z.infer<typeof ViewStateValuesSchema>;

/** Our inputs use one element per block with the action id `value`. */
export const VALUE = 'value';

export class ViewState {
  constructor(private readonly values: ViewStateValues) {}

  private el(blockId: string) {
    return this.values[blockId]?.[VALUE];
  }

  text(blockId: string): string {
    return this.el(blockId)?.value ?? '';
  }

  option(blockId: string): string | undefined {
    return this.el(blockId)?.selected_option?.value ?? undefined;
  }

  options(blockId: string): string[] {
    return (this.el(blockId)?.selected_options ?? []).map((o) => o.value);
  }

  conversation(blockId: string): string | undefined {
    const el = this.el(blockId);
    return el?.selected_conversation ?? el?.selected_channel ?? undefined;
  }

  users(blockId: string): string[] {
    return this.el(blockId)?.selected_users ?? [];
  }

  date(blockId: string): string | undefined {
    return this.el(blockId)?.selected_date ?? undefined;
  }

  time(blockId: string): string | undefined {
    return this.el(blockId)?.selected_time ?? undefined;
  }

  /** An integer from a number input; undefined when empty, NaN when not a whole number. */
  integer(blockId: string): number | undefined {
    const raw = this.el(blockId)?.value;
    if (raw === null || raw === undefined || raw.trim() === '') return undefined;
    return /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  }
}
