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
  /** The toolkit's further paragraphs on this way of working, in order. */
  details: z.array(text).optional(),
});

/** A footnote of the toolkit, verbatim; `keyFactorId` when it belongs to one key factor's text. */
export const FootnoteSchema = z.strictObject({
  number: z.number().int().min(1).max(99),
  text,
  keyFactorId: id.optional(),
});

/**
 * The toolkit's framing text around the key factors, verbatim and in order: what the guidelines are made of, how to
 * use them, the context factors, and the background (MIXITIES, the EU context). Titles are the toolkit's headings.
 */
export const FramingSchema = z.strictObject({
  /** The opening paragraph before the standard ("Europeiska städer och kommuner blir mer och mer skiftande …"). */
  preface: text,
  /** The introduction's further paragraphs, after `introduction`. */
  introductionMore: z.array(text),
  guidelinesTitle: text,
  guidelines: z.array(text),
  /** What the guidelines are made of; each the toolkit's own one-sentence definition. */
  parts: z.strictObject({ keyFactors: text, guidingQuestions: text, examples: text }),
  contextTitle: text,
  context: z.array(text),
  howToUseTitle: text,
  howToUse: z.array(text),
  /** The sentence that introduces the list of context factors, and the heading of their examples. */
  contextFactorsIntro: text,
  contextFactorsExamplesTitle: text,
  mixitiesTitle: text,
  mixities: z.array(text),
  euContextTitle: text,
  euContext: z.array(text),
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
  /**
   * The one sentence everyone who votes must see, shown on the welcome post and every factor card. In this toolkit,
   * footnote 1: the guidelines speak only of diversity that comes of immigration (not gender, age …).
   */
  scopeNote: text.optional(),
  framing: FramingSchema.optional(),
  footnotes: z.array(FootnoteSchema).default([]),
  keyFactors: z.array(KeyFactorSchema).min(1),
  contextFactors: z.array(ContextFactorSchema),
  usageModes: z.array(UsageModeSchema).min(1),
});

export type GuidingQuestion = z.infer<typeof GuidingQuestionSchema>;
export type CityExample = z.infer<typeof CityExampleSchema>;
export type KeyFactor = z.infer<typeof KeyFactorSchema>;
export type ContextFactor = z.infer<typeof ContextFactorSchema>;
export type UsageMode = z.infer<typeof UsageModeSchema>;
export type Footnote = z.infer<typeof FootnoteSchema>;
export type Framing = z.infer<typeof FramingSchema>;
export type ContentPack = z.infer<typeof ContentPackSchema>;
