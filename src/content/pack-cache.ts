// A cache of validated pack files, so a start does not parse the same YAML again: parsing and validating the two
// 50 KB toolkit files took a third of the bot's start-up, while reading a kept JSON copy takes a few milliseconds.
//
// An entry is keyed by the SHA-256 of the file's text together with the loader's and the schema's own source, so an
// edited pack or a changed schema is a different key and is parsed and validated in full. Only files that validated
// are kept. Entries live in the application's node_modules/.cache (as build tools keep theirs): inside the app's own
// directory, never a shared temporary one, and a missing, unwritable or unreadable cache only means a full parse.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContentPack } from './schema.js';

const here = fileURLToPath(import.meta.url);

/** The source of the code that turns YAML into a validated pack: the same text gives the same pack. */
let codeStamp: string | undefined;
function stamp(): string {
  if (codeStamp === undefined) {
    const ext = extname(here);
    const hash = createHash('sha256');
    for (const name of ['load', 'schema', 'pack-cache']) {
      try {
        hash.update(readFileSync(join(dirname(here), `${name}${ext}`)));
      } catch {
        // Not found beside us (an unusual layout): a random stamp, so nothing cached is ever trusted.
        hash.update(String(Math.random()));
      }
    }
    codeStamp = hash.digest('hex');
  }
  return codeStamp;
}

/** node_modules/.cache/assess-bot/content at the application root (the folder with package.json), or null. */
let cacheDirMemo: string | null | undefined;
function cacheDir(): string | null {
  if (cacheDirMemo !== undefined) return cacheDirMemo;
  cacheDirMemo = null;
  let dir = dirname(here);
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) {
      cacheDirMemo = join(dir, 'node_modules', '.cache', 'assess-bot', 'content');
      break;
    }
    dir = dirname(dir);
  }
  return cacheDirMemo;
}

/** Where the entry for this file text is (or would be) kept; null when there is no cache folder. */
export function entryPath(source: string): string | null {
  const dir = cacheDir();
  if (!dir) return null;
  const key = createHash('sha256').update(stamp()).update('\0').update(source).digest('hex');
  return join(dir, `${key}.json`);
}

/** The validated pack kept for exactly this file text, or undefined. */
export function cachedPack(source: string): ContentPack | undefined {
  const path = entryPath(source);
  if (!path) return undefined;
  try {
    const kept = JSON.parse(readFileSync(path, 'utf8')) as { pack?: unknown };
    return typeof kept.pack === 'object' && kept.pack !== null ? (kept.pack as ContentPack) : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps a pack that validated, for the next start; best effort (written whole, then renamed into place). */
export function keepPack(source: string, pack: ContentPack): void {
  const path = entryPath(source);
  if (!path) return;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, JSON.stringify({ pack }));
    renameSync(tmp, path);
  } catch {
    // A read-only installation parses on every start, as before.
  }
}
