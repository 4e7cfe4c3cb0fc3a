// Teams adapter entry point: mounts its routes on the shared HTTP server and registers its messenger.
import type { AppContext, PlatformAdapter } from '../../app/build.js';

export async function registerTeams(_ctx: AppContext): Promise<PlatformAdapter | null> {
  return null;
}
