// The other card actions: saving an answer, opening a card (to answer, for its examples, or refreshed for one person), and
// an action reminder's Done button. Each checks where the button was pressed before anything is read or written.
import type { Locale } from '../../content/schema.js';
import { assertCardOrigin, type CardOrigin } from '../card-scope.js';
import { AppError, toAppError } from '../errors.js';
import { t } from '../i18n.js';
import { assertCanRespond, assertWritable, isParticipant } from '../lifecycle.js';
import type { Action, Answer, Platform, Round } from '../model.js';
import { displayName } from '../own.js';
import type { Packs } from '../packs.js';
import { planCarrierChannel } from '../plan-model.js';
import { isPanelMember } from '../peer-review.js';
import type { ReadModel, RoundState } from '../read-model.js';
import type { ActionPlans } from '../services/action-plan.js';
import type { Actor } from '../services/context.js';
import type { Voting } from '../services/voting.js';
import { factorHeader } from '../views/shared.js';
import type { FactorCardView } from '../views/factor-card.js';
import type { CardFacts } from './card-facts.js';
import type { ActionDoneValue, AnswerFields, CardValue } from './codec.js';
import type { InteractionKind, InteractionObserver, InteractionReply } from './types.js';

export interface CardActionDeps {
  read: Pick<ReadModel, 'getRound' | 'state' | 'latestClosedRound'>;
  voting: Pick<Voting, 'saveAnswer' | 'myAnswer' | 'myVote'>;
  plans: Pick<ActionPlans, 'completeAction' | 'isOwner' | 'carrier'>;
  packs: Packs;
  facts: CardFacts;
  observe: InteractionObserver;
}

interface Asked {
  platform: Platform;
  tenant: string;
  actor: Actor;
  from?: CardOrigin;
  fallbackLocale: Locale;
}

export interface SaveAnswerRequest extends Asked {
  value: CardValue;
  fields: AnswerFields;
}

export interface OpenCardRequest extends Asked {
  value: CardValue;
  /** What the card is opened for: refreshed for one person, opened in their chat, for its examples, or to answer. */
  purpose: Extract<InteractionKind, 'refresh' | 'open-card' | 'examples' | 'answer'>;
}

export interface OpenCardReply extends InteractionReply {
  card?: FactorCardView;
  /** The person's saved answer (for the answer form and their own copy of the card). */
  answer?: Answer | null;
}

export interface ActionDoneRequest extends Asked {
  value: ActionDoneValue;
}

export interface ActionDoneReply extends InteractionReply {
  action?: Action;
}

function refusal(deps: { observe: InteractionObserver }, req: Asked, kind: InteractionKind, err: unknown, locale: Locale): InteractionReply & { ok: false } {
  const error = toAppError(err);
  deps.observe.interaction({ platform: req.platform, kind, outcome: error.code.toLowerCase() as Lowercase<string> });
  return { ok: false, locale, text: error.userMessage(locale), refresh: null, error };
}

/**
 * Whether this person's answer could be saved, checked before a form opens: in a peer review the team's answers
 * lock once the review starts, and reviewers never edit them (they write findings with /assess finding).
 */
export function assertCanAnswer(round: Round, userId: string): void {
  assertWritable(round);
  if (round.mode === 'peer-review') {
    const coordinator = displayName(round, round.coordinators[0] ?? '');
    const reviewer = isPanelMember(round, userId) && !isParticipant(round, userId);
    if (reviewer) throw new AppError(round.reviewPhase === 'review' ? 'REVIEWERS_CANNOT_EDIT_TEAM' : 'REVIEW_NOT_STARTED', { coordinator });
    if (round.reviewPhase === 'review') throw new AppError('SELF_ASSESSMENT_LOCKED', { coordinator });
  }
  assertCanRespond(round, userId);
}

export async function saveAnswer(deps: CardActionDeps, req: SaveAnswerRequest): Promise<InteractionReply> {
  let locale = req.fallbackLocale;
  try {
    const round = await deps.read.getRound(req.tenant, req.value.r);
    locale = round.locale;
    if (req.from) assertCardOrigin(round, req.actor.id, req.from);
    await deps.voting.saveAnswer({ tenant: req.tenant, roundId: round.id, factorId: req.value.f, actor: req.actor, ...req.fields });
    deps.observe.interaction({ platform: req.platform, kind: 'answer', outcome: 'ok' });
    const text = t(locale, 'answer.saved', { factor: factorHeader({ pack: deps.packs.get(round.packId, round.locale) }, req.value.f) });
    return { ok: true, locale, text, refresh: { tenant: req.tenant, roundId: round.id, factorId: req.value.f }, round };
  } catch (err) {
    return refusal(deps, req, 'answer', err, locale);
  }
}

export async function openCard(deps: CardActionDeps, req: OpenCardRequest): Promise<OpenCardReply> {
  let locale = req.fallbackLocale;
  try {
    const round = await deps.read.getRound(req.tenant, req.value.r);
    locale = round.locale;
    // Before anything else is read: a card pressed elsewhere in the tenant learns nothing of the round.
    if (req.from) assertCardOrigin(round, req.actor.id, req.from);
    if (!round.factorIds.includes(req.value.f)) throw new AppError('UNKNOWN_FACTOR', { factor: req.value.f });
    // Refuse before the form opens, so nobody types an answer that cannot be saved.
    if (req.purpose === 'answer') assertCanAnswer(round, req.actor.id);
    const state: RoundState = await deps.read.state(req.tenant, round.id, { answers: false });
    const personal = req.purpose !== 'examples';
    const [myVote, answer] = personal
      ? await Promise.all([deps.voting.myVote(round, req.value.f, req.actor.id), deps.voting.myAnswer(round, req.value.f, req.actor.id)])
      : [null, null];
    const card = await deps.facts.view(state, req.value.f, { id: req.actor.id, myVote });
    deps.observe.interaction({ platform: req.platform, kind: req.purpose, outcome: 'ok' });
    return { ok: true, locale, text: '', refresh: null, round, card, answer };
  } catch (err) {
    return refusal(deps, req, req.purpose, err, locale);
  }
}

export async function completeAction(deps: CardActionDeps, req: ActionDoneRequest): Promise<ActionDoneReply> {
  let locale = req.fallbackLocale;
  try {
    // A plan started from the toolkit reminds before any round exists: its button names the plan's channel instead.
    const channel = planCarrierChannel(req.value.r);
    const round = channel ? await deps.plans.carrier(req.tenant, channel) : await deps.read.getRound(req.tenant, req.value.r);
    if (!round) throw new AppError('NO_PLAN');
    locale = round.locale;
    // The Done button arrives in the owner's 1:1 chat, and an owner need not be one of the round's members.
    const owner = req.from?.direct === true && (await deps.plans.isOwner(req.tenant, round.channel.id, req.value.a, req.actor.id));
    if (req.from && !owner) assertCardOrigin(round, req.actor.id, req.from);
    // Actions live in the channel's plan, which outlives rounds: the button's round only says which channel.
    const { action } = await deps.plans.completeAction({ tenant: req.tenant, channelId: round.channel.id, actor: req.actor }, req.value.a);
    const updated = round;
    deps.observe.interaction({ platform: req.platform, kind: 'action-done', outcome: 'ok' });
    const text = t(updated.locale, 'modes.plan.markedDone', { id: action.id, text: action.text });
    return { ok: true, locale: updated.locale, text, refresh: null, round: updated, action };
  } catch (err) {
    return refusal(deps, req, 'action-done', err, locale);
  }
}
