// The /assess command router shared by Slack, Teams and the playground: parses the text and runs the use case.
import type { Locale } from '../content/schema.js';
import { buildContextList, buildHelp, contextListText, helpText } from '../core/toolkit-guide.js';
import { AppError, toAppError } from '../core/errors.js';
import { t } from '../core/i18n.js';
import { assertCoordinator } from '../core/lifecycle.js';
import type { Platform, Round } from '../core/model.js';
import type { Messenger } from '../core/ports.js';
import { digestReadOptions, type Actor, type AssessmentService, type RoundState } from '../core/service.js';
import { defaultSettings, type RoundSettings } from '../core/settings.js';
import { buildDigest, type DigestOptions, type DigestView } from '../core/views.js';
import type { FollowUpView } from '../core/peer-review.js';
import { ModeCommands } from './mode-commands.js';
import { PrivacyCommands } from './privacy-commands.js';
import type { PrivacyExportLinks } from './privacy-export-links.js';
import type { Scheduler } from '../schedule/scheduler.js';
import type { ReportLinks } from './report-links.js';

export const SUBCOMMANDS = ['start', 'status', 'remind', 'close', 'digest', 'export', 'context', 'help'] as const;
/**
 * The toolkit's ways of working and privacy requests. Kept apart from SUBCOMMANDS, which is also the Teams
 * manifest's command list (at most ten entries there).
 */
export const MODE_SUBCOMMANDS = ['baseline', 'history', 'review', 'finding', 'recommend', 'plan', 'action', 'privacy'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number] | (typeof MODE_SUBCOMMANDS)[number];
const ALL_SUBCOMMANDS: readonly string[] = [...SUBCOMMANDS, ...MODE_SUBCOMMANDS];

export interface ParsedCommand {
  name: Subcommand;
  args: string;
  /** True when the user typed something we don't know; we answer with help. */
  unknown: boolean;
}

/** Parses "start", "/assess start", "@Assess assess close" and the like. */
export function parseCommand(text: string): ParsedCommand {
  const cleaned = text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/^\s*\/?assess\b/i, ' ')
    .trim();
  const [first = '', ...rest] = cleaned.split(/\s+/);
  const name = first.toLowerCase();
  if (name === '') return { name: 'help', args: '', unknown: false };
  if (ALL_SUBCOMMANDS.includes(name)) {
    return { name: name as Subcommand, args: rest.join(' ').trim(), unknown: false };
  }
  return { name: 'help', args: '', unknown: true };
}

export interface CommandContext {
  tenant: string;
  platform: Platform;
  channelId: string;
  channelName?: string;
  actor: Actor;
  /** The person's own language when known (Slack locale, Teams locale); used before a round exists. */
  locale: Locale;
  timezone: string;
  /** Channel members, when the platform can list them (default participants). */
  channelMembers?: () => Promise<string[]>;
  /**
   * Whether the person asking is an admin or owner of the workspace, asked of the platform itself (Slack); absent
   * where the platform has no such flag we can trust (Teams, the playground), and then only PRIVACY_ADMINS counts.
   */
  isWorkspaceAdmin?: () => Promise<boolean>;
}

export type CommandReply =
  | { type: 'text'; text: string; visibility: 'ephemeral' | 'channel' }
  | { type: 'start-form'; defaults: RoundSettings }
  | { type: 'digest'; view: DigestView; round: Round; visibility: 'ephemeral' | 'channel' }
  /** The peer review's follow-up report, rendered natively by each platform (its links lead to the whole document). */
  | { type: 'follow-up'; view: FollowUpView; round: Round; visibility: 'ephemeral' };

export interface CommandDeps {
  service: AssessmentService;
  scheduler: Scheduler;
  messenger: Messenger;
  reportLinks: ReportLinks;
  privacyLinks: PrivacyExportLinks;
  /** PRIVACY_ADMINS. */
  privacyAdmins?: readonly string[];
}

export class CommandRouter {
  constructor(private readonly deps: CommandDeps) {}

  /** Runs a command; every failure becomes a localised ephemeral text, never a throw. */
  async run(ctx: CommandContext, text: string): Promise<CommandReply> {
    const cmd = parseCommand(text);
    let locale = ctx.locale;
    try {
      if (cmd.name === 'help') {
        // `help more`: the ways of working and privacy commands, kept apart so the first help stays short.
        const more = /^(more|mer|modes)$/i.test(cmd.args);
        const packId = this.deps.service.packs.ids()[0];
        const help = more || !packId ? t(locale, more ? 'modes.help' : 'commands.help') : helpText(buildHelp(this.deps.service.packs.get(packId, locale), locale));
        return { type: 'text', text: cmd.unknown ? `${t(locale, 'commands.unknown')}\n${help}` : help, visibility: 'ephemeral' };
      }
      if (cmd.name === 'start') return await this.start(ctx, cmd.args);
      if (cmd.name === 'privacy') return await this.privacy(ctx, cmd.args);
      const round = await this.deps.service.latestRoundForChannel(ctx.tenant, ctx.channelId);
      if (!round) throw new AppError('ROUND_NOT_FOUND');
      locale = round.locale;
      switch (cmd.name) {
        case 'status':
          return await this.status(round);
        case 'remind':
          return await this.remind(ctx, round);
        case 'close':
          return await this.close(ctx, round);
        case 'digest':
          return await this.digest(ctx, round);
        case 'export':
          return { type: 'text', text: t(locale, 'commands.exportReady', { url: this.deps.reportLinks.url(round.tenant, round.id) }), visibility: 'ephemeral' };
        case 'context':
          return await this.context(ctx, round, cmd.args);
        case 'baseline':
          return await this.baseline(ctx, round, cmd.args);
        case 'history':
          return await this.history(ctx, round);
        case 'review':
          return await this.review(ctx, round, cmd.args);
        case 'finding':
        case 'recommend':
          return await this.finding(ctx, round, cmd.name, cmd.args);
        case 'plan':
          return await this.plan(ctx);
        case 'action':
          return await this.action(ctx, cmd.args);
      }
    } catch (err) {
      return { type: 'text', text: toAppError(err).userMessage(locale), visibility: 'ephemeral' };
    }
  }

  private async start(ctx: CommandContext, args: string): Promise<CommandReply> {
    const existing = await this.deps.service.store.activeRoundForChannel(ctx.tenant, ctx.channelId);
    if (existing) {
      const r = await this.deps.service.store.getRound(ctx.tenant, existing);
      if (r && r.status === 'open') throw new AppError('ROUND_ALREADY_OPEN_IN_CHANNEL');
    }
    const members = ctx.channelMembers ? await ctx.channelMembers() : [];
    const defaults = defaultSettings({
      now: this.deps.service.clock.now(),
      timezone: ctx.timezone,
      locale: ctx.locale,
      channelId: ctx.channelId,
      participants: members.length > 0 ? members : [ctx.actor.id],
    });
    // `/assess start again`: the form filled from the last round's settings, with new dates of the same length.
    if (/^(again|igen|previous|förra)$/i.test(args.trim())) {
      const again = await this.deps.service.settingsForRestart(ctx.tenant, ctx.channelId, defaults.startDate);
      return { type: 'start-form', defaults: { ...again, ...(ctx.channelName ? { channelName: ctx.channelName } : {}) } };
    }
    return { type: 'start-form', defaults: { ...defaults, ...(ctx.channelName ? { channelName: ctx.channelName } : {}) } };
  }

  /** What a digest of this round compares with and follows up: baseline, previous round and action plan. */
  async digestInputs(round: Round): Promise<Pick<DigestOptions, 'baseline' | 'previous' | 'planRound'>> {
    const baseline = await this.baselineState(round);
    let previous: RoundState | null = null;
    const previousId = round.previousRoundId;
    if (previousId && previousId !== round.id && previousId !== baseline?.round.id) {
      // Compared by tallies only: neither its votes nor its answers are read.
      const snap = await this.deps.service.store.getSnapshot(round.tenant, previousId, { answers: false, votes: false });
      previous = snap ? this.deps.service.stateFromSnapshot(snap) : null;
    }
    const before = previous?.round ?? (baseline?.round.id === previousId ? baseline?.round : null) ?? null;
    const ownPlan = (round.status === 'closed' || round.status === 'archived') && (round.actionPlan?.actions.length ?? 0) > 0;
    const planRound = ownPlan ? round : before && (before.actionPlan?.actions.length ?? 0) > 0 ? before : null;
    return { baseline, previous, planRound };
  }

  private async status(round: Round): Promise<CommandReply> {
    const state = await this.deps.service.state(round.tenant, round.id, digestReadOptions(round));
    const view = buildDigest(state, {
      kind: 'status',
      ...(await this.digestInputs(round)),
      now: this.deps.service.clock.now(),
      reportUrl: this.deps.reportLinks.url(round.tenant, round.id),
    });
    return { type: 'digest', view, round, visibility: 'ephemeral' };
  }

  async baselineState(round: Round) {
    const id = round.baselineRoundId ?? round.previousRoundId;
    if (!id || id === round.id) return null;
    // Compared by tallies only: neither its votes nor its answers are read.
    const snap = await this.deps.service.store.getSnapshot(round.tenant, id, { answers: false, votes: false });
    return snap ? this.deps.service.stateFromSnapshot(snap) : null;
  }

  /** Reminds every participant who has not voted on an open factor, now. */
  async remindNow(round: Round): Promise<number> {
    // In a peer review's review phase the team is done; the panel members are the ones with verdicts to give.
    if (round.reviewPhase === 'review') return this.modes.remindPanel(round);
    const state = await this.deps.service.state(round.tenant, round.id, { answers: false });
    const now = this.deps.service.clock.now();
    const byMember = new Map<string, string[]>();
    for (const w of state.windows) {
      if (Date.parse(w.opensAt) > now || Date.parse(w.dueAt) <= now) continue;
      for (const m of this.deps.service.pendingMembers(state, w.factorId)) {
        byMember.set(m, [...(byMember.get(m) ?? []), w.factorId]);
      }
    }
    for (const [member, ids] of byMember) await this.deps.messenger.sendReminder(round, member, ids);
    return byMember.size;
  }

  private async remind(ctx: CommandContext, round: Round): Promise<CommandReply> {
    assertCoordinator(round, ctx.actor.id);
    if (round.status !== 'open') throw new AppError('ROUND_CLOSED');
    const count = await this.remindNow(round);
    return { type: 'text', text: t(round.locale, 'commands.reminded', { count }), visibility: 'ephemeral' };
  }

  private async close(ctx: CommandContext, round: Round): Promise<CommandReply> {
    await this.deps.service.closeRound(round.tenant, round.id, ctx.actor);
    // The final digest is a durable job due now; run a tick so it goes out without waiting for the ticker.
    void this.deps.scheduler.tick().catch(() => undefined);
    return { type: 'text', text: t(round.locale, 'commands.closed'), visibility: 'ephemeral' };
  }

  private async digest(ctx: CommandContext, round: Round): Promise<CommandReply> {
    assertCoordinator(round, ctx.actor.id);
    const state = await this.deps.service.state(round.tenant, round.id, digestReadOptions(round));
    const view = buildDigest(state, {
      kind: round.status === 'open' ? 'status' : 'final',
      ...(await this.digestInputs(round)),
      now: this.deps.service.clock.now(),
      reportUrl: this.deps.reportLinks.url(round.tenant, round.id),
    });
    return { type: 'digest', view, round, visibility: 'channel' };
  }

  private async context(ctx: CommandContext, round: Round, args: string): Promise<CommandReply> {
    const pack = this.deps.service.packs.get(round.packId, round.locale);
    const [id = '', ...rest] = args.split(/\s+/).filter(Boolean);
    if (!id) {
      return { type: 'text', text: contextListText(buildContextList(pack, round.locale, round.contextNotes)), visibility: 'ephemeral' };
    }
    const updated = await this.deps.service.noteContext(round.tenant, round.id, ctx.actor, id, rest.join(' '));
    const name = pack.contextFactors.find((c) => c.id === id)?.name ?? id;
    const kept = updated.contextNotes.some((n) => n.contextFactorId === id);
    return { type: 'text', text: t(round.locale, kept ? 'commands.contextSaved' : 'commands.contextRemoved', { name }), visibility: 'ephemeral' };
  }

  // --- the ways of working and privacy requests (mode-commands.ts) ------------------------------------

  private readonly modes = new ModeCommands(this);

  get service(): AssessmentService {
    return this.deps.service;
  }

  get reportLinks(): ReportLinks {
    return this.deps.reportLinks;
  }

  get messenger(): Messenger {
    return this.deps.messenger;
  }

  private baseline(ctx: CommandContext, round: Round, args: string): Promise<CommandReply> {
    return this.modes.baseline(ctx, round, args);
  }

  private history(ctx: CommandContext, round: Round): Promise<CommandReply> {
    return this.modes.history(ctx, round);
  }

  private review(ctx: CommandContext, round: Round, args: string): Promise<CommandReply> {
    return this.modes.review(ctx, round, args);
  }

  private finding(ctx: CommandContext, round: Round, kind: 'finding' | 'recommend', args: string): Promise<CommandReply> {
    return this.modes.finding(ctx, round, kind, args);
  }

  private plan(ctx: CommandContext): Promise<CommandReply> {
    return this.modes.plan(ctx);
  }

  private action(ctx: CommandContext, args: string): Promise<CommandReply> {
    return this.modes.action(ctx, args);
  }

  private privacyCommands: PrivacyCommands | undefined;

  private privacy(ctx: CommandContext, args: string): Promise<CommandReply> {
    this.privacyCommands ??= new PrivacyCommands({
      service: this.deps.service,
      privacyLinks: this.deps.privacyLinks,
      privacyAdmins: new Set(this.deps.privacyAdmins ?? []),
    });
    return this.privacyCommands.run(ctx, args);
  }
}
