// Loads toolkit content packs (one `<locale>.yaml` per locale in a pack directory), validates them against
// the zod schema, checks that all locales of a pack share one structure, and reports every problem with its
// file, line and column so a content editor can fix the YAML without reading code.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { Document, LineCounter } from 'yaml';
import { z } from 'zod';
import { ContentPackSchema, LOCALES, type ContentPack, type Locale } from './schema.js';
import { cachedPack, keepPack } from './pack-cache.js';

export interface ContentIssue {
  file: string;
  line?: number;
  column?: number;
  /** Where in the pack, e.g. `keyFactors[2].questions[0].text`; empty for the whole file. */
  path: string;
  message: string;
}

export function formatIssue(issue: ContentIssue): string {
  const where =
    issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${where}  ${issue.path || '(root)'}  ${issue.message}`;
}

export class ContentError extends Error {
  readonly issues: ContentIssue[];

  constructor(issues: ContentIssue[], summary = 'Invalid toolkit content') {
    const count = `${issues.length} issue${issues.length === 1 ? '' : 's'}`;
    super(`${summary} (${count}):\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    this.name = 'ContentError';
    this.issues = issues;
  }
}

export interface LoadedPack {
  id: string;
  dir: string;
  locales: Partial<Record<Locale, ContentPack>>;
  /** The pack in `locale`; falls back to the pack's reference locale (the first of LOCALES it has). */
  get(locale: Locale): ContentPack;
}

type PathSegment = string | number;
type Position = { line: number; column: number };

/** One parsed file: the validated pack (if valid), its issues, and a way to find a path's line/column. */
interface ParsedFile {
  file: string;
  pack?: ContentPack;
  issues: ContentIssue[];
  locate(path: readonly PathSegment[], onKey?: boolean): Position | undefined;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** Finds the YAML node for `path`, or the deepest existing ancestor when part of the path is missing. */
/** The YAML parser, loaded on the first parse: a start whose packs are all cached (pack-cache.ts) never needs it. */
let yamlModule: typeof import('yaml') | undefined;
function yaml(): typeof import('yaml') {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));
}

function locateIn(doc: Document, lc: LineCounter, path: readonly PathSegment[], onKey: boolean): Position | undefined {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  let node: unknown = doc.contents;
  let offset = (doc.contents as { range?: [number, number, number] } | null)?.range?.[0];
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === seg);
      if (!pair) break;
      const key = pair.key as { range?: [number, number, number] };
      const value = pair.value as { range?: [number, number, number] } | null;
      // A whole list or mapping is reported at its key (`questions:`), a scalar at its value.
      const whole = last && (isMap(pair.value) || isSeq(pair.value));
      const target = (last && onKey) || whole || !value?.range ? key : value;
      if (target.range) offset = target.range[0];
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as { range?: [number, number, number] } | undefined;
      if (!item) break;
      if (item.range) offset = item.range[0];
      node = item;
    } else {
      break;
    }
  }
  if (offset === undefined) return undefined;
  const { line, col } = lc.linePos(offset);
  return { line, column: col };
}

function issueAt(parsed: ParsedFile, path: readonly PathSegment[], message: string, onKey = false): ContentIssue {
  const pos = parsed.locate(path, onKey);
  return { file: parsed.file, ...(pos ?? {}), path: formatPath(path), message };
}

function parseLocated(source: string): { doc: Document; lc: LineCounter } {
  const { LineCounter, parseDocument } = yaml();
  const lc = new LineCounter();
  return { doc: parseDocument(source, { lineCounter: lc, prettyErrors: false, uniqueKeys: true }), lc };
}

function readPack(file: string): ParsedFile {
  const parsed: ParsedFile = { file, issues: [], locate: () => undefined };
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    parsed.issues.push({ file, path: '', message: `cannot read file: ${(err as Error).message}` });
    return parsed;
  }
  const kept = cachedPack(source);
  if (kept) {
    // Parsed and validated on an earlier start; the YAML is parsed again only to place a later check's issue.
    let located: { doc: Document; lc: LineCounter } | undefined;
    parsed.locate = (path, onKey = false) => {
      located ??= parseLocated(source);
      return locateIn(located.doc, located.lc, path, onKey);
    };
    parsed.pack = kept;
    return parsed;
  }
  const { doc, lc } = parseLocated(source);
  parsed.locate = (path, onKey = false) => locateIn(doc, lc, path, onKey);
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const { line, col } = lc.linePos(err.pos[0]);
      const message = err.message.split('\n')[0] ?? err.message;
      parsed.issues.push({ file, line, column: col, path: '', message: `YAML syntax error (${err.code}): ${message}` });
    }
    return parsed;
  }
  const result = ContentPackSchema.safeParse(doc.toJS());
  if (result.success) {
    parsed.pack = result.data;
    keepPack(source, result.data);
    return parsed;
  }
  for (const issue of result.error.issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s === 'string' || typeof s === 'number');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) parsed.issues.push(issueAt(parsed, [...path, key], `unknown field "${key}"`, true));
      continue;
    }
    const missing = issue.code === 'invalid_type' && !doc.hasIn(path);
    const message = missing ? `required field is missing (expected ${issue.expected})` : issue.message;
    parsed.issues.push(issueAt(parsed, path, message));
  }
  return parsed;
}

/** Reads, parses and validates one content pack file; throws a ContentError with located issues. */
export function parsePackFile(file: string): ContentPack {
  const parsed = readPack(file);
  if (parsed.issues.length > 0 || !parsed.pack) throw new ContentError(parsed.issues, `Invalid content pack ${file}`);
  return parsed.pack;
}

const LOCALE_FILE = /^([a-z]{2}(?:[-_][a-zA-Z]{2})?)\.(ya?ml)$/;

function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

/** `<locale>.yaml` files of supported locales in `dir`, in LOCALES order. */
function localeFiles(dir: string): Locale[] {
  const names = new Set(readdirSync(dir));
  return LOCALES.filter((l) => names.has(`${l}.yaml`));
}

/** Every id in the pack must be unique, and key factor numbers must run 1..N in order. */
function checkPackIntegrity(parsed: ParsedFile, pack: ContentPack): ContentIssue[] {
  const issues: ContentIssue[] = [];
  const seen = new Map<string, string>();
  const claim = (id: string, path: PathSegment[]) => {
    const first = seen.get(id);
    if (first !== undefined) issues.push(issueAt(parsed, path, `duplicate id "${id}" (first used at ${first})`));
    else seen.set(id, formatPath(path));
  };
  pack.keyFactors.forEach((f, fi) => {
    claim(f.id, ['keyFactors', fi, 'id']);
    if (f.number !== fi + 1) {
      issues.push(issueAt(parsed, ['keyFactors', fi, 'number'], `key factor number ${f.number} is out of order: expected ${fi + 1}`));
    }
    f.questions.forEach((q, qi) => claim(q.id, ['keyFactors', fi, 'questions', qi, 'id']));
    f.examples.forEach((e, ei) => claim(e.id, ['keyFactors', fi, 'examples', ei, 'id']));
  });
  pack.contextFactors.forEach((c, ci) => claim(c.id, ['contextFactors', ci, 'id']));
  pack.usageModes.forEach((u, ui) => claim(u.id, ['usageModes', ui, 'id']));
  return issues;
}

/** Compares two lists of ids position by position; reports missing, extra and mismatched entries. */
function compareIds(
  issues: ContentIssue[],
  parsed: ParsedFile,
  refName: string,
  label: string,
  path: PathSegment[],
  refIds: readonly string[],
  ids: readonly string[],
): void {
  const n = Math.max(refIds.length, ids.length);
  for (let i = 0; i < n; i++) {
    const ref = refIds[i];
    const own = ids[i];
    if (own === undefined) {
      issues.push(issueAt(parsed, path, `missing ${label} "${ref}" at position ${i + 1} (present in ${refName})`));
    } else if (ref === undefined) {
      issues.push(issueAt(parsed, [...path, i, 'id'], `extra ${label} "${own}" not present in ${refName}`));
    } else if (ref !== own) {
      issues.push(issueAt(parsed, [...path, i, 'id'], `${label} id "${own}" does not match ${refName}, which has "${ref}" here`));
    }
  }
}

/** Locale parity: the same factors, questions, details, examples, context factors and usage modes. */
function checkParity(refName: string, ref: ContentPack, parsed: ParsedFile, pack: ContentPack): ContentIssue[] {
  const issues: ContentIssue[] = [];
  compareIds(issues, parsed, refName, 'key factor', ['keyFactors'], ref.keyFactors.map((f) => f.id), pack.keyFactors.map((f) => f.id));
  pack.keyFactors.forEach((f, fi) => {
    const rf = ref.keyFactors[fi];
    if (!rf || rf.id !== f.id) return;
    if (rf.number !== f.number) {
      issues.push(issueAt(parsed, ['keyFactors', fi, 'number'], `number ${f.number} differs from ${refName} (${rf.number})`));
    }
    const qPath: PathSegment[] = ['keyFactors', fi, 'questions'];
    compareIds(issues, parsed, refName, 'question', qPath, rf.questions.map((q) => q.id), f.questions.map((q) => q.id));
    f.questions.forEach((q, qi) => {
      const rq = rf.questions[qi];
      if (!rq || rq.id !== q.id) return;
      const want = rq.details?.length ?? 0;
      const have = q.details?.length ?? 0;
      if (want !== have) {
        const at = q.details ? [...qPath, qi, 'details'] : [...qPath, qi];
        issues.push(issueAt(parsed, at, `question "${q.id}" has ${have} details, ${refName} has ${want}`));
      }
    });
    compareIds(issues, parsed, refName, 'example', ['keyFactors', fi, 'examples'], rf.examples.map((e) => e.id), f.examples.map((e) => e.id));
  });
  compareIds(issues, parsed, refName, 'context factor', ['contextFactors'], ref.contextFactors.map((c) => c.id), pack.contextFactors.map((c) => c.id));
  pack.contextFactors.forEach((c, ci) => {
    const rc = ref.contextFactors[ci];
    if (rc && rc.id === c.id && rc.includes.length !== c.includes.length) {
      issues.push(issueAt(parsed, ['contextFactors', ci, 'includes'], `context factor "${c.id}" lists ${c.includes.length} items, ${refName} lists ${rc.includes.length}`));
    }
  });
  compareIds(issues, parsed, refName, 'usage mode', ['usageModes'], ref.usageModes.map((u) => u.id), pack.usageModes.map((u) => u.id));
  pack.usageModes.forEach((u, ui) => {
    const ru = ref.usageModes[ui];
    if (ru && ru.id === u.id && (ru.details?.length ?? 0) !== (u.details?.length ?? 0)) {
      issues.push(issueAt(parsed, ['usageModes', ui], `usage mode "${u.id}" has ${u.details?.length ?? 0} further paragraphs, ${refName} has ${ru.details?.length ?? 0}`));
    }
  });
  issues.push(...checkFramingParity(refName, ref, parsed, pack));
  return issues;
}

/** The framing has the same paragraphs, and the footnotes the same numbers and factors, in every locale. */
function checkFramingParity(refName: string, ref: ContentPack, parsed: ParsedFile, pack: ContentPack): ContentIssue[] {
  const issues: ContentIssue[] = [];
  const footnoteKeys = (p: ContentPack) => p.footnotes.map((f) => `${f.number}${f.keyFactorId ? `@${f.keyFactorId}` : ''}`).join(', ');
  if (footnoteKeys(ref) !== footnoteKeys(pack)) {
    issues.push(issueAt(parsed, ['footnotes'], `footnotes [${footnoteKeys(pack)}] differ from ${refName} [${footnoteKeys(ref)}]`));
  }
  if ((ref.scopeNote === undefined) !== (pack.scopeNote === undefined)) {
    issues.push(issueAt(parsed, ['scopeNote'], `scopeNote is ${pack.scopeNote === undefined ? 'missing' : 'present'} here but not in ${refName}`));
  }
  const a = ref.framing;
  const b = pack.framing;
  if (!a || !b) {
    if (a !== b) issues.push(issueAt(parsed, ['framing'], `framing is ${b ? 'present' : 'missing'} here but not in ${refName}`));
    return issues;
  }
  for (const key of ['introductionMore', 'guidelines', 'context', 'howToUse', 'mixities', 'euContext'] as const) {
    if (a[key].length !== b[key].length) {
      issues.push(issueAt(parsed, ['framing', key], `framing.${key} has ${b[key].length} paragraphs, ${refName} has ${a[key].length}`));
    }
  }
  return issues;
}

/** Loads every `<locale>.yaml` in a pack directory and checks ids, numbering and locale parity. */
export function loadPackDir(dir: string): LoadedPack {
  const issues: ContentIssue[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (err) {
    throw new ContentError([{ file: dir, path: '', message: `cannot read pack directory: ${(err as Error).message}` }]);
  }
  for (const name of entries.sort()) {
    const m = LOCALE_FILE.exec(name);
    if (m && !(m[2] === 'yaml' && m[1] !== undefined && isLocale(m[1]))) {
      issues.push({ file: join(dir, name), path: '', message: `not a pack file: expected one of ${LOCALES.map((l) => `${l}.yaml`).join(', ')}` });
    }
  }
  const locales = localeFiles(dir);
  if (locales.length === 0) {
    issues.push({ file: dir, path: '', message: `no pack files found (expected ${LOCALES.map((l) => `${l}.yaml`).join(' and/or ')})` });
    throw new ContentError(issues, `Invalid content pack ${dir}`);
  }

  const files = locales.map((locale) => ({ locale, parsed: readPack(join(dir, `${locale}.yaml`)) }));
  for (const { locale, parsed } of files) {
    issues.push(...parsed.issues);
    if (parsed.pack && parsed.pack.locale !== locale) {
      issues.push(issueAt(parsed, ['locale'], `locale "${parsed.pack.locale}" does not match the file name ${locale}.yaml`));
    }
  }
  if (issues.length > 0) throw new ContentError(issues, `Invalid content pack ${dir}`);

  const valid = files as Array<{ locale: Locale; parsed: ParsedFile & { pack: ContentPack } }>;
  const [reference, ...others] = valid;
  if (!reference) throw new Error('unreachable: no pack files');
  for (const { parsed } of valid) issues.push(...checkPackIntegrity(parsed, parsed.pack));
  const refName = `${reference.locale}.yaml`;
  for (const { parsed } of others) {
    if (parsed.pack.id !== reference.parsed.pack.id) {
      issues.push(issueAt(parsed, ['id'], `pack id "${parsed.pack.id}" differs from ${refName} ("${reference.parsed.pack.id}")`));
    }
    issues.push(...checkParity(refName, reference.parsed.pack, parsed, parsed.pack));
  }
  if (issues.length > 0) throw new ContentError(issues, `Invalid content pack ${dir}`);

  const packs: Partial<Record<Locale, ContentPack>> = {};
  for (const { locale, parsed } of valid) packs[locale] = parsed.pack;
  const fallback = reference.parsed.pack;
  return {
    id: fallback.id,
    dir: resolve(dir),
    locales: packs,
    get: (locale: Locale) => packs[locale] ?? fallback,
  };
}

/** Directory names under the content root that are never packs. */
const NOT_PACKS = new Set(['locales', 'node_modules']);

/** Every subdirectory of `root` holding at least one `<locale>.yaml` is a pack, keyed by pack id. */
export function loadContentRoot(root: string): Map<string, LoadedPack> {
  const packs = new Map<string, LoadedPack>();
  const issues: ContentIssue[] = [];
  const dirs = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !NOT_PACKS.has(e.name))
    .map((e) => e.name)
    .sort();
  for (const name of dirs) {
    const dir = join(root, name);
    if (localeFiles(dir).length === 0) continue;
    try {
      const pack = loadPackDir(dir);
      const clash = packs.get(pack.id);
      if (clash) {
        issues.push({ file: join(dir, `${Object.keys(pack.locales)[0] ?? 'sv'}.yaml`), path: 'id', message: `pack id "${pack.id}" is already used by ${clash.dir}` });
        continue;
      }
      packs.set(pack.id, pack);
    } catch (err) {
      if (err instanceof ContentError) issues.push(...err.issues);
      else throw err;
    }
  }
  if (issues.length > 0) throw new ContentError(issues, `Invalid content in ${root}`);
  return packs;
}

/** Absolute path of the repository's `content/` directory (works from src/ under tsx and from dist/src/). */
export function defaultContentRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'content');
    if (existsSync(join(candidate, 'integrating-cities-diversity'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no content/integrating-cities-diversity found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** JSON Schema of a pack file, generated from the zod schema (committed as content/pack.schema.json). */
export function packJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ContentPackSchema);
}
