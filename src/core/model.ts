// The assessment domain's data types: rounds, their calendars, votes, answers and context notes.
import { z } from 'zod';
import { LocaleSchema, UsageModeIdSchema } from '../content/schema.js';
import { isKnownCountry } from './holidays.js';

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

/** ISO 3166-1 alpha-2 code of a country the holiday library knows ("SE"). */
export const CountrySchema = z.string().regex(/^[A-Z]{2}$/, 'use a two-letter country code').refine(isKnownCountry, 'unknown country');

export const CalendarSchema = z.strictObject({
  /** IANA timezone, e.g. Europe/Stockholm. */
  timezone: z.string().min(1),
  /** Whose public holidays working days skip; absent in rounds stored before it existed, which are read as SE. */
  country: CountrySchema.optional(),
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
  /** The key factors the context factor bears on, when the coordinator tied it to some (`context <id> #03 …`). */
  factorIds: z.array(z.string()).max(50).optional(),
  by: z.string(),
  at: z.iso.datetime({ offset: true }),
});
export type ContextNote = z.infer<typeof ContextNoteSchema>;

export const ChannelRefSchema = z.strictObject({
  id: z.string().min(1).max(400),
  name: z.string().max(200).optional(),
});

/** Peer review (kollegial utvärdering): the team assesses itself first, then invited reviewers review. */
export const REVIEW_PHASES = ['self-assessment', 'review'] as const;
export const ReviewPhaseSchema = z.enum(REVIEW_PHASES);
export type ReviewPhase = z.infer<typeof ReviewPhaseSchema>;

export const REVIEW_NOTE_KINDS = ['interview', 'focus-group', 'note'] as const;
export const ReviewNoteKindSchema = z.enum(REVIEW_NOTE_KINDS);
export type ReviewNoteKind = z.infer<typeof ReviewNoteKindSchema>;

export const MAX_NOTE_CHARS = 3000;

/** A record of an interview, focus group or other visit note made during the review phase. */
export const ReviewNoteSchema = z.strictObject({
  id: z.string().min(1).max(20),
  kind: ReviewNoteKindSchema,
  /** Key factors the note is about; empty when it concerns the whole review. */
  factorIds: z.array(z.string()).max(50).default([]),
  text: z.string().min(1).max(MAX_NOTE_CHARS),
  by: z.string(),
  at: z.iso.datetime({ offset: true }),
});
export type ReviewNote = z.infer<typeof ReviewNoteSchema>;

/** Action plan (handlingsplan): quick wins give early visible results, long-term actions the slower work. */
export const ACTION_TAGS = ['quick-win', 'long-term'] as const;
export const ActionTagSchema = z.enum(ACTION_TAGS);
export type ActionTag = z.infer<typeof ActionTagSchema>;

export const MAX_ACTION_CHARS = 500;
export const MAX_ACTIONS = 200;
export const MAX_PROGRESS_NOTES = 50;

export const ACTION_PRIORITIES = ['high', 'medium', 'low'] as const;
export const ActionPrioritySchema = z.enum(ACTION_PRIORITIES);
export type ActionPriority = z.infer<typeof ActionPrioritySchema>;

export const ACTION_STATUSES = ['open', 'in-progress', 'done'] as const;
export const ActionStatusSchema = z.enum(ACTION_STATUSES);
export type ActionStatus = z.infer<typeof ActionStatusSchema>;

export const ProgressNoteSchema = z.strictObject({
  text: z.string().min(1).max(MAX_ACTION_CHARS),
  by: z.string(),
  at: z.iso.datetime({ offset: true }),
});
export type ProgressNote = z.infer<typeof ProgressNoteSchema>;

export const ActionSchema = z.strictObject({
  /** "A1", "A2" … per plan, short enough to type in `/assess action done A3`. */
  id: z.string().regex(/^A\d{1,4}$/),
  /** The goal: a key factor that was not in place, or only partly, when the round closed. */
  factorId: z.string(),
  text: z.string().min(1).max(MAX_ACTION_CHARS),
  owner: z.string().min(1).max(200),
  /** Local calendar date in the round's timezone, YYYY-MM-DD. */
  due: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  tag: ActionTagSchema,
  /** The seed's "vilka åtgärder som bör prioriteras"; absent in actions stored before it existed (read as medium). */
  priority: ActionPrioritySchema.optional(),
  status: ActionStatusSchema,
  /** Progress notes, oldest first (the living plan). */
  notes: z.array(ProgressNoteSchema).max(MAX_PROGRESS_NOTES).optional(),
  createdBy: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }).optional(),
  doneAt: z.iso.datetime({ offset: true }).optional(),
  doneBy: z.string().optional(),
});
export type Action = z.infer<typeof ActionSchema>;

export const ActionPlanSchema = z.strictObject({
  actions: z.array(ActionSchema).max(MAX_ACTIONS).default([]),
  /** The next action number, so ids are never reused after a removal. */
  nextNumber: z.number().int().min(1).default(1),
});
export type ActionPlan = z.infer<typeof ActionPlanSchema>;

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
  /** When a coordinator last reopened the round after a close (core/services/round-changes.ts). */
  reopenedAt: z.iso.datetime({ offset: true }).optional(),
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
  /** Anonymous rounds: the id of the key members are hashed with (core/anonymity-keys.ts); absent in older rounds. */
  anonymityKeyId: z.string().regex(/^[0-9a-f]{16}$/).optional(),
  /**
   * In anonymous rounds, a factor's results stay hidden below this many responses. Rounds stored before the floor
   * of 3 existed may hold less; they are read as 3 (see anonymity.ts, which also freezes it once a round exists).
   */
  minResponses: z.number().int().min(1).max(50).default(5).transform((n) => Math.max(3, n)),
  /**
   * In anonymous rounds, answer texts and evidence stay hidden below this many answers (never below minResponses).
   * Absent in rounds stored before it existed: they get the default (see anonymity.ts answerThreshold).
   */
  minAnswers: z.number().int().min(1).max(100).optional(),
  contextNotes: z.array(ContextNoteSchema).default([]),
  /** Peer-review rounds only: which phase the round is in (absent in other modes). */
  reviewPhase: ReviewPhaseSchema.optional(),
  reviewStartedAt: z.iso.datetime({ offset: true }).optional(),
  /** The expert who leads the peer review; reviews alongside the reviewers. */
  reviewLead: z.string().min(1).max(200).optional(),
  /** Interviews, focus groups and other notes logged during the review phase. */
  reviewNotes: z.array(ReviewNoteSchema).max(500).optional(),
  /** The action plan drawn up from this round once it has closed. */
  actionPlan: ActionPlanSchema.optional(),
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

/** Whether an answer counts as answered: some text, or at least one link (an emptied answer is kept, but not counted). */
export function isFilled(answer: Pick<Answer, 'texts' | 'evidence'>): boolean {
  return answer.evidence.length > 0 || Object.keys(answer.texts).length > 0;
}

/** Vote counts per level for one factor. */
export type LevelCounts = Record<Level, number>;

export function emptyCounts(): LevelCounts {
  return { 'in-place': 0, partly: 0, 'not-in-place': 0, 'dont-know': 0 };
}
