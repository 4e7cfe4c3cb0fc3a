// The installed toolkit packs, discovered from the content root; a new pack directory needs no code change.
import { PackLookupError } from './errors.js';
import type { ContentPack, KeyFactor, Locale } from './schema.js';
import { defaultContentRoot, loadContentRoot, type LoadedPack } from './load.js';

export class PackRegistry {
  private readonly packs: Map<string, LoadedPack>;

  constructor(packs: Map<string, LoadedPack>) {
    this.packs = packs;
  }

  static fromDir(root: string = defaultContentRoot()): PackRegistry {
    return new PackRegistry(loadContentRoot(root));
  }

  ids(): string[] {
    return [...this.packs.keys()];
  }

  has(packId: string): boolean {
    return this.packs.has(packId);
  }

  /** The pack in a locale, falling back to any locale the pack has. */
  get(packId: string, locale: Locale): ContentPack {
    const pack = this.packs.get(packId);
    if (!pack) throw new PackLookupError('UNKNOWN_PACK', { pack: packId });
    const loc = pack.locales[locale] ?? Object.values(pack.locales)[0];
    if (!loc) throw new PackLookupError('UNKNOWN_PACK', { pack: packId });
    return loc;
  }

  factor(packId: string, locale: Locale, factorId: string): KeyFactor {
    const factor = this.get(packId, locale).keyFactors.find((f) => f.id === factorId);
    if (!factor) throw new PackLookupError('UNKNOWN_FACTOR', { factor: factorId });
    return factor;
  }
}
