// The zod schema of a toolkit content pack (one YAML file per locale); the single source for validation and the JSON Schema.
import { z } from 'zod';

export const LOCALES = ['sv', 'en'] as const;
export const LocaleSchema = z.enum(LOCALES);
export type Locale = z.infer<typeof LocaleSchema>;

const text = z.string().trim().min(1);
const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case letters, digits and dashes');

export const GuidingQuestionSchema = z.strictObject({
  id,
  text,
  /** Sub-bullets printed under the question in the toolkit; they belong to the question. */
  details: z.array(text).optional(),
});

export const CityExampleSchema = z.strictObject({
  id,
  place: text,
  country: text.optional(),
  summary: text,
});

export const KeyFactorSchema = z.strictObject({
  id,
  number: z.number().int().min(1).max(99),
  theme: text,
  statement: text,
  rationale: text,
  questions: z.array(GuidingQuestionSchema).min(1),
  examples: z.array(CityExampleSchema),
});

export const ContextFactorSchema = z.strictObject({
  id,
  name: text,
  /** What the factor can include, as listed in the toolkit. */
  includes: z.array(text).min(1),
});

export const UsageModeIdSchema = z.enum(['internal-evaluation', 'peer-review', 'action-plan']);
export type UsageModeId = z.infer<typeof UsageModeIdSchema>;

export const UsageModeSchema = z.strictObject({
  id: UsageModeIdSchema,
  title: text,
  /** The question the toolkit asks to help a municipality pick this way of working. */
  question: text.optional(),
  description: text,
});

export const ContentPackSchema = z.strictObject({
  $schema: z.string().optional(),
  id,
  locale: LocaleSchema,
  title: text,
  /** Short name used in card headers and digests. */
  shortTitle: text,
  publisher: text,
  /** The Integrating Cities standard the key factors serve. */
  standard: text,
  introduction: text,
  keyFactors: z.array(KeyFactorSchema).min(1),
  contextFactors: z.array(ContextFactorSchema),
  usageModes: z.array(UsageModeSchema).min(1),
});

export type GuidingQuestion = z.infer<typeof GuidingQuestionSchema>;
export type CityExample = z.infer<typeof CityExampleSchema>;
export type KeyFactor = z.infer<typeof KeyFactorSchema>;
export type ContextFactor = z.infer<typeof ContextFactorSchema>;
export type UsageMode = z.infer<typeof UsageModeSchema>;
export type ContentPack = z.infer<typeof ContentPackSchema>;
