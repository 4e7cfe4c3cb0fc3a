// Short-lived signed links to a personal-data export, so a chat reply carries a link instead of the data itself.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../core/ports.js';

/** An hour: long enough to click from chat, short enough that a link left in a chat history goes stale. */
export const PRIVACY_EXPORT_LINK_MS = 60 * 60 * 1000;

/** What a link grants: whose data, to whom, how much of it (all, or the asker's own named rounds), until when. */
export interface PrivacyExportGrant {
  tenant: string;
  subject: string;
  asker: string;
  scope: 'all' | 'coordinator';
  /** Epoch milliseconds. */
  expiresAt: number;
}

const PayloadSchema = z.strictObject({
  t: z.string().min(1).max(200),
  s: z.string().min(1).max(200),
  a: z.string().min(1).max(200),
  k: z.enum(['all', 'coordinator']),
  e: z.number().int().positive(),
});

/**
 * The grant travels sealed (AES-256-GCM): the tag proves we issued it, and the ids inside stay unreadable, so a
 * link left in a chat history (or the playground's timeline) does not say whose data it was.
 */
export class PrivacyExportLinks {
  private readonly key: Buffer;

  constructor(
    private readonly baseUrl: string,
    /** A purpose-bound subkey (AnonymityKeyring.purposeKey), so no report-link signature or member key is the same value. */
    key: Buffer,
    private readonly clock: Clock,
    private readonly lifetimeMs = PRIVACY_EXPORT_LINK_MS,
  ) {
    this.key = key;
  }

  url(grant: Omit<PrivacyExportGrant, 'expiresAt'>): string {
    const payload = JSON.stringify({ t: grant.tenant, s: grant.subject, a: grant.asker, k: grant.scope, e: this.clock.now() + this.lifetimeMs });
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(payload, 'utf8'), cipher.final()]);
    const token = Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
    return `${this.baseUrl.replace(/\/+$/, '')}/privacy-export/${token}`;
  }

  /** The grant behind a token, or null when it is malformed, forged or expired. */
  verify(token: string): PrivacyExportGrant | null {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
    const raw = Buffer.from(token, 'base64url');
    if (raw.length <= 28) return null;
    let json: unknown;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      json = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
    } catch {
      return null;
    }
    const parsed = PayloadSchema.safeParse(json);
    if (!parsed.success || parsed.data.e <= this.clock.now()) return null;
    const { t, s, a, k, e } = parsed.data;
    return { tenant: t, subject: s, asker: a, scope: k, expiresAt: e };
  }
}
