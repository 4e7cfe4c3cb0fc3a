// What the chat-command router takes in (who typed what, where), what it answers, and the core services it uses.
import type { Locale } from '../content/schema.js';
import { t } from '../core/i18n.js';
import type { Platform, Round } from '../core/model.js';
import type { FollowUpView } from '../core/peer-review.js';
import type { Delivery } from '../core/delivery/delivery.js';
import type { AssessmentService } from '../core/service.js';
import type { Actor } from '../core/services/context.js';
import type { RoundSettings } from '../core/settings.js';
import type { DigestView } from '../core/views/digest-model.js';
import type { Logger } from '../infra/logger.js';
import type { PrivacyExportLinks } from '../infra/privacy-export-links.js';
import type { ReportLinks } from '../infra/report-links.js';

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

/** A button under a reply that sends a command as the person who clicks it (`close confirm`). */
export interface ConfirmButton {
  label: string;
  /** The command text, without /assess: what typing it would do. */
  command: string;
}

export type CommandReply =
  /**
   * `privateTo`: the text is for the person asking alone (a named round's report link). Platforms whose replies are seen
   * by the whole conversation (Teams) send it to the person's 1:1 chat with that round's bot, never into the channel.
   */
  | { type: 'text'; text: string; visibility: 'ephemeral' | 'channel'; confirm?: ConfirmButton; privateTo?: Round }
  | { type: 'start-form'; defaults: RoundSettings }
  | { type: 'digest'; view: DigestView; round: Round; visibility: 'ephemeral' | 'channel' }
  /** The peer review's follow-up report, rendered natively by each platform (its links lead to the whole document). */
  | { type: 'follow-up'; view: FollowUpView; round: Round; visibility: 'ephemeral' };

/** The core use cases and queries the commands run: exactly these, nothing that reaches the store. */
export type CommandService = Pick<
  AssessmentService,
  | 'packs'
  | 'clock'
  | 'privacy'
  | 'nowIso'
  | 'memberKey'
  | 'state'
  | 'latestRoundForChannel'
  | 'latestClosedRound'
  | 'tenantRounds'
  | 'historyStates'
  | 'digestInputs'
  | 'pendingMembers'
  | 'openFactorIds'
  | 'assertNoOpenRound'
  | 'settingsForRestart'
  | 'closeRound'
  | 'reopenRound'
  | 'extendRound'
  | 'changeParticipants'
  | 'noteContext'
  | 'markBaseline'
  | 'startReview'
  | 'validateClosedRound'
  | 'inviteReviewers'
  | 'addReviewNote'
  | 'saveFindings'
  | 'addAction'
  | 'resolveMember'
  | 'completeAction'
  | 'requirePlan'
  | 'startPlan'
  | 'editAction'
  | 'removeAction'
  | 'noteProgress'
>;

export interface CommandDeps {
  service: CommandService;
  /** Runs due jobs now (the final digest after a close). */
  scheduler: { tick(): Promise<unknown> };
  /** Reminders now (`remind`), the round read once and fanned out on its platform; digests as every platform gets them. */
  delivery: Pick<Delivery, 'remindNow' | 'sendReminders' | 'digest' | 'pending'>;
  reportLinks: Pick<ReportLinks, 'url'>;
  privacyLinks: Pick<PrivacyExportLinks, 'url'>;
  /** PRIVACY_ADMINS. */
  privacyAdmins?: readonly string[];
  /** Where work the reply does not wait for reports its failures. */
  logger?: Pick<Logger, 'warn'>;
}

/** A text reply, ephemeral unless said otherwise. */
export function text(body: string, visibility: 'ephemeral' | 'channel' = 'ephemeral'): CommandReply {
  return { type: 'text', text: body, visibility };
}

/** Chat messages stay well under Slack's and Teams' limits; the CLI has the full text. */
const MAX_REPLY_CHARS = 3500;

export function clipReply(locale: Locale, body: string): string {
  if (body.length <= MAX_REPLY_CHARS) return body;
  return `${body.slice(0, MAX_REPLY_CHARS - 200).trimEnd()}\n…\n${t(locale, 'modes.clipped')}`;
}
