// The installed toolkit packs as the core reads them: content's lookups, with a missing pack or factor as a coded AppError.
import type { PackRegistry } from '../content/registry.js';
import type { ContentPack, KeyFactor, Locale } from '../content/schema.js';
import { toAppError } from './errors.js';

/** What the core and the layers above it ask of the installed packs. */
export interface Packs {
  ids(): string[];
  has(packId: string): boolean;
  get(packId: string, locale: Locale): ContentPack;
  factor(packId: string, locale: Locale, factorId: string): KeyFactor;
}

/** Wraps the registry so every caller of the core gets AppErrors (UNKNOWN_PACK, UNKNOWN_FACTOR), as it always has. */
export class CorePacks implements Packs {
  constructor(private readonly registry: Packs) {}

  static of(packs: PackRegistry | Packs): Packs {
    return packs instanceof CorePacks ? packs : new CorePacks(packs);
  }

  ids(): string[] {
    return this.registry.ids();
  }

  has(packId: string): boolean {
    return this.registry.has(packId);
  }

  get(packId: string, locale: Locale): ContentPack {
    try {
      return this.registry.get(packId, locale);
    } catch (err) {
      throw toAppError(err);
    }
  }

  factor(packId: string, locale: Locale, factorId: string): KeyFactor {
    try {
      return this.registry.factor(packId, locale, factorId);
    } catch (err) {
      throw toAppError(err);
    }
  }
}
