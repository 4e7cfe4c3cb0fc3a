// Action plan use cases: adding actions to the plan of a channel's latest closed round, and marking them done.
import { actionJobId, actionReminderJob, parseActionTag, parseDueDate, planGoals, resolveFactor } from '../action-plan.js';
import { AppError } from '../errors.js';
import { isCoordinator, isParticipant } from '../lifecycle.js';
import { MAX_ACTION_CHARS, MAX_ACTIONS, type Action, type Round } from '../model.js';
import { hasOwnKey } from '../own.js';
import { coordinatorName, nowIso, type Actor, type CoreDeps } from './context.js';

export interface AddActionInput {
  tenant: string;
  channelId: string;
  actor: Actor;
  factor: string;
  owner: string;
  due: string;
  /** An ActionTag, or a word for one as typed (`quick`, `long`, `snabb`…): parseActionTag reads it. */
  tag: string;
  text: string;
}

/** The team of a round: its participants and coordinators (reviewers and managers are not). */
function assertTeam(round: Round, actorId: string): void {
  if (!isParticipant(round, actorId) && !isCoordinator(round, actorId)) {
    throw new AppError('NOT_TEAM_MEMBER', { coordinator: coordinatorName(round) });
  }
}

/** Whom an owner token names: "me", an id known to the round, a Slack mention, or a display name. */
export function resolveMember(round: Round, token: string, actor: Actor): string {
  const raw = token.trim();
  if (/^(me|jag|mig)$/i.test(raw)) return actor.id;
  const mention = /^<@([A-Z0-9]+)(?:\|[^>]*)?>$/i.exec(raw)?.[1];
  const id = mention ?? raw.replace(/^@/, '');
  const known = new Set([...round.participants, ...round.coordinators, ...round.managers, ...round.reviewers, ...Object.keys(round.names)]);
  if (known.has(id)) return id;
  const byName = Object.entries(round.names).filter(([, name]) => name.toLowerCase() === id.toLowerCase());
  if (byName.length === 1 && byName[0]) return byName[0][0];
  throw new AppError('UNKNOWN_MEMBER', { member: raw.slice(0, 60) });
}

export class ActionPlans {
  constructor(private readonly deps: CoreDeps) {}

  /** Adds an action to the plan of the channel's latest closed round, and schedules its reminder. */
  async addAction(input: AddActionInput): Promise<{ round: Round; action: Action }> {
    const { store, read, clock } = this.deps;
    const source = await read.latestClosedRound(input.tenant, input.channelId);
    const state = await read.state(input.tenant, source.id);
    assertTeam(source, input.actor.id);
    const factor = resolveFactor(state.pack, input.factor);
    const goal = planGoals(state).find((g) => g.factorId === factor.id);
    if (!goal) throw new AppError('NOT_A_GOAL', { factor: `${String(factor.number).padStart(2, '0')} ${factor.theme}` });
    const owner = resolveMember(source, input.owner, input.actor);
    const due = parseDueDate(input.due, source.calendar.timezone, clock.now());
    const tag = parseActionTag(input.tag);
    const text = input.text.trim();
    if (!text) throw new AppError('INVALID_INPUT', { detail: 'text' });
    if (text.length > MAX_ACTION_CHARS) throw new AppError('ANSWER_TOO_LONG', { length: text.length, max: MAX_ACTION_CHARS });
    let action: Action | undefined;
    const round = await store.updateRound(input.tenant, source.id, (r) => {
      const plan = r.actionPlan ?? { actions: [], nextNumber: 1 };
      if (plan.actions.length >= MAX_ACTIONS) throw new AppError('TOO_MANY_ACTIONS', { max: MAX_ACTIONS });
      action = {
        id: `A${plan.nextNumber}`,
        factorId: factor.id,
        text,
        owner,
        due,
        tag,
        status: 'open',
        createdBy: input.actor.id,
        createdAt: nowIso(clock),
      };
      return {
        ...r,
        names: input.actor.name && !hasOwnKey(r.names, input.actor.id) ? { ...r.names, [input.actor.id]: input.actor.name } : r.names,
        actionPlan: { actions: [...plan.actions, action], nextNumber: plan.nextNumber + 1 },
      };
    });
    const job = actionReminderJob(round, action!, clock.now());
    if (job) await store.scheduleJobs([job]);
    return { round, action: action! };
  }

  /** Marks an action done (the team or its owner); its reminder is dropped. */
  async completeAction(tenant: string, channelId: string, actor: Actor, actionRef: string): Promise<{ round: Round; action: Action }> {
    const source = await this.deps.read.latestClosedRound(tenant, channelId);
    const id = `A${actionRef.trim().replace(/^a/i, '')}`;
    let action: Action | undefined;
    const round = await this.deps.store.updateRound(tenant, source.id, (r) => {
      const plan = r.actionPlan;
      const found = plan?.actions.find((a) => a.id === id);
      if (!plan || !found) throw new AppError('UNKNOWN_ACTION', { action: actionRef.slice(0, 20) });
      if (found.owner !== actor.id) assertTeam(r, actor.id);
      action = found.status === 'done' ? found : { ...found, status: 'done', doneAt: nowIso(this.deps.clock), doneBy: actor.id };
      return { ...r, actionPlan: { ...plan, actions: plan.actions.map((a) => (a.id === id ? action! : a)) } };
    });
    await this.deps.store.completeJob(actionJobId(round, id));
    return { round, action: action! };
  }
}
