// The assessment domain's data types: rounds, their calendars, votes, answers and context notes.
import { z } from 'zod';
import { LocaleSchema, UsageModeIdSchema } from '../content/schema.js';

export const LEVELS = ['in-place', 'partly', 'not-in-place', 'dont-know'] as const;
export const LevelSchema = z.enum(LEVELS);
export type Level = z.infer<typeof LevelSchema>;

/** Points per level; don't-know carries no score and is left out of the mean. */
export const LEVEL_SCORE: Record<Level, number | null> = {
  'in-place': 100,
  partly: 50,
  'not-in-place': 0,
  'dont-know': null,
};

export const ROUND_STATUSES = ['draft', 'open', 'closed', 'archived'] as const;
export const RoundStatusSchema = z.enum(ROUND_STATUSES);
export type RoundStatus = z.infer<typeof RoundStatusSchema>;

export const PLATFORMS = ['slack', 'teams', 'playground'] as const;
export const PlatformSchema = z.enum(PLATFORMS);
export type Platform = z.infer<typeof PlatformSchema>;

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time must be HH:MM');

export const ReminderPolicySchema = z.strictObject({
  enabled: z.boolean(),
  /** Remind this many days before a factor's due date (e.g. [2] = two days before). */
  daysBefore: z.array(z.number().int().min(0).max(30)).max(5),
  /** Local time of day in the round's timezone. */
  time: HHMM,
});
export type ReminderPolicy = z.infer<typeof ReminderPolicySchema>;

export const DigestPolicySchema = z.strictObject({
  enabled: z.boolean(),
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: z.number().int().min(1).max(7),
  time: HHMM,
  /** Whether managers may see the names of people who have not responded. */
  showNames: z.boolean(),
});
export type DigestPolicy = z.infer<typeof DigestPolicySchema>;

export const PacingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all-at-once') }),
  z.strictObject({
    kind: z.literal('staggered'),
    /** One factor opens every N days (working days when workingDaysOnly). */
    everyDays: z.number().int().min(1).max(30),
    workingDaysOnly: z.boolean(),
    /** How long each factor stays open for answers before it is due. */
    answerWindowDays: z.number().int().min(1).max(120),
  }),
]);
export type Pacing = z.infer<typeof PacingSchema>;

export const CalendarSchema = z.strictObject({
  /** IANA timezone, e.g. Europe/Stockholm. */
  timezone: z.string().min(1),
  opensAt: z.iso.datetime({ offset: true }),
  closesAt: z.iso.datetime({ offset: true }),
  pacing: PacingSchema,
  reminders: ReminderPolicySchema,
  digest: DigestPolicySchema,
});
export type Calendar = z.infer<typeof CalendarSchema>;

export const MemberSchema = z.strictObject({
  id: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
});
export type Member = z.infer<typeof MemberSchema>;

export const ContextNoteSchema = z.strictObject({
  contextFactorId: z.string(),
  comment: z.string().max(3000),
  by: z.string(),
  at: z.iso.datetime({ offset: true }),
});
export type ContextNote = z.infer<typeof ContextNoteSchema>;

export const ChannelRefSchema = z.strictObject({
  id: z.string().min(1).max(400),
  name: z.string().max(200).optional(),
});

export const RoundSchema = z.strictObject({
  id: z.string().min(1),
  /** Workspace (Slack team id) or Teams tenant; the unit of isolation in the store. */
  tenant: z.string().min(1),
  platform: PlatformSchema,
  channel: ChannelRefSchema,
  title: z.string().max(200).optional(),
  packId: z.string(),
  locale: LocaleSchema,
  mode: UsageModeIdSchema,
  status: RoundStatusSchema,
  createdAt: z.iso.datetime({ offset: true }),
  openedAt: z.iso.datetime({ offset: true }).optional(),
  closedAt: z.iso.datetime({ offset: true }).optional(),
  archivedAt: z.iso.datetime({ offset: true }).optional(),
  coordinators: z.array(z.string()).min(1),
  participants: z.array(z.string()),
  managers: z.array(z.string()),
  /** Peer reviewers (peer-review mode). */
  reviewers: z.array(z.string()).default([]),
  /** Display names known for members, by id. */
  names: z.record(z.string(), z.string()).default({}),
  calendar: CalendarSchema,
  /** Snapshot of the pack's key factor ids when the round was created. */
  factorIds: z.array(z.string()).min(1),
  isBaseline: z.boolean().default(false),
  baselineRoundId: z.string().optional(),
  previousRoundId: z.string().optional(),
  anonymous: z.boolean().default(false),
  /** In anonymous rounds, a factor's results stay hidden below this many responses. */
  minResponses: z.number().int().min(1).max(50).default(3),
  contextNotes: z.array(ContextNoteSchema).default([]),
});
export type Round = z.infer<typeof RoundSchema>;

export const VoteSchema = z.strictObject({
  factorId: z.string(),
  memberId: z.string(),
  level: LevelSchema,
  at: z.iso.datetime({ offset: true }),
});
export type Vote = z.infer<typeof VoteSchema>;

export const MAX_ANSWER_CHARS = 3000;
export const MAX_EVIDENCE_LINKS = 10;

export const AnswerSchema = z.strictObject({
  factorId: z.string(),
  memberId: z.string(),
  /** Free text per guiding question id. */
  texts: z.record(z.string(), z.string().max(MAX_ANSWER_CHARS)),
  evidence: z.array(z.string()).max(MAX_EVIDENCE_LINKS),
  at: z.iso.datetime({ offset: true }),
});
export type Answer = z.infer<typeof AnswerSchema>;

/** Vote counts per level for one factor. */
export type LevelCounts = Record<Level, number>;

export function emptyCounts(): LevelCounts {
  return { 'in-place': 0, partly: 0, 'not-in-place': 0, 'dont-know': 0 };
}
