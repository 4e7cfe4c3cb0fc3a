// Starting a round from a submitted start form, the same way on every platform: who takes part by default, the names
// the platform knows, the round itself, and posting its welcome and cards in the background.
import type { Locale } from '../../content/schema.js';
import { toAppError } from '../errors.js';
import { t } from '../i18n.js';
import type { Platform, Round } from '../model.js';
import type { ReadModel } from '../read-model.js';
import type { Actor } from '../services/context.js';
import type { RoundLifecycle } from '../services/round-lifecycle.js';
import type { RoundSettingsInput } from '../settings.js';
import type { InteractionObserver, InteractionReply } from './types.js';

/** What a platform knows about the conversation the round is started in. */
export interface StartDirectory {
  /** The conversation's members (the bot excluded); [] when the platform cannot list them (Bot Framework Emulator). */
  members(): Promise<string[]>;
  /** Display names the platform already has, by id. */
  names?(): Record<string, string>;
}

export interface StartRequest {
  platform: Platform;
  tenant: string;
  actor: Actor;
  /** The validated form. Empty participants mean "everyone in this channel". */
  form: RoundSettingsInput;
  directory: StartDirectory;
  /** Posts the new round's welcome and open cards (and anything else the platform does once a round exists). */
  post(round: Round): Promise<void>;
  /**
   * Runs the posting after the answer, when given (posting 13 cards at a platform's rate takes seconds); without it
   * the posting is awaited (the playground, whose page shows the cards at once).
   */
  background?(name: string, work: () => Promise<void>): void;
  fallbackLocale: Locale;
}

export interface StartReply extends InteractionReply {
  /** The open factors the round posted cards for. */
  opened?: number;
}

export interface StartDeps {
  rounds: Pick<RoundLifecycle, 'startRound'>;
  read: Pick<ReadModel, 'openFactorIds'>;
  observe: InteractionObserver;
}

/** "Everyone in this channel" is the team: invited reviewers (often guests in the channel) review it instead. */
export function defaultParticipants(members: string[], reviewers: string[], actorId: string): string[] {
  const review = new Set(reviewers);
  const team = members.filter((id) => !review.has(id));
  return team.length > 0 ? team : [actorId];
}

export async function startRound(deps: StartDeps, req: StartRequest): Promise<StartReply> {
  const locale = req.form.locale ?? req.fallbackLocale;
  try {
    const settings = { ...req.form };
    if ((settings.participants ?? []).length === 0) {
      settings.participants = defaultParticipants(await req.directory.members(), settings.reviewers ?? [], req.actor.id);
    }
    const names = req.directory.names?.() ?? {};
    const round = await deps.rounds.startRound({ tenant: req.tenant, platform: req.platform, settings, actor: req.actor, names });
    deps.observe.interaction({ platform: req.platform, kind: 'start', outcome: 'ok' });
    const opened = deps.read.openFactorIds(round).length;
    if (req.background) req.background('post the new round', () => req.post(round));
    else await req.post(round);
    return { ok: true, locale: round.locale, text: t(round.locale, 'commands.started', { count: opened }), refresh: null, round, opened };
  } catch (err) {
    const error = toAppError(err);
    deps.observe.interaction({ platform: req.platform, kind: 'start', outcome: error.code.toLowerCase() as Lowercase<string> });
    return { ok: false, locale, text: error.userMessage(locale), refresh: null, error };
  }
}
