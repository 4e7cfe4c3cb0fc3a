// The embedded store's state in memory, and its snapshot file format (the same maps as arrays of entries).
import { z } from 'zod';
import { AnswerSchema, LevelSchema, type Level } from '../../core/model.js';
import { encodeAnswerMeta } from '../answer-summary.js';

export interface RoundState {
  tenant: string;
  id: string;
  /** createdAt in ms, the index order (like the Redis zset score). */
  score: number;
  /** The round as JSON. */
  json: string;
  /** Changes with every write of `json` (see VoteInput.roundRev); unique across rounds, not persisted. */
  rev: string;
  /** Member id → display name learned after the round was written (rememberNames); read over the JSON's names. */
  names: Map<string, string>;
  /** memberField(factor, member) → vote. */
  votes: Map<string, { level: Level; at: string }>;
  /** memberField(factor, member) → Answer JSON. */
  answers: Map<string, string>;
  /** memberField(factor, member) → the answer's summary (encodeAnswerMeta), kept in step with `answers`. */
  answerMeta: Map<string, string>;
  /** factorId → CardRef JSON. */
  cards: Map<string, string>;
  /** interactionId → expiry (ms). */
  interactions: Map<string, number>;
  /** Delivery marker field → JSON (putMarks); all of them expire at `marksUntil` (ms). */
  marks: Map<string, string>;
  marksUntil: number;
}

export interface JobEntry {
  json: string;
  /** Due time or lease expiry (ms), like the Redis zset score. */
  score: number;
}

export interface MemoryState {
  /** roundKey(tenant, id) → round. */
  rounds: Map<string, RoundState>;
  /** tenant → channel → round id. */
  active: Map<string, Map<string, string>>;
  /** setIfNotExists key → expiry (ms). */
  nx: Map<string, number>;
  /** collection → id → JSON. */
  records: Map<string, Map<string, string>>;
  jobs: Map<string, JobEntry>;
  /** name → server secret (ensureSecret). */
  secrets: Map<string, string>;
}

/** A deep copy through JSON: what a caller hands the store can't change what it keeps. */
export function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function emptyState(): MemoryState {
  return { rounds: new Map(), active: new Map(), nx: new Map(), records: new Map(), jobs: new Map(), secrets: new Map() };
}

const FILE_VERSION = 1;

const pairList = z.array(z.tuple([z.string(), z.string()]));

const FileSchema = z.object({
  version: z.literal(FILE_VERSION),
  rounds: z.array(
    z.object({
      tenant: z.string(),
      id: z.string(),
      score: z.number(),
      json: z.string(),
      /** Missing in files written before names had their own map. */
      names: pairList.optional(),
      votes: z.array(z.tuple([z.string(), z.object({ level: LevelSchema, at: z.string() })])),
      answers: pairList,
      /** Missing in files written before answer summaries existed: rebuilt from the answers on load. */
      answerMeta: pairList.optional(),
      cards: pairList,
      interactions: z.array(z.tuple([z.string(), z.number()])),
      /** Missing in files written before delivery markers lived with the round. */
      marks: pairList.optional(),
      marksUntil: z.number().optional(),
    }),
  ),
  active: z.array(z.tuple([z.string(), pairList])),
  nx: z.array(z.tuple([z.string(), z.number()])),
  records: z.array(z.tuple([z.string(), pairList])),
  jobs: z.array(z.tuple([z.string(), z.object({ json: z.string(), score: z.number() })])),
  /** Missing in files written before server secrets were kept here. */
  secrets: pairList.optional(),
});
type FileState = z.infer<typeof FileSchema>;

/** Summaries for answers loaded from a file that has none; an answer that fails validation gets none. */
function metaOf(answers: [string, string][]): [string, string][] {
  const out: [string, string][] = [];
  for (const [field, json] of answers) {
    const parsed = AnswerSchema.safeParse(JSON.parse(json));
    if (parsed.success) out.push([field, encodeAnswerMeta(parsed.data)]);
  }
  return out;
}

/** The state a snapshot file holds; throws on a corrupt file rather than starting empty. */
export function stateFromFile(text: string, roundKey: (tenant: string, id: string) => string, newRev: () => string): MemoryState {
  const file = FileSchema.parse(JSON.parse(text));
  const state = emptyState();
  for (const r of file.rounds) {
    state.rounds.set(roundKey(r.tenant, r.id), {
      tenant: r.tenant,
      id: r.id,
      score: r.score,
      json: r.json,
      rev: newRev(),
      names: new Map(r.names ?? []),
      votes: new Map(r.votes),
      answers: new Map(r.answers),
      answerMeta: new Map(r.answerMeta ?? metaOf(r.answers)),
      cards: new Map(r.cards),
      interactions: new Map(r.interactions),
      marks: new Map(r.marks ?? []),
      marksUntil: r.marksUntil ?? 0,
    });
  }
  state.active = new Map(file.active.map(([t, m]) => [t, new Map(m)]));
  state.nx = new Map(file.nx);
  state.records = new Map(file.records.map(([c, m]) => [c, new Map(m)]));
  state.secrets = new Map(file.secrets ?? []);
  state.jobs = new Map(file.jobs);
  return state;
}

/** The snapshot file's text for the state; expired TTL entries are left out. */
export function stateToFile(state: MemoryState, now: number): string {
  const live = (m: Map<string, number>): [string, number][] => [...m].filter(([, exp]) => exp > now);
  const file: FileState = {
    version: FILE_VERSION,
    rounds: [...state.rounds.values()].map((r) => ({
      tenant: r.tenant,
      id: r.id,
      score: r.score,
      json: r.json,
      names: [...r.names],
      votes: [...r.votes],
      answers: [...r.answers],
      answerMeta: [...r.answerMeta],
      cards: [...r.cards],
      interactions: live(r.interactions),
      ...(r.marksUntil > now ? { marks: [...r.marks], marksUntil: r.marksUntil } : {}),
    })),
    active: [...state.active].map(([t, m]) => [t, [...m]]),
    nx: live(state.nx),
    records: [...state.records].map(([c, m]) => [c, [...m]]),
    jobs: [...state.jobs],
    secrets: [...state.secrets],
  };
  return JSON.stringify(file);
}
