// Reads a channel's action plan as stored (one record per channel, src/core/plan-model.ts).
import { ChannelPlanSchema, PLAN_COLLECTION, planRecordId, type ChannelPlan } from '../../src/core/plan-model.js';
import type { Store } from '../../src/core/ports.js';

export async function storedPlan(store: Pick<Store, 'getRecord'>, tenant: string, channelId: string): Promise<ChannelPlan | null> {
  const rec = await store.getRecord(PLAN_COLLECTION, planRecordId(tenant, channelId));
  return rec ? ChannelPlanSchema.parse(rec) : null;
}
