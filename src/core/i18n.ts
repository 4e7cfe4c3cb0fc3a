// Localised UI strings from content/locales/<locale>.yaml with {name} placeholders.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { LOCALES, type Locale } from '../content/schema.js';

type Catalog = Map<string, string>;

function findLocalesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'content', 'locales');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('content/locales not found next to the application');
}

const NestedStrings: z.ZodType<Record<string, unknown>> = z.record(
  z.string(),
  z.union([z.string(), z.lazy(() => NestedStrings)]),
);

function flatten(obj: Record<string, unknown>, prefix: string, out: Catalog): Catalog {
  for (const [key, value] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else flatten(value as Record<string, unknown>, path, out);
  }
  return out;
}

/** The YAML parser, loaded with the first catalog (on the first text asked for), not at start. */
let yamlParse: ((source: string) => unknown) | undefined;

export function loadCatalog(file: string): Catalog {
  const parse = (yamlParse ??= (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse);
  const parsed = NestedStrings.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.message}`);
  return flatten(parsed.data, '', new Map());
}

let catalogs: Record<Locale, Catalog> | undefined;

export function catalogsDir(): string {
  return findLocalesDir();
}

function getCatalogs(): Record<Locale, Catalog> {
  if (!catalogs) {
    const dir = findLocalesDir();
    // `<locale>.yaml` holds the shared texts; `<area>.<locale>.yaml` files (slack, teams, report…) add their own sections.
    const files = readdirSync(dir).sort();
    catalogs = Object.fromEntries(
      LOCALES.map((l) => {
        const merged: Catalog = loadCatalog(join(dir, `${l}.yaml`));
        for (const f of files.filter((name) => name.endsWith(`.${l}.yaml`))) {
          for (const [k, v] of loadCatalog(join(dir, f))) merged.set(k, v);
        }
        return [l, merged];
      }),
    ) as Record<Locale, Catalog>;
  }
  return catalogs;
}

export function allKeys(locale: Locale): string[] {
  return [...getCatalogs()[locale].keys()];
}

export function hasKey(locale: Locale, key: string): boolean {
  return getCatalogs()[locale].has(key);
}

/**
 * Translate a key; a missing key falls back to English, then to the key itself so nothing crashes. A key that is a
 * plural group (`<key>.one`, `<key>.other`) picks its form by `params.count`, so "1 omgång" and "2 omgångar" both
 * come from `t(locale, key, { count })`.
 */
export function t(locale: Locale, key: string, params: Record<string, string | number> = {}): string {
  const cats = getCatalogs();
  if (!cats[locale].has(key) && typeof params.count === 'number' && (cats[locale].has(`${key}.other`) || cats.en.has(`${key}.other`))) {
    return tn(locale, key, params.count, params);
  }
  const template = cats[locale].get(key) ?? cats.en.get(key) ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** Plural-aware variant: uses `<key>.one` when count is 1, else `<key>.other` (Swedish and English agree on that). */
export function tn(locale: Locale, key: string, count: number, params: Record<string, string | number> = {}): string {
  return t(locale, `${key}.${count === 1 ? 'one' : 'other'}`, { ...params, count });
}

const ORDINAL_RULES = { sv: new Intl.PluralRules('sv-SE', { type: 'ordinal' }), en: new Intl.PluralRules('en-GB', { type: 'ordinal' }) };

/** "2:a", "3:e" in Swedish; "2nd", "3rd" in English (the forms are `ordinal.<category>` in the catalogs). */
export function ordinal(locale: Locale, n: number): string {
  return t(locale, `ordinal.${ORDINAL_RULES[locale].select(n)}`, { n });
}
