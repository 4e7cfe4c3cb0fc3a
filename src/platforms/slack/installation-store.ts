// Slack installations (multi-workspace OAuth) kept in the Store's records, keyed by tenant: the team id, or the enterprise id for org installs.
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { z } from 'zod';
import type { Store, StoredRecord } from '../../core/ports.js';

export const INSTALLATIONS = 'slack-installations';

/** What we rely on when reading an installation back; anything else Slack sent is kept as is. */
const StoredInstallationSchema = z.looseObject({
  team: z.looseObject({ id: z.string().min(1) }).optional().nullable(),
  enterprise: z.looseObject({ id: z.string().min(1) }).optional().nullable(),
  isEnterpriseInstall: z.boolean().optional(),
  bot: z.looseObject({ token: z.string().min(1), userId: z.string().optional(), id: z.string().optional() }).optional(),
});

/** The tenant an installation or a query belongs to. */
export function tenantOfInstallation(i: { isEnterpriseInstall?: boolean; enterprise?: { id: string } | null; team?: { id: string } | null }): string {
  const id = i.isEnterpriseInstall ? i.enterprise?.id : i.team?.id;
  if (!id) throw new Error('installation has no team or enterprise id');
  return id;
}

export function tenantOfQuery(q: InstallationQuery<boolean>): string {
  const id = q.isEnterpriseInstall ? q.enterpriseId : q.teamId;
  if (!id) throw new Error('installation query has no team or enterprise id');
  return id;
}

export class StoreInstallationStore implements InstallationStore {
  constructor(
    private readonly store: Pick<Store, 'getRecord' | 'putRecord' | 'deleteRecord'>,
    /** Called once an install has been stored: a reinstall within the grace period keeps the workspace's data. */
    private readonly onInstalled: (tenant: string) => Promise<unknown> = async () => undefined,
  ) {}

  async storeInstallation<AuthVersion extends 'v1' | 'v2'>(installation: Installation<AuthVersion, boolean>): Promise<void> {
    const tenant = tenantOfInstallation(installation);
    await this.store.putRecord(INSTALLATIONS, tenant, installation as unknown as StoredRecord);
    await this.onInstalled(tenant);
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>> {
    // A workspace inside an org-wide install has no record of its own: fall back to the enterprise's.
    const candidates = [tenantOfQuery(query), ...(!query.isEnterpriseInstall && query.enterpriseId ? [query.enterpriseId] : [])];
    for (const tenant of candidates) {
      const found = await this.byTenant(tenant);
      if (found) return found;
    }
    throw new Error(`no Slack installation for ${candidates.join(' or ')}`);
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.store.deleteRecord(INSTALLATIONS, tenantOfQuery(query));
  }

  async deleteTenant(tenant: string): Promise<void> {
    await this.store.deleteRecord(INSTALLATIONS, tenant);
  }

  async byTenant(tenant: string): Promise<Installation<'v1' | 'v2', boolean> | null> {
    const record = await this.store.getRecord(INSTALLATIONS, tenant);
    if (!record) return null;
    const parsed = StoredInstallationSchema.safeParse(record);
    if (!parsed.success) return null;
    return record as unknown as Installation<'v1' | 'v2', boolean>;
  }

  async botToken(tenant: string): Promise<string | null> {
    return (await this.byTenant(tenant))?.bot?.token ?? null;
  }
}
