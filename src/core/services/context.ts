// What every core use-case module shares: its dependencies, who is acting, and a few lookups they all make.
import type { KeyFactor } from '../../content/schema.js';
import { AppError } from '../errors.js';
import type { MemberKeys } from '../member-keys.js';
import type { Round } from '../model.js';
import { displayName } from '../own.js';
import type { Packs } from '../packs.js';
import type { Clock, Store } from '../ports.js';
import type { ReadModel } from '../read-model.js';

/** The person acting: a platform user id, and their display name when the platform gave one. */
export interface Actor {
  id: string;
  name?: string;
}

/** One round of one tenant. */
export interface Scope {
  tenant: string;
  roundId: string;
}

/** The store stays inside the core: each use-case module gets it here, and nothing above the core does. */
export interface CoreDeps {
  store: Store;
  packs: Packs;
  clock: Clock;
  keys: MemberKeys;
  read: ReadModel;
}

export function nowIso(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}

/** The name errors use when they tell someone to ask the coordinator. */
export function coordinatorName(round: Round): string {
  return displayName(round, round.coordinators[0] ?? '');
}

/** The round's way of working as the pack names it ("Intern utvärdering"). */
export function modeName(packs: Packs, round: Round): string {
  return packs.get(round.packId, round.locale).usageModes.find((m) => m.id === round.mode)?.title ?? round.mode;
}

/** The key factor, when the round has it; UNKNOWN_FACTOR otherwise. */
export function assertFactor(packs: Packs, round: Round, factorId: string): KeyFactor {
  if (!round.factorIds.includes(factorId)) throw new AppError('UNKNOWN_FACTOR', { factor: factorId });
  return packs.factor(round.packId, round.locale, factorId);
}
