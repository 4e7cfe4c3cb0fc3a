// Signed, expiring links to a round's full report (and its chart, history chart and follow-up), so a digest can point
// at it without exposing other rounds.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AnonymityKeyring } from '../core/anonymity-keys.js';
import type { Round } from '../core/model.js';
import type { Clock } from '../core/ports.js';

/** The paths a link token unlocks; one guard (link-guard.ts) checks them all. */
export const SIGNED_LINK_PREFIXES = ['reports', 'history', 'followup'] as const;

const MAC_CHARS = 32;
const TOKEN = /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{32})$/;

export type LinkCheck = { ok: true; expiresAt: number } | { ok: false; reason: 'invalid' | 'expired' };

export interface ReportLinkOptions {
  clock: Clock;
  /** How long a link handed out now keeps working (REPORT_LINK_DAYS). */
  lifetimeDays: number;
}

/**
 * A link's last path segment is `<expiry>.<mac>`: the expiry (epoch seconds, base 36) is part of what is signed, so it
 * cannot be stretched. The MAC uses the keyring's link subkey (never the bytes that key members), and links signed
 * with a previous key still verify during a rotation.
 */
export class ReportLinks {
  constructor(
    private readonly baseUrl: string,
    private readonly keys: AnonymityKeyring,
    private readonly opts: ReportLinkOptions,
  ) {}

  private mac(key: Buffer, tenant: string, roundId: string, expiry: string): string {
    return createHmac('sha256', key).update(`report\u0000${tenant}\u0000${roundId}\u0000${expiry}`).digest('base64url').slice(0, MAC_CHARS);
  }

  /** A fresh token, valid for the configured lifetime from now. */
  token(tenant: string, roundId: string): string {
    const expiresAt = Math.floor(this.opts.clock.now() / 1000) + this.opts.lifetimeDays * 86_400;
    const expiry = expiresAt.toString(36);
    return `${expiry}.${this.mac(this.keys.linkSigningKey(), tenant, roundId, expiry)}`;
  }

  /** The report link for a round, valid for the configured lifetime from now. */
  url(tenant: string, roundId: string): string {
    return this.urlWithToken(tenant, roundId, this.token(tenant, roundId));
  }

  /** The link for an existing token: a served report points back at the link it was opened with, never a fresher one. */
  urlWithToken(tenant: string, roundId: string, token: string): string {
    const base = this.baseUrl.replace(/\/+$/, '');
    return `${base}/reports/${encodeURIComponent(tenant)}/${encodeURIComponent(roundId)}/${token}`;
  }

  /** Checks the signature first (a forged token learns nothing about expiry), then the expiry. */
  check(tenant: string, roundId: string, token: string): LinkCheck {
    const parts = TOKEN.exec(token);
    if (!parts) return { ok: false, reason: 'invalid' };
    const [, expiry = '', given = ''] = parts;
    const givenBytes = Buffer.from(given);
    const signed = this.keys.linkVerifyingKeys().some((key) => {
      const expected = Buffer.from(this.mac(key, tenant, roundId, expiry));
      return expected.length === givenBytes.length && timingSafeEqual(expected, givenBytes);
    });
    if (!signed) return { ok: false, reason: 'invalid' };
    const expiresAt = parseInt(expiry, 36) * 1000;
    if (!Number.isSafeInteger(expiresAt) || this.opts.clock.now() >= expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, expiresAt };
  }

  verify(tenant: string, roundId: string, token: string): boolean {
    return this.check(tenant, roundId, token).ok;
  }
}

/** A signed link's path with the token replaced, for logs: the URL can be logged, the key to the report cannot. */
export function redactSignedPath(url: string): string {
  return url.replace(SIGNED_PATH, (_m, head: string) => `${head}[redacted]`);
}

// `/reports|history|followup/<tenant>/<round>/<token>`: bounded, delimiter-separated parts, so this runs in linear time.
const SIGNED_PATH = /(\/(?:reports|history|followup)\/[^/\s"?#]{1,600}\/[^/\s"?#]{1,600}\/)[0-9a-z]{1,11}\.[A-Za-z0-9_-]{1,64}/g;

/** The history chart behind the same signature as the round's report link (GET /history/…/chart.png). */
export function historyChartUrl(links: Pick<ReportLinks, 'url'>, round: Pick<Round, 'tenant' | 'id'>): string {
  return `${links.url(round.tenant, round.id).replace('/reports/', '/history/')}/chart.png`;
}

/** The peer review's follow-up report, behind the same signature as the round's report link (GET /followup/…). */
export function followUpUrl(links: Pick<ReportLinks, 'url'>, tenant: string, roundId: string): string {
  return links.url(tenant, roundId).replace('/reports/', '/followup/');
}
