// The action plan as text: one action's line, the plan's summary, the compact chat view in pages, and digest lines.
import { DateTime } from 'luxon';
import { formatDateWithYear } from './calendar.js';
import type { ContentPack, Locale } from '../content/schema.js';
import { t, tn } from './i18n.js';
import type { Action } from './model.js';
import { displayName } from './own.js';
import { holderOf, type ChannelPlan, type PlanHolder } from './plan-model.js';

/** A chat page stays well under Slack's and Teams' message limits (see commands/types.ts clipReply). */
export const PLAN_PAGE_CHARS = 2800;

export function factorLabel(pack: Pick<ContentPack, 'keyFactors'>, factorId: string): string {
  const f = pack.keyFactors.find((k) => k.id === factorId);
  return f ? `${String(f.number).padStart(2, '0')} · ${f.theme}` : factorId;
}

export function ownerName(locale: Locale, holder: PlanHolder, owner: string): string {
  return holder.anonymous ? t(locale, 'modes.plan.ownerHidden') : displayName(holder, owner);
}

/** "A3 · Publicera åtagandet på webben – Anna, senast 1 mars 2027 · snabbutdelning · hög prioritet · pågår" */
export function actionLine(locale: Locale, holder: PlanHolder, action: Action, opts: { withFactor?: string } = {}): string {
  const base = t(locale, action.status === 'done' ? 'modes.plan.actionDone' : 'modes.plan.actionOpen', {
    id: action.id,
    text: action.text,
    owner: ownerName(locale, holder, action.owner),
    due: formatDateWithYear(action.due, holder.calendar.timezone, locale),
    tag: t(locale, `modes.plan.tag.${action.tag}`),
  });
  const extras = [
    action.priority && action.priority !== 'medium' ? t(locale, `modes.plan.priority.${action.priority}`) : '',
    action.status === 'in-progress' ? t(locale, 'modes.plan.status.in-progress') : '',
  ].filter(Boolean);
  const line = extras.length > 0 ? `${base} · ${extras.join(' · ')}` : base;
  return opts.withFactor ? `${opts.withFactor}: ${line}` : line;
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

const PRIORITY_ORDER = { high: 0, medium: 1, low: 2 } as const;
const STATUS_ORDER = { 'in-progress': 0, open: 1, done: 2 } as const;

/** Under a goal: unfinished first, then by priority, then by due date. */
export function orderActions(actions: Action[]): Action[] {
  return [...actions].sort(
    (a, b) =>
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      PRIORITY_ORDER[a.priority ?? 'medium'] - PRIORITY_ORDER[b.priority ?? 'medium'] ||
      a.due.localeCompare(b.due) ||
      Number(a.id.slice(1)) - Number(b.id.slice(1)),
  );
}

/** The plan's title: where its goals come from. */
export function planTitle(plan: ChannelPlan, locale: Locale): string {
  if (plan.startedFrom === 'toolkit' && plan.roundIds.length === 0) return t(locale, 'modes.plan.titleToolkit');
  return t(locale, 'modes.plan.title', { date: formatDateWithYear(plan.goalsSetAt, plan.timezone, locale) });
}

/** The goal's heading: its factor and, when a round set it, the verdict then. */
export function goalHeading(plan: ChannelPlan, pack: Pick<ContentPack, 'keyFactors'>, locale: Locale, goal: ChannelPlan['goals'][number]): string {
  const factor = factorLabel(pack, goal.factorId);
  if (goal.verdict === null) return t(locale, 'modes.plan.goalToolkit', { factor });
  return t(locale, 'modes.plan.goal', { factor, verdict: t(locale, `levels.${goal.verdict}`) });
}

/** Every line of the plan for chat: goals largest gap first, their actions, guidance for goals without any. */
export function planLines(plan: ChannelPlan, pack: ContentPack, locale: Locale): string[] {
  const holder = holderOf(plan);
  const lines = [planTitle(plan, locale), summaryLine(locale, plan.actions)];
  if (plan.goals.length === 0 && plan.actions.length === 0) {
    lines.push(t(locale, 'modes.plan.noGoals'));
    return lines;
  }
  for (const goal of plan.goals) {
    const mine = orderActions(plan.actions.filter((a) => a.factorId === goal.factorId));
    lines.push('', goalHeading(plan, pack, locale, goal));
    for (const a of mine) {
      lines.push(`• ${actionLine(locale, holder, a)}`);
      const last = a.notes?.at(-1);
      if (last && a.status !== 'done') lines.push(`  ↳ ${last.text}`);
    }
    if (mine.length === 0) {
      const factor = pack.keyFactors.find((k) => k.id === goal.factorId);
      lines.push(t(locale, 'modes.plan.guide'));
      for (const q of (factor?.questions ?? []).slice(0, 4)) lines.push(`  – ${q.text}`);
      const places = (factor?.examples ?? []).slice(0, 3).map((e) => (e.country ? `${e.place}, ${e.country}` : e.place));
      if (places.length > 0) lines.push(t(locale, 'modes.plan.examples', { places: places.join(', ') }));
    }
  }
  // Actions whose factor is no longer a goal (a later round found it true): kept, under their own heading.
  const others = orderActions(plan.actions.filter((a) => !plan.goals.some((g) => g.factorId === a.factorId)));
  if (others.length > 0) {
    lines.push('', t(locale, 'modes.plan.otherActions'));
    for (const a of others) lines.push(`• ${actionLine(locale, holder, a, { withFactor: factorLabel(pack, a.factorId) })}`);
  }
  return lines;
}

/** Splits a line longer than `max` at spaces, so no word is ever cut. */
function wrap(line: string, max: number): string[] {
  if (line.length <= max) return [line];
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    const next = current === '' ? word : `${current} ${word}`;
    if (next.length > max && current !== '') {
      out.push(current);
      current = word;
    } else current = next;
  }
  if (current !== '') out.push(current);
  return out;
}

/**
 * The plan in chat pages: whole lines (never a cut word), each page under `max` characters with its footer. A goal's
 * heading is not left alone at the foot of a page.
 */
export function planPages(plan: ChannelPlan, pack: ContentPack, locale: Locale, max = PLAN_PAGE_CHARS): string[] {
  const room = max - 200;
  const lines = planLines(plan, pack, locale).flatMap((l) => wrap(l, room));
  const pages: string[][] = [[]];
  let size = 0;
  for (const [i, line] of lines.entries()) {
    const page = pages.at(-1)!;
    const nextIsBody = lines[i + 1] !== undefined && lines[i + 1] !== '';
    const heading = line.startsWith('**') && nextIsBody;
    const need = line.length + 1 + (heading ? (lines[i + 1]?.length ?? 0) + 1 : 0);
    if (size + need > room && page.length > 0) {
      pages.push(line === '' ? [] : [line]);
      size = line === '' ? 0 : line.length + 1;
      continue;
    }
    page.push(line);
    size += line.length + 1;
  }
  const total = pages.length;
  return pages.map((page, i) => {
    const footer = i + 1 < total ? t(locale, 'modes.plan.nextPage', { page: i + 1, pages: total, next: i + 2 }) : t(locale, 'modes.plan.howTo');
    const lastPage = total > 1 && i + 1 === total ? `${t(locale, 'modes.plan.pageOf', { page: i + 1, pages: total })}\n` : '';
    return `${page.join('\n').trim()}\n\n${lastPage}${footer}`;
  });
}

/** Lines for a digest: progress on the plan, open actions first by due date. */
export function planDigestLines(plan: ChannelPlan, pack: Pick<ContentPack, 'keyFactors'>, locale: Locale, max = 10): string[] {
  const actions = plan.actions;
  if (actions.length === 0) return [];
  const ordered = [...actions].sort((a, b) => (a.status === 'done') === (b.status === 'done') ? a.due.localeCompare(b.due) : a.status === 'done' ? 1 : -1);
  const holder = holderOf(plan);
  const lines = [summaryLine(locale, actions)];
  for (const a of ordered.slice(0, max)) lines.push(actionLine(locale, holder, a, { withFactor: factorLabel(pack, a.factorId) }));
  if (ordered.length > max) lines.push(tn(locale, 'modes.plan.more', ordered.length - max));
  return lines;
}

/** Unfinished actions due within `days` days from `now` (the plan's timezone), or overdue; soonest first. */
export function actionsDueSoon(plan: ChannelPlan, now: number, days = 7): Action[] {
  const today = DateTime.fromMillis(now, { zone: plan.timezone }).startOf('day');
  const until = today.plus({ days }).toISODate() ?? '';
  return plan.actions.filter((a) => a.status !== 'done' && a.due <= until).sort((a, b) => a.due.localeCompare(b.due));
}
