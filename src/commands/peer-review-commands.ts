// `/assess review …`, `/assess finding` and `/assess recommend`: the peer review's phases, panel, notes and follow-up report.
import { resolveFactor } from '../core/action-plan.js';
import { AppError } from '../core/errors.js';
import { formatDateWithYear } from '../core/calendar.js';
import { t } from '../core/i18n.js';
import type { ReviewNoteKind, Round } from '../core/model.js';
import { isCoordinator, isParticipant } from '../core/lifecycle.js';
import { displayName, hasOwnKey, ownValue } from '../core/own.js';
import { buildFollowUp, isPanelMember, panelOf, peerFactorId, selfAssessmentText } from '../core/peer-review.js';
import { followUpUrl } from '../infra/report-links.js';
import { ids, words } from './parse.js';
import { clipReply, text, type CommandContext, type CommandDeps, type CommandReply } from './types.js';

const NOTE_KINDS: Record<string, ReviewNoteKind> = {
  interview: 'interview',
  intervju: 'interview',
  focus: 'focus-group',
  'focus-group': 'focus-group',
  fokusgrupp: 'focus-group',
  note: 'note',
  anteckning: 'note',
};

/**
 * `/assess review` starts the review phase; `review invite <ids>`, `review lead <id>`, `review show [factor]`,
 * `review note interview|focus|note [factor] <text>` and `review report` do the rest of a peer review.
 */
export async function reviewCommand(deps: CommandDeps, ctx: CommandContext, round: Round, args: string): Promise<CommandReply> {
  const { service } = deps;
  const [sub = '', ...rest] = words(args);
  const locale = round.locale;
  switch (sub.toLowerCase()) {
    case '':
    case 'start': {
      const started = await service.startReview(ctx.tenant, round.id, ctx.actor);
      return text(t(locale, 'modes.review.started', { count: panelOf(started).length }), 'channel');
    }
    case 'invite':
    case 'bjud': {
      const invited = await panelIds(deps, ctx, round, rest);
      if (invited.length === 0) throw new AppError('NO_REVIEWERS');
      const updated = await service.inviteReviewers(ctx.tenant, round.id, ctx.actor, { reviewers: invited });
      return text(t(locale, 'modes.review.invited', { count: invited.length, panel: panelOf(updated).length }));
    }
    case 'validate':
    case 'validera': {
      const reviewers = await panelIds(deps, ctx, round, rest);
      const opened = await service.validateClosedRound(ctx.tenant, ctx.channelId, ctx.actor, { reviewers });
      return text(t(locale, 'modes.review.validating', { count: panelOf(opened).length, date: formatDateWithYear(opened.calendar.closesAt, opened.calendar.timezone, locale) }), 'channel');
    }
    case 'lead':
    case 'expert': {
      const [lead] = await panelIds(deps, ctx, round, rest.slice(0, 1));
      if (!lead) throw new AppError('NO_REVIEWERS');
      await service.inviteReviewers(ctx.tenant, round.id, ctx.actor, { lead });
      return text(t(locale, 'modes.review.leadSet', { lead: displayName(round, lead) }));
    }
    case 'show':
    case 'visa': {
      // The self-assessment is for the team and the invited panel: nobody reads it before they are invited.
      if (!isCoordinator(round, ctx.actor.id) && !isParticipant(round, ctx.actor.id) && !isPanelMember(round, ctx.actor.id)) throw new AppError('NOT_REVIEWER');
      const state = await service.state(ctx.tenant, round.id);
      const factor = rest[0] ? resolveFactor(state.pack, rest[0]).id : undefined;
      return text(clipReply(locale, selfAssessmentText(state, factor)));
    }
    case 'note':
    case 'anteckning': {
      const [kindWord = '', ...more] = rest;
      const kind = ownValue(NOTE_KINDS, kindWord.toLowerCase());
      if (!kind) return text(t(locale, 'modes.review.noteUsage'));
      const pack = service.packs.get(round.packId, round.locale);
      let factorIds: string[] = [];
      let body = more;
      try {
        if (more[0] && more.length > 1) {
          factorIds = [resolveFactor(pack, more[0]).id];
          body = more.slice(1);
        }
      } catch {
        // The first word was not a factor: the note is about the whole review.
      }
      const updated = await service.addReviewNote(ctx.tenant, round.id, ctx.actor, { kind, text: body.join(' '), factorIds });
      return text(t(locale, 'modes.review.noteSaved', { kind: t(locale, `modes.review.noteKind.${kind}`), count: updated.reviewNotes?.length ?? 0 }));
    }
    case 'report':
    case 'rapport': {
      if (round.mode !== 'peer-review') throw new AppError('NOT_PEER_REVIEW', { mode: t(locale, `modes.${round.mode}`) });
      // The follow-up report carries the self-assessment (and links to all of it): the team and the invited panel only.
      if (!isCoordinator(round, ctx.actor.id) && !isParticipant(round, ctx.actor.id) && !isPanelMember(round, ctx.actor.id)) throw new AppError('NOT_REVIEWER');
      const state = await service.state(ctx.tenant, round.id);
      const url = followUpUrl(deps.reportLinks, ctx.tenant, round.id);
      const view = { ...buildFollowUp(state, service.nowIso()), links: { html: url, markdown: `${url}?format=md` } };
      return { type: 'follow-up', view, round, visibility: 'ephemeral' };
    }
    default:
      return text(t(locale, 'modes.review.usage'));
  }
}

/**
 * Whom `review invite` and `review lead` name, read as `action add` reads an owner: a mention, an id or a display name
 * the channel knows is that person (so an id and a name never count twice); anything else is taken as a new id.
 */
async function panelIds(deps: CommandDeps, ctx: CommandContext, round: Round, tokens: string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const token of ids(tokens)) {
    try {
      out.add(deps.service.resolveMember(round, token, ctx.actor));
    } catch {
      out.add(token);
    }
  }
  return [...out];
}

/** `/assess finding <factor> <text>` and `/assess recommend <factor> <text>` (reviewers, review phase). */
export async function findingCommand(deps: CommandDeps, ctx: CommandContext, round: Round, kind: 'finding' | 'recommend', args: string): Promise<CommandReply> {
  const [factorWord = '', ...rest] = words(args);
  const locale = round.locale;
  if (!factorWord || rest.length === 0) return text(t(locale, 'modes.review.findingUsage'));
  const factor = resolveFactor(deps.service.packs.get(round.packId, round.locale), factorWord);
  const body = rest.join(' ');
  await deps.service.saveFindings({
    tenant: ctx.tenant,
    roundId: round.id,
    factorId: factor.id,
    actor: ctx.actor,
    ...(kind === 'finding' ? { findings: body } : { recommendations: body }),
  });
  const label = `${String(factor.number).padStart(2, '0')} · ${factor.theme}`;
  return text(t(locale, kind === 'finding' ? 'modes.review.findingSaved' : 'modes.review.recommendationSaved', { factor: label }));
}

/** Reminds the peer panel of factors they have not given a verdict on yet (review phase). */
export async function remindPanel(deps: CommandDeps, round: Round): Promise<string[]> {
  const { service } = deps;
  const state = await service.state(round.tenant, round.id);
  const byMember = new Map<string, string[]>();
  for (const factorId of service.openFactorIds(round)) {
    const votes = state.snapshot.votes[peerFactorId(factorId)] ?? {};
    for (const member of panelOf(round)) {
      if (hasOwnKey(votes, service.memberKey(round, member))) continue;
      byMember.set(member, [...(byMember.get(member) ?? []), factorId]);
    }
  }
  await deps.delivery.sendReminders(state.round, byMember, { state });
  return [...byMember.keys()];
}
