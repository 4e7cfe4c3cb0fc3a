// The one guard in front of every signed route: a round's links (report, chart, history chart, follow-up) and the
// personal-data export downloads. It checks the path shape, the signature (or seal) and the expiry, and answers a
// refusal itself in the reader's language.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Locale } from '../content/schema.js';
import { t } from '../core/i18n.js';
import type { PrivacyExportGrant, PrivacyExportLinks } from '../infra/privacy-export-links.js';
import type { ReportLinks } from '../infra/report-links.js';
import { requestLocale, sendText } from './replies.js';

const RoundParamsSchema = z.object({
  tenant: z.string().min(1).max(200),
  roundId: z.string().min(1).max(200),
  sig: z.string().min(1).max(128),
});

/** A wildcard, not `:token`: a sealed grant is longer than the router's limit for a named parameter. */
const SealedParamsSchema = z.object({ '*': z.string().min(10).max(2000) });

export type SignedLink = { ok: true; tenant: string; roundId: string; token: string; locale: Locale } | { ok: false };
export type SealedLink = { ok: true; grant: PrivacyExportGrant; locale: Locale } | { ok: false; locale: Locale };

export interface SignedLinkGuardDeps {
  reportLinks: Pick<ReportLinks, 'check'>;
  privacyLinks: Pick<PrivacyExportLinks, 'verify'>;
  /** DEFAULT_LOCALE: the language of a refusal when the reader's browser names none we speak. */
  defaultLocale: Locale;
}

export class SignedLinkGuard {
  constructor(private readonly deps: SignedLinkGuardDeps) {}

  /** The reader's language, before we know any round's. */
  locale(req: FastifyRequest): Locale {
    return requestLocale(req.headers['accept-language'], this.deps.defaultLocale);
  }

  /**
   * `/<prefix>/:tenant/:roundId/:sig`: 400 for a malformed path, 403 for a signature that does not check out, 410 for
   * a link past its lifetime (ask the bot for a new one).
   */
  roundLink(req: FastifyRequest, reply: FastifyReply): SignedLink {
    const locale = this.locale(req);
    const params = RoundParamsSchema.safeParse(req.params);
    if (!params.success) {
      sendText(reply, 400, t(locale, 'report.errors.badLink'));
      return { ok: false };
    }
    const { tenant, roundId, sig } = params.data;
    const check = this.deps.reportLinks.check(tenant, roundId, sig);
    if (!check.ok) {
      if (check.reason === 'expired') sendText(reply, 410, t(locale, 'security.linkExpired'));
      else sendText(reply, 403, t(locale, 'report.errors.badSignature'));
      return { ok: false };
    }
    return { ok: true, tenant, roundId, token: sig, locale };
  }

  /** `/privacy-export/*`: the sealed grant, or 403 for anything malformed, forged or expired (they look the same). */
  privacyExport(req: FastifyRequest, reply: FastifyReply): SealedLink {
    const locale = this.locale(req);
    const params = SealedParamsSchema.safeParse(req.params);
    const grant = params.success ? this.deps.privacyLinks.verify(params.data['*']) : null;
    if (!grant) {
      sendText(reply, 403, t(locale, 'modes.privacy.linkInvalid'));
      return { ok: false, locale };
    }
    return { ok: true, grant, locale };
  }
}
