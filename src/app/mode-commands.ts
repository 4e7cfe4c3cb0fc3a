// `/assess` subcommands for the toolkit's ways of working: baseline, history, peer review and action plan.
import { planText, resolveFactor } from '../core/action-plan.js';
import { AppError } from '../core/errors.js';
import { buildHistory, historyTable } from '../core/history.js';
import { t } from '../core/i18n.js';
import { displayName, hasOwnKey, ownValue } from '../core/own.js';
import { REVIEW_NOTE_KINDS, type ReviewNoteKind, type Round } from '../core/model.js';
import { buildFollowUp, panelOf, peerFactorId, selfAssessmentText } from '../core/peer-review.js';
import type { AssessmentService } from '../core/service.js';
import type { Messenger } from '../core/ports.js';
import type { CommandContext, CommandReply } from './commands.js';
import { followUpUrl } from './mode-routes.js';
import type { ReportLinks } from '../infra/report-links.js';

/** What the mode commands need from the router (its deps), without a runtime cycle. */
export interface ModeCommandHost {
  readonly service: AssessmentService;
  readonly reportLinks: ReportLinks;
  readonly messenger: Messenger;
}

const NOTE_KINDS: Record<string, ReviewNoteKind> = {
  interview: 'interview',
  intervju: 'interview',
  focus: 'focus-group',
  'focus-group': 'focus-group',
  fokusgrupp: 'focus-group',
  note: 'note',
  anteckning: 'note',
};

/** Chat messages stay well under Slack's and Teams' limits; the CLI has the full text. */
const MAX_REPLY_CHARS = 3500;

function clipReply(locale: Round['locale'], text: string): string {
  if (text.length <= MAX_REPLY_CHARS) return text;
  return `${text.slice(0, MAX_REPLY_CHARS - 200).trimEnd()}\n…\n${t(locale, 'modes.clipped')}`;
}

function words(args: string): string[] {
  return args.split(/\s+/).filter(Boolean);
}

/** Ids from a list like "U1 U2, <@U3>". */
function ids(tokens: string[]): string[] {
  return tokens.flatMap((x) => x.split(',')).map((x) => x.trim().replace(/^<@([^>|]+)(?:\|[^>]*)?>$/, '$1').replace(/^@/, '')).filter(Boolean);
}

const text = (body: string, visibility: 'ephemeral' | 'channel' = 'ephemeral'): CommandReply => ({ type: 'text', text: body, visibility });

export class ModeCommands {
  constructor(private readonly host: ModeCommandHost) {}

  private get service(): AssessmentService {
    return this.host.service;
  }

  /** `/assess baseline [roundId]`: marks the channel's latest closed round (or the one named) as the baseline. */
  async baseline(ctx: CommandContext, round: Round, args: string): Promise<CommandReply> {
    const marked = await this.service.markBaseline(ctx.tenant, ctx.channelId, ctx.actor, words(args)[0]);
    const date = marked.closedAt ?? marked.calendar.closesAt;
    return text(t(round.locale, 'modes.baseline.marked', { title: marked.title ?? this.service.packs.get(marked.packId, marked.locale).shortTitle, date: date.slice(0, 10) }));
  }

  /** `/assess history`: each factor's score across the channel's rounds, with a link to the chart. */
  async history(ctx: CommandContext, round: Round): Promise<CommandReply> {
    const states = await this.service.historyStates(ctx.tenant, ctx.channelId);
    const history = buildHistory(states, round.locale);
    const lines = [historyTable(history)];
    if (history.rounds.length > 0) lines.push(t(round.locale, 'modes.history.chart', { url: historyChartUrl(this.host.reportLinks, round) }));
    return text(clipReply(round.locale, lines.join('\n')));
  }

  /**
   * `/assess review` starts the review phase; `review invite <ids>`, `review lead <id>`, `review show [factor]`,
   * `review note interview|focus|note [factor] <text>` and `review report` do the rest of a peer review.
   */
  async review(ctx: CommandContext, round: Round, args: string): Promise<CommandReply> {
    const [sub = '', ...rest] = words(args);
    const locale = round.locale;
    switch (sub.toLowerCase()) {
      case '':
      case 'start': {
        const started = await this.service.startReview(ctx.tenant, round.id, ctx.actor);
        return text(t(locale, 'modes.review.started', { count: panelOf(started).length }), 'channel');
      }
      case 'invite':
      case 'bjud': {
        const invited = ids(rest);
        if (invited.length === 0) throw new AppError('NO_REVIEWERS');
        const updated = await this.service.inviteReviewers(ctx.tenant, round.id, ctx.actor, { reviewers: invited });
        return text(t(locale, 'modes.review.invited', { count: invited.length, panel: panelOf(updated).length }));
      }
      case 'lead':
      case 'expert': {
        const [lead] = ids(rest);
        if (!lead) throw new AppError('NO_REVIEWERS');
        await this.service.inviteReviewers(ctx.tenant, round.id, ctx.actor, { lead });
        return text(t(locale, 'modes.review.leadSet', { lead: displayName(round, lead) }));
      }
      case 'show':
      case 'visa': {
        const state = await this.service.state(ctx.tenant, round.id);
        const factor = rest[0] ? resolveFactor(state.pack, rest[0]).id : undefined;
        return text(clipReply(locale, selfAssessmentText(state, factor)));
      }
      case 'note':
      case 'anteckning': {
        const [kindWord = '', ...more] = rest;
        const kind = ownValue(NOTE_KINDS, kindWord.toLowerCase());
        if (!kind) throw new AppError('INVALID_INPUT', { detail: REVIEW_NOTE_KINDS.join(' | ') });
        const pack = this.service.packs.get(round.packId, round.locale);
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
        const updated = await this.service.addReviewNote(ctx.tenant, round.id, ctx.actor, { kind, text: body.join(' '), factorIds });
        return text(t(locale, 'modes.review.noteSaved', { kind: t(locale, `modes.review.noteKind.${kind}`), count: updated.reviewNotes?.length ?? 0 }));
      }
      case 'report':
      case 'rapport': {
        if (round.mode !== 'peer-review') throw new AppError('NOT_PEER_REVIEW', { mode: t(locale, `modes.${round.mode}`) });
        const state = await this.service.state(ctx.tenant, round.id);
        const url = followUpUrl(this.host, ctx.tenant, round.id);
        const view = { ...buildFollowUp(state, this.service.nowIso()), links: { html: url, markdown: `${url}?format=md` } };
        return { type: 'follow-up', view, round, visibility: 'ephemeral' };
      }
      default:
        return text(t(locale, 'modes.review.usage'));
    }
  }

  /** `/assess finding <factor> <text>` and `/assess recommend <factor> <text>` (reviewers, review phase). */
  async finding(ctx: CommandContext, round: Round, kind: 'finding' | 'recommend', args: string): Promise<CommandReply> {
    const [factorWord = '', ...rest] = words(args);
    const locale = round.locale;
    if (!factorWord || rest.length === 0) return text(t(locale, 'modes.review.findingUsage'));
    const factor = resolveFactor(this.service.packs.get(round.packId, round.locale), factorWord);
    const body = rest.join(' ');
    await this.service.saveFindings({
      tenant: ctx.tenant,
      roundId: round.id,
      factorId: factor.id,
      actor: ctx.actor,
      ...(kind === 'finding' ? { findings: body } : { recommendations: body }),
    });
    const label = `${String(factor.number).padStart(2, '0')} · ${factor.theme}`;
    return text(t(locale, kind === 'finding' ? 'modes.review.findingSaved' : 'modes.review.recommendationSaved', { factor: label }));
  }

  /** `/assess plan`: the goals of the channel's latest closed round and the actions under each. */
  async plan(ctx: CommandContext): Promise<CommandReply> {
    const source = await this.service.latestClosedRound(ctx.tenant, ctx.channelId);
    const state = await this.service.state(ctx.tenant, source.id);
    return text(clipReply(source.locale, planText(state, source.locale)));
  }

  /** `/assess action add <factor> <owner> <YYYY-MM-DD> quick|long <text>` and `/assess action done <id>`. */
  async action(ctx: CommandContext, args: string): Promise<CommandReply> {
    const [sub = '', ...rest] = words(args);
    const source = await this.service.latestClosedRound(ctx.tenant, ctx.channelId);
    const locale = source.locale;
    if (/^(add|ny|lägg)$/i.test(sub)) {
      const [factor, owner, due, tag, ...body] = rest;
      if (!factor || !owner || !due || !tag || body.length === 0) return text(t(locale, 'modes.plan.addUsage'));
      const { action, round } = await this.service.addAction({ tenant: ctx.tenant, channelId: ctx.channelId, actor: ctx.actor, factor, owner, due, tag, text: body.join(' ') });
      const pack = this.service.packs.get(round.packId, round.locale);
      const f = pack.keyFactors.find((k) => k.id === action.factorId);
      return text(
        t(locale, 'modes.plan.added', {
          id: action.id,
          factor: f ? `${String(f.number).padStart(2, '0')} · ${f.theme}` : action.factorId,
          owner: round.anonymous ? t(locale, 'modes.plan.ownerHidden') : displayName(round, action.owner),
          due: action.due,
        }),
      );
    }
    if (/^(done|klar)$/i.test(sub)) {
      const ref = rest[0];
      if (!ref) return text(t(locale, 'modes.plan.doneUsage'));
      const { action } = await this.service.completeAction(ctx.tenant, ctx.channelId, ctx.actor, ref);
      return text(t(locale, 'modes.plan.markedDone', { id: action.id, text: action.text }));
    }
    return text(t(locale, 'modes.plan.addUsage'));
  }

  /** Reminds the peer panel of factors they have not given a verdict on yet (review phase). */
  async remindPanel(round: Round): Promise<number> {
    const state = await this.service.state(round.tenant, round.id);
    const byMember = new Map<string, string[]>();
    for (const factorId of this.service.openFactorIds(round)) {
      const votes = state.snapshot.votes[peerFactorId(factorId)] ?? {};
      for (const member of panelOf(round)) {
        if (hasOwnKey(votes, this.service.memberKey(round, member))) continue;
        byMember.set(member, [...(byMember.get(member) ?? []), factorId]);
      }
    }
    for (const [member, factorIds] of byMember) await this.host.messenger.sendReminder(round, member, factorIds);
    return byMember.size;
  }
}

/** The history chart behind the same signature as the round's report link (see registerHistoryRoutes). */
export function historyChartUrl(links: ReportLinks, round: Pick<Round, 'tenant' | 'id'>): string {
  return `${links.url(round.tenant, round.id).replace('/reports/', '/history/')}/chart.png`;
}
