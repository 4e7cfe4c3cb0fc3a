// Who may export or erase whose personal data, and the audit trail of every request about someone else.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isCoordinator } from './lifecycle.js';
import type { Round } from './model.js';
import type { Store } from './ports.js';
import type { PersonalDataSource } from './personal-data.js';

export const PRIVACY_AUDIT = 'privacy-audit';

export type PrivacyAction = 'export' | 'erase';

/**
 * Why a request was allowed: the person themselves, a workspace admin (or a PRIVACY_ADMINS entry), or a
 * coordinator reading their own named rounds; `none` for a refusal.
 */
export type PrivacyBasis = 'self' | 'admin' | 'coordinator' | 'none';

export interface PrivacyGrant {
  basis: Exclude<PrivacyBasis, 'none'>;
  /** Undefined: everything about the person. A set: only what these rounds hold about them, and no other records. */
  roundIds?: ReadonlySet<string>;
}

/** The named (non-anonymous) rounds a person coordinates: what a coordinator may read about others. */
export function coordinatedRoundIds(rounds: Round[], askerId: string): Set<string> {
  return new Set(rounds.filter((r) => !r.anonymous && isCoordinator(r, askerId)).map((r) => r.id));
}

/**
 * The rule. Anyone for themselves; an admin for anyone; a coordinator may export (never erase) what their own named
 * rounds hold about someone, which is no more than those rounds' reports already show them. Anything else: null.
 */
export function decidePrivacyAccess(input: { action: PrivacyAction; askerId: string; subjectId: string; isAdmin: boolean; rounds: Round[] }): PrivacyGrant | null {
  if (input.subjectId === input.askerId) return { basis: 'self' };
  if (input.isAdmin) return { basis: 'admin' };
  if (input.action === 'erase') return null;
  const roundIds = coordinatedRoundIds(input.rounds, input.askerId);
  return roundIds.size > 0 ? { basis: 'coordinator', roundIds } : null;
}

export const PrivacyAuditEntrySchema = z.strictObject({
  tenant: z.string().min(1).max(200),
  at: z.iso.datetime({ offset: true }),
  /** Who asked. */
  actor: z.string().min(1).max(200),
  /** Whose data it was about. */
  subject: z.string().min(1).max(200),
  /** `download`: the signed export link handed out for an allowed export was used. */
  action: z.enum(['export', 'erase', 'download']),
  outcome: z.enum(['allowed', 'refused']),
  basis: z.enum(['self', 'admin', 'coordinator', 'none']),
  platform: z.string().max(40).optional(),
  /** How many rounds the answer covered (never what they held). */
  rounds: z.number().int().min(0).optional(),
});
export type PrivacyAuditEntry = z.infer<typeof PrivacyAuditEntrySchema>;

/**
 * The audit trail, kept in the store's record collection `privacy-audit`. It names who asked and about whom, never
 * the data itself. A person's erasure leaves it alone (it is the record of what was done with their data); only
 * forgetting the whole tenant removes it.
 */
export class PrivacyAudit {
  /** Orders entries written in the same millisecond by this process (a replica's own are in order; that is enough). */
  private seq = 0;

  constructor(private readonly store: Store) {}

  async record(entry: PrivacyAuditEntry): Promise<void> {
    const valid = PrivacyAuditEntrySchema.parse(entry);
    // Time first, so ids sort in the order things happened; the random part keeps two replicas' entries apart.
    this.seq = (this.seq + 1) % 1e9;
    const id = `${valid.at}|${String(this.seq).padStart(9, '0')}|${randomBytes(4).toString('hex')}`;
    await this.store.putRecord(PRIVACY_AUDIT, id, { ...valid });
  }

  /** A tenant's entries, oldest first; anything unreadable is skipped rather than shown half. */
  async list(tenant: string): Promise<PrivacyAuditEntry[]> {
    const all = await this.store.listRecords(PRIVACY_AUDIT, { tenant });
    return Object.entries(all)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([, value]) => {
        const parsed = PrivacyAuditEntrySchema.safeParse(value);
        return parsed.success && parsed.data.tenant === tenant ? [parsed.data] : [];
      });
  }

  /** For PrivacyRequests: kept through a person's erasure, removed with the tenant. */
  source(): PersonalDataSource {
    return {
      name: PRIVACY_AUDIT,
      forgetTenant: async (tenant) => {
        let removed = 0;
        for (const [id, value] of Object.entries(await this.store.listRecords(PRIVACY_AUDIT, { tenant }))) {
          if (value.tenant !== tenant) continue;
          await this.store.deleteRecord(PRIVACY_AUDIT, id);
          removed += 1;
        }
        return removed;
      },
    };
  }
}
