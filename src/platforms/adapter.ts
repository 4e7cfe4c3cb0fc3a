// The contract between the composition root and a platform adapter: what a running adapter hands back.
import type { ReadinessCheck } from '../http/ops-routes.js';

export interface PlatformAdapter extends ReadinessCheck {
  /** Readiness of the platform side (credentials present, client built). */
  ready(): Promise<{ ok: boolean; detail?: string }>;
  close?(): Promise<void>;
}
