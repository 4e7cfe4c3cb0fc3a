// Teams installs and removals, as the grace-period forget sees them: which channels a removal forgets, and what a reinstall keeps.
import type { TeamsDeps } from './deps.js';
import { WHOLE_TENANT, type ForgetScope } from '../../core/uninstall.js';
import type { ReferenceStore } from './references.js';

export interface Removal {
  tenant: string;
  /** The conversation the removal came from (a team's id, a group chat, a 1:1 chat). */
  key: string;
  teamId?: string | undefined;
  personal: boolean;
  /** The team's channels the bot had met, read before their references were deleted. */
  teamChannels: string[];
}

/** The scope key a removal and a later install of the same place share. */
export function scopeKey(where: { key: string; teamId?: string | undefined }): string {
  return where.teamId ? `team:${where.teamId}` : `chat:${where.key}`;
}

/**
 * What to forget after a removal: the whole tenant when no install is left in it; otherwise the rounds of the team's
 * channels (or of the group chat). Removing the app from one's personal scope forgets nothing else while it is in use.
 */
export async function scopeOfRemoval(refs: ReferenceStore, removal: Removal): Promise<ForgetScope | null> {
  if (!(await refs.installedInTenant(removal.tenant))) return { key: WHOLE_TENANT };
  if (removal.personal) return null;
  const channels = [removal.key, ...(removal.teamId ? [removal.teamId, ...removal.teamChannels] : [])].filter((c) => c !== '');
  return { key: scopeKey(removal), channels };
}

/** Schedules the forget of what a removal left behind; called after the removal's references are gone. */
export async function forgetAfterRemoval(ctx: Pick<TeamsDeps, 'uninstalls' | 'logger'>, refs: ReferenceStore, removal: Removal): Promise<void> {
  const scope = await scopeOfRemoval(refs, removal);
  if (!scope) return;
  const job = await ctx.uninstalls.schedule(removal.tenant, scope);
  ctx.logger.info(
    { tenant: removal.tenant, scope: scope.key, channels: scope.channels?.length ?? 'all', forgetAt: new Date(job.dueAt).toISOString() },
    'teams: app removed; its rounds are forgotten after the grace period',
  );
}

/** The app was added (back): a forget pending for that team or chat, and one for the whole tenant, is cancelled. */
export async function keepAfterInstall(ctx: Pick<TeamsDeps, 'uninstalls' | 'logger'>, where: { tenant: string; key: string; teamId?: string | undefined }): Promise<void> {
  const cancelled = await ctx.uninstalls.cancel(where.tenant, [scopeKey(where)]);
  if (cancelled > 0) ctx.logger.info({ tenant: where.tenant, cancelled }, 'teams: app added back within the grace period; its data is kept');
}
