// The validated-pack cache (src/content/pack-cache.ts): a start reads a kept copy instead of parsing the YAML again,
// and gets exactly what a full parse gives; an edited file, a broken entry or an invalid pack never reads a stale one.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContentError, defaultContentRoot, loadPackDir } from '../../src/content/load.js';
import { entryPath } from '../../src/content/pack-cache.js';

const real = join(defaultContentRoot(), 'integrating-cities-diversity');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A pack directory holding the real pack, each file with a comment of its own: text no earlier run has cached. */
function packCopy(edit: (locale: 'sv' | 'en', text: string) => string = (_l, t) => t): { dir: string; sources: Record<'sv' | 'en', string> } {
  const dir = mkdtempSync(join(tmpdir(), 'assess-pack-cache-'));
  dirs.push(dir);
  const stamp = `# test copy ${process.pid} ${Date.now()} ${Math.random()}\n`;
  const sources = { sv: '', en: '' };
  for (const locale of ['sv', 'en'] as const) {
    sources[locale] = stamp + edit(locale, readFileSync(join(real, `${locale}.yaml`), 'utf8').replace('$schema: ../pack.schema.json\n', ''));
    writeFileSync(join(dir, `${locale}.yaml`), sources[locale]);
  }
  return { dir, sources };
}

const plain = (p: ReturnType<typeof loadPackDir>) => JSON.parse(JSON.stringify({ id: p.id, locales: p.locales })) as unknown;

describe('validated pack cache', () => {
  it('a second load reads the kept copy and gets what the full parse gave', () => {
    const { dir, sources } = packCopy();
    for (const s of Object.values(sources)) expect(existsSync(entryPath(s)!)).toBe(false);
    const parsed = loadPackDir(dir);
    for (const s of Object.values(sources)) expect(existsSync(entryPath(s)!)).toBe(true);
    const cached = loadPackDir(dir);
    expect(cached.locales.sv).toEqual(parsed.locales.sv);
    expect(plain(cached)).toEqual(plain(parsed));
    expect(cached.get('en').keyFactors).toHaveLength(13);
  });

  it('an edited file is a new key: the edit is read, not the kept copy of the old text', () => {
    const { dir, sources } = packCopy();
    loadPackDir(dir);
    const edited = sources.en.replace(/^shortTitle: .*$/m, 'shortTitle: An edited title');
    expect(edited).not.toBe(sources.en);
    writeFileSync(join(dir, 'en.yaml'), edited);
    expect(loadPackDir(dir).locales.en!.shortTitle).toBe('An edited title');
  });

  it('a broken entry is ignored: the file is parsed again', () => {
    const { dir, sources } = packCopy();
    const full = plain(loadPackDir(dir));
    writeFileSync(entryPath(sources.sv)!, '{"pack": trunc');
    expect(plain(loadPackDir(dir))).toEqual(full);
  });

  it('an invalid file is never kept, and says where it is wrong every time', () => {
    const { dir, sources } = packCopy((locale, text) => (locale === 'en' ? text.replace(/^locale: en$/m, 'locale: 42') : text));
    const first = captured(() => loadPackDir(dir));
    expect(first).toBeInstanceOf(ContentError);
    expect(existsSync(entryPath(sources.en)!)).toBe(false);
    expect((captured(() => loadPackDir(dir)) as ContentError).message).toBe((first as ContentError).message);
  });

  it('an issue found across two kept files still names its line', () => {
    // Each file is valid alone (so both are kept), but the pack ids differ: found after both are read.
    const { dir } = packCopy((locale, text) => (locale === 'en' ? text.replace(/^id: integrating-cities-diversity$/m, 'id: another-pack') : text));
    const first = captured(() => loadPackDir(dir)) as ContentError;
    const again = captured(() => loadPackDir(dir)) as ContentError;
    expect(first).toBeInstanceOf(ContentError);
    expect(first.issues[0]).toMatchObject({ path: 'id', line: expect.any(Number) as number });
    expect(again.issues).toEqual(first.issues);
  });
});

function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

