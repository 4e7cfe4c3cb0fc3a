// Action plans (handlingsplan): goals from a closed round, actions with owner, due date and tag, their reminders and texts.
import { DateTime } from 'luxon';
import { formatDateWithYear } from './calendar.js';
import type { ContentPack, KeyFactor, Locale } from '../content/schema.js';
import { resultsVisible } from './anonymity.js';
import { AppError } from './errors.js';
import { displayName, ownValue } from './own.js';
import { t, tn } from './i18n.js';
import { type Action, type ActionTag, type Level, type Round } from './model.js';
import type { Job } from './ports.js';
import type { RoundState } from './read-model.js';

/** A key factor the plan should move: not in place, or only partly, when the round closed. */
export interface Goal {
  factorId: string;
  /** "03 · Ledning och styrning" */
  header: string;
  verdict: Level;
  /** Whose verdict made it a goal: the peer panel's in a reviewed round, else the team's. */
  source: 'team' | 'peer';
  /** The factor's guiding questions and city examples, to guide the actions. */
  questions: string[];
  examples: string[];
}

const GOAL_LEVELS: Level[] = ['not-in-place', 'partly'];

export function factorLabel(pack: Pick<ContentPack, 'keyFactors'>, factorId: string): string {
  const f = pack.keyFactors.find((k) => k.id === factorId);
  return f ? `${String(f.number).padStart(2, '0')} · ${f.theme}` : factorId;
}

/**
 * Goals of a closed round, in factor order. A reviewed round's panel verdict is the assessment the plan answers
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
      header: factorLabel(pack, tally.factorId),
      verdict,
      source: peerVerdict ? 'peer' : 'team',
      questions: factor?.questions.map((q) => q.text) ?? [],
      examples: factor?.examples.map((e) => (e.country ? `${e.place}, ${e.country}` : e.place)) ?? [],
    });
  }
  return goals;
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

const TAGS: Record<string, ActionTag> = {
  quick: 'quick-win',
  'quick-win': 'quick-win',
  quickwin: 'quick-win',
  snabb: 'quick-win',
  snabbvinst: 'quick-win',
  long: 'long-term',
  'long-term': 'long-term',
  longterm: 'long-term',
  lång: 'long-term',
  lang: 'long-term',
  långsiktig: 'long-term',
};

export function parseActionTag(token: string): ActionTag {
  const tag = ownValue(TAGS, token.trim().toLowerCase());
  if (!tag) throw new AppError('INVALID_INPUT', { detail: `quick | long: ${token.slice(0, 40)}` });
  return tag;
}

/** A real calendar date written YYYY-MM-DD, not before today in the round's timezone. */
export function parseDueDate(token: string, zone: string, now: number): string {
  const day = DateTime.fromISO(token.trim(), { zone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(token.trim()) || !day.isValid) throw new AppError('INVALID_DATE', { date: token.slice(0, 40) });
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  if (day < today) throw new AppError('INVALID_DATE', { date: token.trim() });
  return day.toISODate();
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
    payload: { actionId: action.id },
    attempts: 0,
  };
}

/** A due date or close date in the bot's one date style, with the year (calendar.ts). */
export function longDate(locale: Locale, due: string, zone: string): string {
  return formatDateWithYear(due, zone, locale);
}

/** "A3 · Publicera åtagandet på webben – Anna, senast 1 mars 2027 · snabb vinst · klar" */
export function actionLine(locale: Locale, round: Round, action: Action, opts: { withFactor?: string } = {}): string {
  const owner = round.anonymous ? t(locale, 'modes.plan.ownerHidden') : displayName(round, action.owner);
  const line = t(locale, action.status === 'done' ? 'modes.plan.actionDone' : 'modes.plan.actionOpen', {
    id: action.id,
    text: action.text,
    owner,
    due: longDate(locale, action.due, round.calendar.timezone),
    tag: t(locale, `modes.plan.tag.${action.tag}`),
  });
  return opts.withFactor ? `${opts.withFactor}: ${line}` : line;
}

/** The plan as chat text: every goal with its actions, guiding questions for goals that have none yet. */
export function planText(state: RoundState, locale: Locale): string {
  const { round, pack } = state;
  const goals = planGoals(state);
  const actions = round.actionPlan?.actions ?? [];
  const lines = [t(locale, 'modes.plan.title', { date: longDate(locale, round.closedAt ?? round.calendar.closesAt, round.calendar.timezone) })];
  if (goals.length === 0 && actions.length === 0) {
    lines.push(t(locale, 'modes.plan.noGoals'));
    return lines.join('\n');
  }
  lines.push(summaryLine(locale, actions));
  for (const goal of goals) {
    const mine = actions.filter((a) => a.factorId === goal.factorId);
    lines.push('', t(locale, 'modes.plan.goal', { factor: goal.header, verdict: t(locale, `levels.${goal.verdict}`) }));
    for (const a of mine) lines.push(`• ${actionLine(locale, round, a)}`);
    if (mine.length === 0) {
      lines.push(t(locale, 'modes.plan.guide'));
      for (const q of goal.questions.slice(0, 4)) lines.push(`  – ${q}`);
      if (goal.examples.length > 0) lines.push(t(locale, 'modes.plan.examples', { places: goal.examples.slice(0, 3).join(', ') }));
    }
  }
  // Actions whose goal is no longer a goal cannot happen (goals are fixed at the close); listed for safety.
  const orphans = actions.filter((a) => !goals.some((g) => g.factorId === a.factorId));
  for (const a of orphans) lines.push(`• ${actionLine(locale, round, a, { withFactor: factorLabel(pack, a.factorId) })}`);
  lines.push('', t(locale, 'modes.plan.howTo'));
  return lines.join('\n');
}

export function summaryLine(locale: Locale, actions: Action[]): string {
  const done = actions.filter((a) => a.status === 'done').length;
  const quick = actions.filter((a) => a.tag === 'quick-win').length;
  return t(locale, 'modes.plan.summary', {
    actions: tn(locale, 'modes.plan.actions', actions.length),
    done: tn(locale, 'modes.plan.done', done),
    quick: tn(locale, 'modes.plan.quick', quick),
    long: tn(locale, 'modes.plan.long', actions.length - quick),
  });
}

/** Lines for the next round's digest: progress on the previous round's plan, open actions first by due date. */
export function planDigestLines(planRound: Round, pack: Pick<ContentPack, 'keyFactors'>, locale: Locale, max = 10): string[] {
  const actions = planRound.actionPlan?.actions ?? [];
  if (actions.length === 0) return [];
  const ordered = [...actions].sort((a, b) => (a.status === b.status ? a.due.localeCompare(b.due) : a.status === 'open' ? -1 : 1));
  const lines = [summaryLine(locale, actions)];
  for (const a of ordered.slice(0, max)) lines.push(actionLine(locale, planRound, a, { withFactor: factorLabel(pack, a.factorId) }));
  if (ordered.length > max) lines.push(t(locale, 'modes.plan.more', { count: ordered.length - max }));
  return lines;
}
