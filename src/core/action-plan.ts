// Action plans (handlingsplan): goals from a closed round or from the toolkit, and the reading of what people type
// about actions (factor, tag, priority, due date), plus the reminder job of an action.
import { DateTime } from 'luxon';
import { formatDateWithYear } from './calendar.js';
import type { ContentPack, KeyFactor, Locale } from '../content/schema.js';
import { resultsVisible } from './anonymity.js';
import { AppError } from './errors.js';
import { ownValue } from './own.js';
import { type Action, type ActionPriority, type ActionTag, type Level, type Round } from './model.js';
import type { PlanGoal } from './plan-model.js';
import type { Job } from './ports.js';
import type { RoundState } from './read-model.js';

export { actionLine, factorLabel, summaryLine } from './plan-text.js';

/** A key factor the plan should move: not in place, or only partly, when the round closed. */
export interface Goal {
  factorId: string;
  /** "03 · Ledning och styrning" */
  header: string;
  verdict: Level;
  /** Whose verdict made it a goal: the peer panel's in a reviewed round, else the team's. */
  source: 'team' | 'peer';
  /** The factor's score (verdict.ts); the gap the plan closes is 100 minus it. */
  score: number | null;
  /** The factor's guiding questions and city examples, to guide the actions. */
  questions: string[];
  examples: string[];
}

const GOAL_LEVELS: Level[] = ['not-in-place', 'partly'];

function header(pack: Pick<ContentPack, 'keyFactors'>, factorId: string): string {
  const f = pack.keyFactors.find((k) => k.id === factorId);
  return f ? `${String(f.number).padStart(2, '0')} · ${f.theme}` : factorId;
}

/** Largest gap first (100 minus the score), then factor order; goals without a score after those with one. */
export function byGap<T extends { factorId: string; score: number | null }>(pack: Pick<ContentPack, 'keyFactors'>, goals: T[]): T[] {
  const order = new Map(pack.keyFactors.map((k, i) => [k.id, i]));
  const gap = (g: T) => (g.score === null ? -1 : 100 - g.score);
  return [...goals].sort((a, b) => gap(b) - gap(a) || (order.get(a.factorId) ?? 999) - (order.get(b.factorId) ?? 999));
}

/**
 * Goals of a closed round, largest gap first. A reviewed round's panel verdict is the assessment the plan answers
 * to; hidden results (anonymous, too few responses) give no goal, as nobody may see them.
 */
export function planGoals(state: RoundState): Goal[] {
  const { round, pack } = state;
  const goals: Goal[] = [];
  for (const tally of state.tallies) {
    const peer = state.peer?.factors.find((p) => p.factorId === tally.factorId);
    const visible = resultsVisible(round, tally);
    const peerVerdict = peer && peer.tally.verdict !== null ? peer.tally.verdict : null;
    const verdict = peerVerdict ?? (visible ? tally.verdict : null);
    if (!verdict || !GOAL_LEVELS.includes(verdict)) continue;
    const factor = pack.keyFactors.find((k) => k.id === tally.factorId);
    goals.push({
      factorId: tally.factorId,
      header: header(pack, tally.factorId),
      verdict,
      source: peerVerdict ? 'peer' : 'team',
      score: peerVerdict ? peer!.tally.score : tally.score,
      questions: factor?.questions.map((q) => q.text) ?? [],
      examples: factor?.examples.map((e) => (e.country ? `${e.place}, ${e.country}` : e.place)) ?? [],
    });
  }
  return byGap(pack, goals);
}

/** The stored goals of a round's gaps. */
export function goalsOfRound(state: RoundState): PlanGoal[] {
  return planGoals(state).map((g) => ({ factorId: g.factorId, verdict: g.verdict, score: g.score, source: g.source, roundId: state.round.id }));
}

/** "If the municipality does not yet have a diversity programme": every key factor of the toolkit is a goal. */
export function goalsFromToolkit(pack: Pick<ContentPack, 'keyFactors'>): PlanGoal[] {
  return pack.keyFactors.map((k) => ({ factorId: k.id, verdict: null, score: null, source: 'toolkit' as const }));
}

/** "3", "03", "F03" or a factor id: the factor it names in the pack, or UNKNOWN_FACTOR. */
export function resolveFactor(pack: Pick<ContentPack, 'keyFactors'>, token: string): KeyFactor {
  const cleaned = token.trim();
  const byId = pack.keyFactors.find((k) => k.id.toLowerCase() === cleaned.toLowerCase());
  if (byId) return byId;
  const digits = /^[a-z]{0,2}(\d{1,2})$/i.exec(cleaned)?.[1];
  const byNumber = digits ? pack.keyFactors.find((k) => k.number === Number(digits)) : undefined;
  if (byNumber) return byNumber;
  throw new AppError('UNKNOWN_FACTOR', { factor: cleaned.slice(0, 40) });
}

// The seed's own words first ("snabbutdelning", "längre tids arbete"), then short forms in both languages.
const TAGS: Record<string, ActionTag> = {
  quick: 'quick-win',
  'quick-win': 'quick-win',
  quickwin: 'quick-win',
  snabb: 'quick-win',
  snabbvinst: 'quick-win',
  snabbutdelning: 'quick-win',
  long: 'long-term',
  'long-term': 'long-term',
  longterm: 'long-term',
  lång: 'long-term',
  lang: 'long-term',
  långsiktig: 'long-term',
  längre: 'long-term',
};

export function isActionTag(token: string): boolean {
  return ownValue(TAGS, token.trim().toLowerCase()) !== undefined;
}

export function parseActionTag(token: string): ActionTag {
  const tag = ownValue(TAGS, token.trim().toLowerCase());
  if (!tag) throw new AppError('INVALID_INPUT', { detail: `quick | long: ${token.slice(0, 40)}` });
  return tag;
}

const PRIORITIES: Record<string, ActionPriority> = {
  high: 'high',
  hög: 'high',
  hog: 'high',
  medium: 'medium',
  medel: 'medium',
  normal: 'medium',
  low: 'low',
  låg: 'low',
  lag: 'low',
};

export function isPriority(token: string): boolean {
  return ownValue(PRIORITIES, token.trim().toLowerCase().replace(/^!/, '')) !== undefined;
}

export function parsePriority(token: string): ActionPriority {
  const p = ownValue(PRIORITIES, token.trim().toLowerCase().replace(/^!/, ''));
  if (!p) throw new AppError('INVALID_INPUT', { detail: `high | medium | low: ${token.slice(0, 40)}` });
  return p;
}

/** A real calendar date written YYYY-MM-DD; a day before today (in the plan's timezone) gets its own message. */
export function parseDueDate(token: string, zone: string, now: number): string {
  const day = DateTime.fromISO(token.trim(), { zone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(token.trim()) || !day.isValid) throw new AppError('INVALID_DATE', { date: token.slice(0, 40) });
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  if (day < today) throw new AppError('PAST_DATE', { date: token.trim(), today: today.toISODate() ?? '' });
  return day.toISODate() ?? token.trim();
}

export function actionJobId(round: Pick<Round, 'tenant' | 'id'>, actionId: string): string {
  return `${round.tenant}:${round.id}:action-reminder:${actionId}`;
}

/**
 * One reminder per action, at the round's reminder time: the round's "days before" ahead of the due date, or on the
 * due date itself when that moment has already passed; none once the due date's reminder time is gone.
 */
export function actionReminderJob(round: Round, action: Action, now: number): Job | null {
  const zone = round.calendar.timezone;
  const [hour = 9, minute = 0] = round.calendar.reminders.time.split(':').map(Number);
  const dueDay = DateTime.fromISO(action.due, { zone }).set({ hour, minute, second: 0, millisecond: 0 });
  const before = round.calendar.reminders.daysBefore[0] ?? 2;
  const candidates = [dueDay.minus({ days: before }), dueDay].map((d) => d.toMillis()).filter((ms) => ms > now);
  const dueAt = candidates[0];
  if (dueAt === undefined) return null;
  return {
    id: actionJobId(round, action.id),
    kind: 'action-reminder',
    tenant: round.tenant,
    roundId: round.id,
    dueAt,
    // The channel too: a plan without a round of its own has no stored round to find it from (plan-model.ts planCarrier).
    payload: { actionId: action.id, channelId: round.channel.id },
    attempts: 0,
  };
}

/** A due date or close date in the bot's one date style, with the year (calendar.ts). */
export function longDate(locale: Locale, due: string, zone: string): string {
  return formatDateWithYear(due, zone, locale);
}
