// `/assess privacy export|erase [user] [confirm]`: a person's own data for anyone; someone else's only as privacy-access.ts allows, audited.
import { z } from 'zod';
import { AppError } from '../core/errors.js';
import { t, tn } from '../core/i18n.js';
import { decidePrivacyAccess, type PrivacyAction, type PrivacyGrant } from '../core/privacy-access.js';
import type { PrivacyExportLinks } from '../infra/privacy-export-links.js';
import { mentioned, words } from './parse.js';
import type { CommandContext, CommandReply, CommandService } from './types.js';

export interface PrivacyCommandHost {
  readonly service: Pick<CommandService, 'privacy' | 'tenantRounds' | 'nowIso'>;
  readonly privacyLinks: Pick<PrivacyExportLinks, 'url'>;
  /** PRIVACY_ADMINS: platform user ids that may act on anyone's data, on every platform. */
  readonly privacyAdmins: ReadonlySet<string>;
}

/** A platform user id as typed or mentioned: Slack `U…`/`W…`, Teams `29:…` or an AAD object id, playground `u-…`. */
const SubjectSchema = z.string().min(1).max(200).regex(/^[\w:.@-]+$/);

export class PrivacyCommands {
  constructor(private readonly host: PrivacyCommandHost) {}

  async run(ctx: CommandContext, args: string): Promise<CommandReply> {
    const [sub = '', ...rest] = words(args);
    const locale = ctx.locale;
    const action: PrivacyAction | null = /^(export|exportera)$/i.test(sub) ? 'export' : /^(erase|radera)$/i.test(sub) ? 'erase' : null;
    if (!action) return { type: 'text', text: t(locale, 'modes.privacy.usage'), visibility: 'ephemeral' };
    const confirm = rest.some((w) => /^(confirm|bekräfta)$/i.test(w));
    const named = rest.filter((w) => !/^(confirm|bekräfta|me|mig|jag)$/i.test(w)).map(mentioned)[0];
    const subject = SubjectSchema.safeParse(named ?? ctx.actor.id);
    if (!subject.success || !ctx.actor.id) throw new AppError('INVALID_INPUT', { detail: t(locale, 'modes.privacy.badUser') });
    const target = subject.data;
    const grant = await this.decide(ctx, action, target);
    if (action === 'export') return this.export(ctx, target, grant);
    if (!confirm) return { type: 'text', text: t(locale, 'modes.privacy.confirmErase', { user: target }), visibility: 'ephemeral' };
    // Logged before it happens: an erasure that fails half-way is still on record.
    await this.audit(ctx, 'erase', target, grant);
    const summary = await this.host.service.privacy.erasePerson(ctx.tenant, target, { redacted: t(locale, 'modes.privacy.redacted') });
    return {
      type: 'text',
      // The reply does not repeat who it was: it stays in the chat history.
      text: t(locale, 'modes.privacy.erased', {
        rounds: tn(locale, 'modes.privacy.rounds', summary.rounds),
        answers: summary.answers,
        votes: summary.votes,
        records: summary.records,
      }),
      visibility: 'ephemeral',
    };
  }

  /** The grant, or a refusal that is audited (for someone else's data) and stores nothing else. */
  private async decide(ctx: CommandContext, action: PrivacyAction, target: string): Promise<PrivacyGrant> {
    const self = target === ctx.actor.id;
    // Only asked when it matters; a platform that cannot tell (or fails to) means "not an admin".
    const isAdmin = !self && (this.host.privacyAdmins.has(ctx.actor.id) || (await (ctx.isWorkspaceAdmin?.() ?? Promise.resolve(false)).catch(() => false)) === true);
    const rounds = self || isAdmin || action === 'erase' ? [] : await this.host.service.tenantRounds(ctx.tenant);
    const grant = decidePrivacyAccess({ action, askerId: ctx.actor.id, subjectId: target, isAdmin, rounds });
    if (grant) return grant;
    await this.audit(ctx, action, target, null);
    throw new AppError('PRIVACY_NOT_ALLOWED');
  }

  private async export(ctx: CommandContext, target: string, grant: PrivacyGrant): Promise<CommandReply> {
    const locale = ctx.locale;
    const data = await this.host.service.privacy.exportPerson(ctx.tenant, target, grant.roundIds ? { roundIds: grant.roundIds } : {});
    await this.audit(ctx, 'export', target, grant, data.rounds.length);
    // The data itself never goes into the chat: a summary here, the JSON behind a short-lived signed link.
    const url = this.host.privacyLinks.url({ tenant: ctx.tenant, subject: target, asker: ctx.actor.id, scope: grant.basis === 'coordinator' ? 'coordinator' : 'all' });
    const key = grant.basis === 'coordinator' ? 'modes.privacy.exportedScoped' : 'modes.privacy.exported';
    return { type: 'text', text: t(locale, key, { user: target, rounds: data.rounds.length, records: data.records.length, url }), visibility: 'ephemeral' };
  }

  /** Requests about someone else are logged, allowed or refused; a person's own are theirs. */
  private async audit(ctx: CommandContext, action: PrivacyAction, target: string, grant: PrivacyGrant | null, rounds?: number): Promise<void> {
    if (target === ctx.actor.id) return;
    await this.host.service.privacy.audit.record({
      tenant: ctx.tenant,
      at: this.host.service.nowIso(),
      actor: ctx.actor.id,
      subject: target,
      action,
      outcome: grant ? 'allowed' : 'refused',
      basis: grant?.basis ?? 'none',
      platform: ctx.platform,
      ...(rounds !== undefined ? { rounds } : {}),
    });
  }
}
