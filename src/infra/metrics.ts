// Prometheus metrics (prom-client): interactions, votes, platform API calls and 429s, scheduler lag and jobs. Every label
// value comes from a closed vocabulary defined here; anything else is counted as `other`, so no caller can grow /metrics.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ERROR_CODES, type ErrorCode } from '../core/errors.js';
import type { InteractionObserver } from '../core/interactions/index.js';
import type { JobKind } from '../core/ports.js';

export const PLATFORM_LABELS = ['slack', 'teams', 'playground', 'other'] as const;

/** What an interaction was: a person's action, or the envelope a platform delivered it in. */
export const KIND_LABELS = [
  'command',
  'vote',
  'answer',
  'start',
  'refresh',
  'open-card',
  'examples',
  'action-done',
  // Slack's payload types (after the signature is checked).
  'block_actions',
  'view_submission',
  'view_closed',
  'event_callback',
  'shortcut',
  'message_action',
  'block_suggestion',
  // Teams activity types.
  'message',
  'invoke',
  'conversationUpdate',
  'installationUpdate',
  // Refused before a payload was read.
  'signature',
  'unknown',
  'other',
] as const;

/** How it ended: generic outcomes, command reply types, and every AppError code (lower case). */
export const OUTCOME_LABELS = [
  'ok',
  'accepted',
  'rejected',
  'error',
  'invalid',
  'duplicate',
  'retry',
  'refused',
  'text',
  'start-form',
  'follow-up',
  'digest',
  ...ERROR_CODES.map((c) => c.toLowerCase() as Lowercase<ErrorCode>),
  'other',
] as const;

/** Slack Web API and Bot Connector methods the bot calls. */
export const METHOD_LABELS = [
  'chat.postMessage',
  'chat.postEphemeral',
  'chat.update',
  'chat.delete',
  'chat.getPermalink',
  'views.open',
  'views.update',
  'views.push',
  'views.publish',
  'users.info',
  'conversations.info',
  'conversations.members',
  'conversations.open',
  'files.getUploadURLExternal',
  'files.completeUploadExternal',
  'auth.test',
  'oauth.v2.access',
  'response_url',
  'sendActivity',
  'updateActivity',
  'getPagedMembers',
  'createConversation',
  'other',
] as const;

const JOB_KIND_SET: Record<JobKind, true> = {
  'factor-open': true,
  reminder: true,
  'weekly-digest': true,
  'auto-close': true,
  'final-digest': true,
  'action-reminder': true,
  'retention-purge': true,
  'tenant-forget': true,
};
export const JOB_OUTCOME_LABELS = ['done', 'skipped', 'retry', 'dead', 'other'] as const;

export type PlatformLabel = (typeof PLATFORM_LABELS)[number];
export type KindLabel = (typeof KIND_LABELS)[number];
export type OutcomeLabel = (typeof OUTCOME_LABELS)[number];
export type MethodLabel = (typeof METHOD_LABELS)[number];
export type JobKindLabel = JobKind | 'other';
export type JobOutcomeLabel = (typeof JOB_OUTCOME_LABELS)[number];

/** `value` when it is in `set`, else `'other'`: the only way a caller's string becomes a label. */
function closed<T extends string>(set: ReadonlySet<string>, value: unknown): T | 'other' {
  return typeof value === 'string' && set.has(value) ? (value as T) : 'other';
}

const PLATFORMS = new Set<string>(PLATFORM_LABELS);
const KINDS = new Set<string>(KIND_LABELS);
const OUTCOMES = new Set<string>(OUTCOME_LABELS);
const METHODS = new Set<string>(METHOD_LABELS);
const JOB_KINDS = new Set<string>(Object.keys(JOB_KIND_SET));
const JOB_OUTCOMES = new Set<string>(JOB_OUTCOME_LABELS);

export const platformLabel = (v: unknown): PlatformLabel => closed<PlatformLabel>(PLATFORMS, v);
export const kindLabel = (v: unknown): KindLabel => closed<KindLabel>(KINDS, v);
/** Error codes are counted in lower case, whoever raised them. */
export const outcomeLabel = (v: unknown): OutcomeLabel => closed<OutcomeLabel>(OUTCOMES, typeof v === 'string' ? v.toLowerCase() : v);
export const methodLabel = (v: unknown): MethodLabel => closed<MethodLabel>(METHODS, v);

export interface InteractionLabels {
  platform: PlatformLabel;
  kind: KindLabel;
  outcome: OutcomeLabel;
}

export function interactionLabels(platform: unknown, kind: unknown, outcome: unknown): InteractionLabels {
  return { platform: platformLabel(platform), kind: kindLabel(kind), outcome: outcomeLabel(outcome) };
}

export function jobLabels(kind: unknown, outcome: unknown): { kind: JobKindLabel; outcome: JobOutcomeLabel } {
  return { kind: closed<JobKind>(JOB_KINDS, kind), outcome: closed<JobOutcomeLabel>(JOB_OUTCOMES, outcome) };
}

/** A counter whose labels are checked against the vocabularies again at run time, whatever a caller's types said. */
export interface LabelledCounter<L> {
  inc(labels: L, value?: number): void;
}

function guarded<L extends object>(counter: Counter<string>, clean: (labels: L) => Record<string, string>): LabelledCounter<L> {
  return { inc: (labels, value = 1) => counter.inc(clean(labels), value) };
}

export interface Metrics {
  registry: Registry;
  interactions: LabelledCounter<{ platform: PlatformLabel; kind: KindLabel; outcome: OutcomeLabel }>;
  votes: LabelledCounter<{ platform: PlatformLabel }>;
  apiCalls: LabelledCounter<{ platform: PlatformLabel; method: string; outcome: OutcomeLabel }>;
  rateLimited: LabelledCounter<{ platform: PlatformLabel }>;
  jobs: LabelledCounter<{ kind: JobKindLabel; outcome: JobOutcomeLabel }>;
  schedulerLag: { observe(labels: { kind: JobKindLabel }, seconds: number): void };
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = (name: string, help: string, labelNames: string[]) => new Counter({ name, help, labelNames, registers: [registry] });
  const lag = new Histogram({ name: 'assess_scheduler_lag_seconds', help: 'How late a job ran after its due time', labelNames: ['kind'], buckets: [1, 5, 15, 30, 60, 120, 300, 900, 3600, 86400], registers: [registry] });
  return {
    registry,
    interactions: guarded(counter('assess_interactions_total', 'Inbound interactions by platform, kind and outcome', ['platform', 'kind', 'outcome']), (l) =>
      ({ ...interactionLabels(l.platform, l.kind, l.outcome) }),
    ),
    votes: guarded(counter('assess_votes_total', 'Votes counted', ['platform']), (l) => ({ platform: platformLabel(l.platform) })),
    // Method names are ours, but a Slack method added later should not need a release of this file to stay bounded.
    apiCalls: guarded(counter('assess_platform_api_calls_total', 'Outbound platform API calls', ['platform', 'method', 'outcome']), (l) => ({
      platform: platformLabel(l.platform),
      method: methodLabel(l.method),
      outcome: outcomeLabel(l.outcome),
    })),
    rateLimited: guarded(counter('assess_platform_rate_limited_total', '429 answers from platform APIs', ['platform']), (l) => ({ platform: platformLabel(l.platform) })),
    jobs: guarded(counter('assess_scheduler_jobs_total', 'Scheduler jobs by kind and outcome', ['kind', 'outcome']), (l) => ({ ...jobLabels(l.kind, l.outcome) })),
    schedulerLag: { observe: (labels, seconds) => lag.observe({ kind: jobLabels(labels.kind, 'done').kind }, seconds) },
  };
}

/**
 * The core's interaction outcomes as Prometheus series: `assess_interactions_total{platform,kind,outcome}` counts each
 * person's action once, whatever the platform, and `assess_votes_total{platform}` each stored vote.
 */
export function interactionObserver(metrics: Pick<Metrics, 'interactions' | 'votes'>): InteractionObserver {
  return {
    interaction: (e) => metrics.interactions.inc(interactionLabels(e.platform, e.kind, e.outcome)),
    voteCounted: (platform) => metrics.votes.inc({ platform: platformLabel(platform) }),
  };
}
