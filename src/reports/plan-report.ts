// The channel's action plan in a report: the same model for HTML, Markdown, CSV and JSON, with owners hidden in a
// plan from an anonymous round and progress notes by day, without who wrote them.
import type { ContentPack, Locale } from '../content/schema.js';
import { t } from '../core/i18n.js';
import type { Action } from '../core/model.js';
import type { ChannelPlan } from '../core/plan-model.js';
import { holderOf } from '../core/plan-model.js';
import { factorLabel, goalHeading, orderActions, ownerName, planTitle, summaryLine } from '../core/plan-text.js';
import { dayOf } from './day.js';

export interface ReportPlanAction {
  id: string;
  factorId: string;
  factor: string;
  text: string;
  /** The owner's name; "owner assigned" in a plan from an anonymous round. */
  owner: string;
  due: string;
  tag: Action['tag'];
  tagLabel: string;
  priority: NonNullable<Action['priority']>;
  priorityLabel: string;
  status: Action['status'];
  statusLabel: string;
  notes: { text: string; day: string }[];
}

export interface ReportPlanGoal {
  factorId: string;
  heading: string;
  verdict: string | null;
  score: number | null;
  actions: ReportPlanAction[];
}

export interface ReportPlan {
  title: string;
  summary: string;
  goals: ReportPlanGoal[];
  /** Actions under factors that are no longer goals. */
  others: ReportPlanAction[];
}

function reportAction(plan: ChannelPlan, pack: ContentPack, locale: Locale, a: Action): ReportPlanAction {
  const priority = a.priority ?? 'medium';
  return {
    id: a.id,
    factorId: a.factorId,
    factor: factorLabel(pack, a.factorId),
    text: a.text,
    owner: ownerName(locale, holderOf(plan), a.owner),
    due: a.due,
    tag: a.tag,
    tagLabel: t(locale, `modes.plan.tag.${a.tag}`),
    priority,
    priorityLabel: t(locale, `modes.plan.priority.${priority}`),
    status: a.status,
    statusLabel: t(locale, `modes.plan.statusName.${a.status}`),
    notes: (a.notes ?? []).map((n) => ({ text: n.text, day: dayOf(n.at, plan.timezone) })),
  };
}

export function buildReportPlan(plan: ChannelPlan, pack: ContentPack, locale: Locale): ReportPlan {
  return {
    title: planTitle(plan, locale),
    summary: summaryLine(locale, plan.actions),
    goals: plan.goals.map((g) => ({
      factorId: g.factorId,
      heading: goalHeading(plan, pack, locale, g).replace(/\*\*/g, ''),
      verdict: g.verdict,
      score: g.score,
      actions: orderActions(plan.actions.filter((a) => a.factorId === g.factorId)).map((a) => reportAction(plan, pack, locale, a)),
    })),
    others: orderActions(plan.actions.filter((a) => !plan.goals.some((g) => g.factorId === a.factorId))).map((a) => reportAction(plan, pack, locale, a)),
  };
}

/** Every action of the plan, goal by goal. */
export function planActions(plan: ReportPlan): ReportPlanAction[] {
  return [...plan.goals.flatMap((g) => g.actions), ...plan.others];
}
