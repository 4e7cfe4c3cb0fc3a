// The channels' action plans in privacy requests: a person's actions in an export; their erasure swaps them for a
// pseudonym in the plan (the plan stays, as it is the team's); a forgotten tenant loses its plans.
import { ownValue } from './own.js';
import type { PersonalDataSource, PersonRequest } from './personal-data.js';
import { ChannelPlanSchema, PLAN_COLLECTION, type ChannelPlan } from './plan-model.js';
import type { Store, StoredRecord } from './ports.js';
import { newPseudonym, redactNames } from './privacy.js';

function plansOf(all: Record<string, StoredRecord>, tenant: string): [string, ChannelPlan][] {
  const out: [string, ChannelPlan][] = [];
  for (const [id, rec] of Object.entries(all)) {
    const plan = ChannelPlanSchema.safeParse(rec);
    if (plan.success && plan.data.tenant === tenant) out.push([id, plan.data]);
  }
  return out;
}

function mentions(plan: ChannelPlan, ids: Set<string>): boolean {
  return (
    plan.coordinators.some((c) => ids.has(c)) ||
    Object.keys(plan.names).some((n) => ids.has(n)) ||
    plan.actions.some((a) => ids.has(a.owner) || ids.has(a.createdBy) || (a.doneBy !== undefined && ids.has(a.doneBy)) || (a.notes ?? []).some((n) => ids.has(n.by)))
  );
}

/** The plan with the person replaced by `pseudonym`, their name gone from the names and from free text. */
export function planWithoutPerson(plan: ChannelPlan, ids: Set<string>, pseudonym: string, names: string[], redacted: string): ChannelPlan {
  const swap = (id: string) => (ids.has(id) ? pseudonym : id);
  const clean = (text: string) => redactNames(text, names, redacted);
  return {
    ...plan,
    coordinators: [...new Set(plan.coordinators.map(swap))],
    names: Object.fromEntries(Object.entries(plan.names).filter(([id]) => !ids.has(id))),
    actions: plan.actions.map((a) => ({
      ...a,
      text: clean(a.text),
      owner: swap(a.owner),
      createdBy: swap(a.createdBy),
      ...(a.doneBy ? { doneBy: swap(a.doneBy) } : {}),
      ...(a.notes ? { notes: a.notes.map((n) => ({ ...n, by: swap(n.by), text: clean(n.text) })) } : {}),
    })),
  };
}

export function planPrivacySource(store: Store): PersonalDataSource {
  return {
    name: PLAN_COLLECTION,
    async exportPerson(req: PersonRequest) {
      const ids = new Set(req.aliases);
      return plansOf(await store.listRecords(PLAN_COLLECTION, { tenant: req.tenant }), req.tenant)
        .filter(([, plan]) => mentions(plan, ids))
        .map(([id, plan]) => ({
          collection: PLAN_COLLECTION,
          id,
          value: {
            channelId: plan.channelId,
            coordinator: plan.coordinators.some((c) => ids.has(c)),
            name: ownValue(plan.names, req.userId) ?? null,
            actions: plan.actions
              .filter((a) => ids.has(a.owner) || ids.has(a.createdBy) || (a.doneBy !== undefined && ids.has(a.doneBy)) || (a.notes ?? []).some((n) => ids.has(n.by)))
              .map((a) => ({ id: a.id, factorId: a.factorId, text: a.text, due: a.due, status: a.status, owner: ids.has(a.owner), notes: (a.notes ?? []).filter((n) => ids.has(n.by)) })),
          },
        }));
    },
    async erasePerson(req: PersonRequest) {
      const ids = new Set(req.aliases);
      let changed = 0;
      for (const [id, plan] of plansOf(await store.listRecords(PLAN_COLLECTION, { tenant: req.tenant }), req.tenant)) {
        const own = ownValue(plan.names, req.userId);
        const names = [...new Set([...req.names, ...(own ? [own] : [])])];
        const text = JSON.stringify(plan);
        if (!mentions(plan, ids) && names.every((n) => redactNames(text, [n], '') === text)) continue;
        const pseudonym = newPseudonym();
        await store.updateRecord(PLAN_COLLECTION, id, (cur) => {
          const now = cur ? ChannelPlanSchema.safeParse(cur) : null;
          if (!now?.success) return cur;
          return planWithoutPerson(now.data, ids, pseudonym, names, req.redacted ?? '[–]');
        });
        changed += 1;
      }
      return changed;
    },
    /** Retention: a plan goes with the last of the rounds it followed (a plan from the toolkit alone stays). */
    async purgeRound(tenant: string, roundId: string) {
      let purged = 0;
      for (const [id, plan] of plansOf(await store.listRecords(PLAN_COLLECTION, { tenant, roundId }), tenant)) {
        if (!plan.roundIds.includes(roundId) && plan.deliveryRoundId !== roundId) continue;
        await store.updateRecord(PLAN_COLLECTION, id, (cur) => {
          const now = cur ? ChannelPlanSchema.safeParse(cur) : null;
          if (!now?.success) return cur;
          const roundIds = now.data.roundIds.filter((r) => r !== roundId);
          if (roundIds.length === 0 && now.data.roundIds.length > 0) return null;
          const { deliveryRoundId, ...rest } = now.data;
          return { ...rest, roundIds, ...(deliveryRoundId && deliveryRoundId !== roundId ? { deliveryRoundId } : {}) };
        });
        purged += 1;
      }
      return purged;
    },
    async forgetTenant(tenant: string) {
      // Every record the tenant's index holds goes, a plan this release cannot read included.
      const found = Object.keys(await store.listRecords(PLAN_COLLECTION, { tenant }));
      for (const id of found) await store.deleteRecord(PLAN_COLLECTION, id);
      return found.length;
    },
  };
}
