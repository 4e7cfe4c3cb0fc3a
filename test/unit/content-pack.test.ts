// The Integrating Cities diversity content pack: counts, locale parity, verbatim Swedish text against the
// PDF extraction, located validation errors, pack discovery and the committed JSON Schema.
import { describe, it, expect, afterAll } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import {
  ContentError,
  defaultContentRoot,
  loadContentRoot,
  loadPackDir,
  packJsonSchema,
  parsePackFile,
  type ContentIssue,
} from '../../src/content/load.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CONTENT = join(REPO, 'content');
const PACK_DIR = join(CONTENT, 'integrating-cities-diversity');
const SEED = join(REPO, 'test/fixtures/seed/integrating-cities-diversity.sv.txt');

/** Guiding questions per key factor 01–13, as counted in the toolkit. */
const QUESTIONS_PER_FACTOR = [4, 5, 4, 6, 4, 6, 4, 5, 3, 5, 5, 6, 4];

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'content-pack-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function expectContentError(fn: () => unknown): ContentError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ContentError);
    return err as ContentError;
  }
  throw new Error('expected a ContentError');
}

function lineOf(file: string, line: number | undefined): string {
  expect(line, `issue in ${file} has no line`).toBeTypeOf('number');
  return readFileSync(file, 'utf8').split('\n')[(line ?? 0) - 1] ?? '';
}

const pack = loadPackDir(PACK_DIR);
const sv = pack.get('sv');
const en = pack.get('en');

describe('integrating-cities-diversity pack: counts', () => {
  it('has 13 key factors numbered 1..13 with ids f01..f13', () => {
    expect(sv.keyFactors).toHaveLength(13);
    expect(sv.keyFactors.map((f) => f.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(sv.keyFactors.map((f) => f.id)).toEqual(
      Array.from({ length: 13 }, (_, i) => `f${String(i + 1).padStart(2, '0')}`),
    );
  });

  it('has 61 guiding questions in total, with the per-factor counts of the toolkit', () => {
    expect(sv.keyFactors.map((f) => f.questions.length)).toEqual(QUESTIONS_PER_FACTOR);
    expect(sv.keyFactors.reduce((n, f) => n + f.questions.length, 0)).toBe(61);
    expect(en.keyFactors.reduce((n, f) => n + f.questions.length, 0)).toBe(61);
  });

  it('numbers question and example ids within their factor', () => {
    for (const f of sv.keyFactors) {
      expect(f.questions.map((q) => q.id)).toEqual(f.questions.map((_, i) => `${f.id}-q${i + 1}`));
      expect(f.examples.map((e) => e.id)).toEqual(f.examples.map((_, i) => `${f.id}-e${i + 1}`));
      expect(f.examples.length).toBeGreaterThanOrEqual(1);
    }
  });

  it('has the themes of the toolkit in sentence case', () => {
    expect(sv.keyFactors.map((f) => f.theme)).toEqual([
      'Offentliga åtaganden',
      'Strategi',
      'Ledning och styrning',
      'Invandrares deltagande',
      'Utomkommunala aktörers engagemang',
      'Öka medvetenheten',
      'Kommunal anställning',
      'Personalutveckling',
      'Behovsbedömning',
      'Välkomnande kultur',
      'Medling',
      'Upphandling',
      'Kontroll och utvärdering',
    ]);
  });

  it('gives sub-bullets only to two questions of factor 07', () => {
    const withDetails = sv.keyFactors.flatMap((f) => f.questions.filter((q) => q.details !== undefined));
    expect(withDetails.map((q) => [q.id, q.details?.length])).toEqual([
      ['f07-q3', 4],
      ['f07-q4', 3],
    ]);
  });

  it('has 7 context factors and 3 usage modes', () => {
    expect(sv.contextFactors).toHaveLength(7);
    expect(sv.contextFactors.map((c) => c.id)).toContain('municipal-resources');
    expect(sv.usageModes.map((u) => u.id)).toEqual(['internal-evaluation', 'peer-review', 'action-plan']);
    for (const u of [...sv.usageModes, ...en.usageModes]) expect(u.question).toBeTruthy();
  });

  it('has the pack metadata in both locales', () => {
    for (const p of [sv, en]) {
      expect(p.id).toBe('integrating-cities-diversity');
      expect(p.publisher).toBe('EUROCITIES');
      expect(p.$schema).toBe('../pack.schema.json');
    }
    expect(sv.locale).toBe('sv');
    expect(en.locale).toBe('en');
    expect(pack.id).toBe('integrating-cities-diversity');
  });
});

describe('locale parity', () => {
  const shape = (p: typeof sv) => ({
    factors: p.keyFactors.map((f) => ({
      id: f.id,
      number: f.number,
      questions: f.questions.map((q) => [q.id, q.details?.length ?? 0]),
      examples: f.examples.map((e) => [e.id, e.country !== undefined]),
    })),
    context: p.contextFactors.map((c) => [c.id, c.includes.length]),
    usage: p.usageModes.map((u) => u.id),
  });

  it('holds for the real pack (sv and en share one structure)', () => {
    expect(Object.keys(pack.locales).sort()).toEqual(['en', 'sv']);
    expect(shape(en)).toEqual(shape(sv));
  });

  it('uses English place names in the English pack', () => {
    const places = new Set(en.keyFactors.flatMap((f) => f.examples.map((e) => e.place)));
    expect(places).toContain('Munich');
    expect(places).toContain('Copenhagen');
    expect(places).not.toContain('München');
    expect(places).not.toContain('Köpenhamn');
  });

  function brokenCopy(edit: (doc: ReturnType<typeof parseDocument>) => void): string {
    const dir = join(tempDir(), 'integrating-cities-diversity');
    cpSync(PACK_DIR, dir, { recursive: true });
    const file = join(dir, 'en.yaml');
    const doc = parseDocument(readFileSync(file, 'utf8'));
    edit(doc);
    writeFileSync(file, doc.toString());
    return dir;
  }

  it('fails with a located issue when a question is removed from the en copy', () => {
    const dir = brokenCopy((doc) => doc.deleteIn(['keyFactors', 2, 'questions', 1]));
    const err = expectContentError(() => loadPackDir(dir));
    const file = join(dir, 'en.yaml');
    const mismatch = err.issues.find((i) => i.path === 'keyFactors[2].questions[1].id');
    expect(mismatch?.file).toBe(file);
    expect(mismatch?.message).toContain('f03-q2');
    expect(lineOf(file, mismatch?.line)).toContain('f03-q3');
    const missing = err.issues.find((i) => i.path === 'keyFactors[2].questions' && i.message.includes('missing'));
    expect(missing?.message).toContain('f03-q4');
    expect(lineOf(file, missing?.line)).toContain('questions:');
    expect(err.issues.every((i) => i.file === file)).toBe(true);
    expect(err.message).toContain(`${file}:${mismatch?.line}:`);
  });

  it('fails when the en copy drops a sub-bullet of a factor 07 question', () => {
    const dir = brokenCopy((doc) => doc.deleteIn(['keyFactors', 6, 'questions', 2, 'details', 3]));
    const err = expectContentError(() => loadPackDir(dir));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.path).toBe('keyFactors[6].questions[2].details');
    expect(err.issues[0]?.message).toContain('f07-q3');
    expect(lineOf(join(dir, 'en.yaml'), err.issues[0]?.line)).toContain('details:');
  });

  it('fails when the en copy drops a framing paragraph, a footnote or a further paragraph of a way of working', () => {
    const dir = brokenCopy((doc) => {
      doc.deleteIn(['framing', 'mixities', 2]);
      doc.deleteIn(['footnotes', 1]);
      doc.deleteIn(['usageModes', 1, 'details', 0]);
    });
    const issues = expectContentError(() => loadPackDir(dir)).issues;
    expect(issues.map((i) => i.path).sort()).toEqual(['footnotes', 'framing.mixities', 'usageModes[1]']);
    expect(issues.find((i) => i.path === 'footnotes')?.message).toContain('[1] differ from sv.yaml [1, 2@f12]');
    expect(lineOf(join(dir, 'en.yaml'), issues.find((i) => i.path === 'framing.mixities')?.line)).toContain('mixities:');
  });

  it('fails when ids or context items differ, or the pack id does not match', () => {
    const dir = brokenCopy((doc) => {
      doc.setIn(['id'], 'another-pack');
      doc.setIn(['keyFactors', 0, 'examples', 1, 'id'], 'f01-e9');
      doc.deleteIn(['contextFactors', 5, 'includes', 2]);
      doc.deleteIn(['usageModes', 2]);
    });
    const paths = expectContentError(() => loadPackDir(dir)).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['id', 'keyFactors[0].examples[1].id', 'contextFactors[5].includes', 'usageModes']),
    );
  });
});

describe('Swedish text is verbatim from the toolkit PDF', () => {
  const GLYPHS = /[\u2022\uFFFD\uF0B7\uF0A7\uF0D8\uF076\uF0FC]/g;
  /** Collapses whitespace; a hyphen or slash at the very end of a PDF line joins the next line with no space. */
  const normalise = (s: string) =>
    s
      .replace(GLYPHS, '')
      .replace(/([-/])\r?\n\s*/g, '$1')
      .replace(/\s+/g, ' ')
      .trim();
  /** The seed without its footnote markers ("skiftande.1 Som", "företag.2") and the numbers before the footnotes. */
  const withoutMarkers = (s: string) => s.replace(/([a-zåäö]\.)[12](?=\s|$)/g, '$1').replace(/(^|\s)[12] (?=[A-ZÅÄÖ])/g, '$1');
  const seed = withoutMarkers(normalise(readFileSync(SEED, 'utf8')));

  const cases: Array<[string, string]> = [
    ['standard', sv.standard],
    ['introduction', sv.introduction],
  ];
  for (const f of sv.keyFactors) {
    cases.push([`${f.id} theme (as heading)`, f.theme.toLocaleUpperCase('sv')]);
    cases.push([`${f.id} statement`, f.statement]);
    cases.push([`${f.id} rationale`, f.rationale]);
    for (const q of f.questions) {
      cases.push([q.id, q.text]);
      q.details?.forEach((d, i) => cases.push([`${q.id} detail ${i + 1}`, d]));
    }
    for (const e of f.examples) cases.push([`${e.id} (${e.place})`, e.summary]);
  }
  for (const c of sv.contextFactors) {
    cases.push([`context ${c.id}`, c.name]);
    c.includes.forEach((s, i) => cases.push([`context ${c.id} item ${i + 1}`, s]));
  }
  for (const u of sv.usageModes) {
    cases.push([`usage ${u.id} title`, u.title]);
    cases.push([`usage ${u.id} question`, u.question ?? '']);
    cases.push([`usage ${u.id} description`, u.description]);
    u.details?.forEach((d, i) => cases.push([`usage ${u.id} paragraph ${i + 2}`, d]));
  }
  cases.push(['scope note (footnote 1)', sv.scopeNote ?? '']);
  for (const n of sv.footnotes) cases.push([`footnote ${n.number}`, n.text]);
  const framing = sv.framing!;
  cases.push(['preface', framing.preface]);
  for (const key of ['guidelinesTitle', 'contextTitle', 'howToUseTitle', 'contextFactorsIntro', 'mixitiesTitle', 'euContextTitle'] as const) {
    cases.push([`framing ${key}`, framing[key]]);
  }
  cases.push(['framing contextFactorsExamplesTitle (as heading)', framing.contextFactorsExamplesTitle.toLocaleUpperCase('sv')]);
  for (const key of ['introductionMore', 'guidelines', 'context', 'howToUse', 'mixities', 'euContext'] as const) {
    framing[key].forEach((p, i) => cases.push([`framing ${key} ${i + 1}`, p]));
  }
  for (const key of ['keyFactors', 'guidingQuestions', 'examples'] as const) cases.push([`framing parts ${key}`, framing.parts[key]]);

  it('covers every statement, rationale, question, detail and example', () => {
    const questions = cases.filter(([id]) => /^f\d\d-q\d+$/.test(id));
    expect(questions).toHaveLength(61);
    expect(cases.filter(([id]) => / detail /.test(id))).toHaveLength(7);
  });

  it('holds footnote 1 as the scope note every voter sees, and footnote 2 on factor 12', () => {
    expect(sv.scopeNote).toBe('I de här riktlinjerna refererar vi endast till mångfald som kommer av invandring, det vill säga av invandrare och deras barn.');
    expect(sv.footnotes.map((n) => [n.number, n.keyFactorId ?? null])).toEqual([[1, null], [2, 'f12']]);
    expect(sv.footnotes[0]!.text.endsWith(sv.scopeNote!)).toBe(true);
    expect(en.scopeNote).toMatch(/only to the diversity that comes from immigration/);
  });

  /**
   * The framing pages of the seed (everything outside the key factors' own pages and the context factor table),
   * sentence by sentence: each must be somewhere in the pack, so nothing the toolkit says around the factors is lost.
   */
  it('holds every framing sentence and footnote of the seed', () => {
    const raw = readFileSync(SEED, 'utf8');
    const between = (from: string, to: string | null) => {
      const start = raw.indexOf(from);
      expect(start, from).toBeGreaterThanOrEqual(0);
      const end = to === null ? raw.length : raw.indexOf(to, start);
      expect(end, String(to)).toBeGreaterThan(start);
      return raw.slice(start, end);
    };
    const regions = [
      between('Inledning', 'Finns det ett offentligt uttalande'), // introduction, ways of working, preface, footnote 1, standard
      between('2 \uFFFDMer information', 'Mångfaldsstrategin kontrolleras'), // footnote 2
      between('Nedan finns en lista över faktorer', 'MILJÖFAKTORER EXEMPEL'), // the context factors' introduction
      between('Om MIXITIES:', null), // MIXITIES and the EU context
    ];
    // The toolkit's headings that are not sentences; the pack keeps them as titles or leaves them as layout.
    const headings = ['Inledning', 'INTEGRATING CITIES NORMER:', 'Om MIXITIES:', 'Intern utvärdering', 'Utvärdering utförd av kollegor', 'Förbereda en handlingsplan'];
    const packStrings = [sv.title, sv.standard, sv.introduction, sv.scopeNote ?? '', ...sv.footnotes.map((n) => n.text), JSON.stringify(sv.framing), ...sv.usageModes.flatMap((u) => [u.title, u.question ?? '', u.description, ...(u.details ?? [])])]
      .map(normalise)
      .join(' ');
    const missing: string[] = [];
    for (const region of regions) {
      let text = withoutMarkers(normalise(region));
      for (const h of headings) text = text.split(h).join(' ');
      const sentences = text
        .split(/(?<=[.?!:])\s+/)
        .map((x) => x.trim())
        .filter((x) => x.split(' ').length >= 4);
      for (const sentence of sentences) if (!packStrings.includes(sentence)) missing.push(sentence);
    }
    expect(missing).toEqual([]);
  });

  it.each(cases)('%s appears in the seed', (id, text) => {
    const needle = normalise(text);
    expect(needle.length).toBeGreaterThan(0);
    expect(seed.includes(needle), `${id}: "${needle}" is not in the seed text`).toBe(true);
  });
});

describe('validation errors are located in the YAML', () => {
  const BROKEN = [
    'id: broken-pack', // 1
    'locale: sv', // 2
    'title: Trasig', // 3
    'shortTitle: Trasig', // 4
    'publisher: Test', // 5
    'standard: Något', // 6
    'introduction: Något', // 7
    'keyFactors:', // 8
    '  - id: f01', // 9
    '    number: "x"', // 10
    '    theme: Tema', // 11
    '    rationale: Varför', // 12
    '    questions:', // 13
    '      - id: f01-q1', // 14
    '        text: Fråga?', // 15
    '    examples: []', // 16
    'contextFactors: []', // 17
    'usageModes:', // 18
    '  - id: internal-evaluation', // 19
    '    title: Intern', // 20
    '    description: Beskrivning', // 21
    '    colour: red', // 22
    '',
  ].join('\n');

  function brokenPack(text = BROKEN): string {
    const dir = join(tempDir(), 'broken-pack');
    mkdirSync(dir);
    writeFileSync(join(dir, 'sv.yaml'), text);
    return dir;
  }

  const at = (issues: ContentIssue[], path: string) => issues.find((i) => i.path === path);

  it('reports file, line, column and path for each zod issue', () => {
    const dir = brokenPack();
    const file = join(dir, 'sv.yaml');
    const err = expectContentError(() => parsePackFile(file));
    expect(err.issues).toHaveLength(3);
    expect(at(err.issues, 'keyFactors[0].number')).toMatchObject({ file, line: 10, column: 13 });
    expect(at(err.issues, 'keyFactors[0].statement')).toMatchObject({ file, line: 9, column: 5 });
    expect(at(err.issues, 'keyFactors[0].statement')?.message).toContain('missing');
    expect(at(err.issues, 'usageModes[0].colour')).toMatchObject({ file, line: 22, column: 5 });
    expect(err.message).toContain(`${file}:10:13  keyFactors[0].number  `);
    expect(err.message).toContain(`${file}:9:5  keyFactors[0].statement  `);
  });

  it('reports the same issues through loadPackDir', () => {
    const dir = brokenPack();
    const err = expectContentError(() => loadPackDir(dir));
    expect(err.issues.map((i) => [i.path, i.line])).toEqual(
      expect.arrayContaining([
        ['keyFactors[0].number', 10],
        ['keyFactors[0].statement', 9],
        ['usageModes[0].colour', 22],
      ]),
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const dir = brokenPack('id: x\nlocale: sv\ntitle: [unclosed\nkeyFactors:\n  - id: f01\n');
    const err = expectContentError(() => parsePackFile(join(dir, 'sv.yaml')));
    expect(err.issues.length).toBeGreaterThan(0);
    expect(err.issues[0]?.message).toMatch(/YAML syntax error/);
    expect(err.issues[0]?.line).toBeTypeOf('number');
  });

  it('rejects duplicate ids and out-of-order factor numbers', () => {
    const dir = join(tempDir(), 'integrating-cities-diversity');
    cpSync(PACK_DIR, dir, { recursive: true });
    for (const locale of ['sv', 'en']) {
      const file = join(dir, `${locale}.yaml`);
      const doc = parseDocument(readFileSync(file, 'utf8'));
      doc.setIn(['keyFactors', 1, 'number'], 7);
      doc.setIn(['keyFactors', 2, 'questions', 0, 'id'], 'f01-q1');
      writeFileSync(file, doc.toString());
    }
    const issues = expectContentError(() => loadPackDir(dir)).issues;
    const svFile = join(dir, 'sv.yaml');
    expect(at(issues, 'keyFactors[1].number')).toMatchObject({ file: svFile });
    expect(at(issues, 'keyFactors[1].number')?.message).toContain('expected 2');
    expect(at(issues, 'keyFactors[2].questions[0].id')?.message).toContain('duplicate id "f01-q1"');
    expect(lineOf(svFile, at(issues, 'keyFactors[2].questions[0].id')?.line)).toContain('f01-q1');
  });

  it('rejects a locale field that does not match the file name', () => {
    const dir = join(tempDir(), 'integrating-cities-diversity');
    cpSync(PACK_DIR, dir, { recursive: true });
    const file = join(dir, 'en.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^locale: en$/m, 'locale: sv'));
    const issue = expectContentError(() => loadPackDir(dir)).issues[0];
    expect(issue).toMatchObject({ file, path: 'locale' });
    expect(lineOf(file, issue?.line)).toBe('locale: sv');
  });
});

describe('content root discovery', () => {
  const SECOND_PACK = [
    'id: integrating-cities-anti-discrimination',
    'locale: sv',
    'title: Integrating Cities – antidiskriminering',
    'shortTitle: Antidiskriminering',
    'publisher: EUROCITIES',
    'standard: Kommunen motverkar diskriminering.',
    'introduction: En andra verktygslåda.',
    'keyFactors:',
    '  - id: a01',
    '    number: 1',
    '    theme: Ledning',
    '    statement: Kommunen har ett tydligt ansvar.',
    '    rationale: Någon måste ansvara.',
    '    questions:',
    '      - id: a01-q1',
    '        text: Finns det en ansvarig?',
    '    examples: []',
    'contextFactors: []',
    'usageModes:',
    '  - id: internal-evaluation',
    '    title: Intern utvärdering',
    '    description: Kommunen utvärderar sig själv.',
    '',
  ].join('\n');

  it('finds the repository content root from the module location', () => {
    expect(defaultContentRoot()).toBe(CONTENT);
    expect([...loadContentRoot(defaultContentRoot()).keys()]).toContain('integrating-cities-diversity');
  });

  it('discovers a second pack dropped into the root, skipping locales/ and plain files', () => {
    const root = tempDir();
    cpSync(PACK_DIR, join(root, 'integrating-cities-diversity'), { recursive: true });
    mkdirSync(join(root, 'anti-discrimination'));
    writeFileSync(join(root, 'anti-discrimination', 'sv.yaml'), SECOND_PACK);
    mkdirSync(join(root, 'locales'));
    writeFileSync(join(root, 'locales', 'sv.yaml'), 'hello: world\n');
    mkdirSync(join(root, 'drafts'));
    writeFileSync(join(root, 'drafts', 'notes.md'), '# not a pack\n');
    writeFileSync(join(root, 'README.md'), '# content\n');

    const packs = loadContentRoot(root);
    expect([...packs.keys()].sort()).toEqual(['integrating-cities-anti-discrimination', 'integrating-cities-diversity']);
    const second = packs.get('integrating-cities-anti-discrimination');
    expect(second?.dir).toBe(join(root, 'anti-discrimination'));
    expect(Object.keys(second?.locales ?? {})).toEqual(['sv']);
    expect(second?.get('en').locale).toBe('sv');
    expect(second?.get('sv').keyFactors[0]?.questions[0]?.id).toBe('a01-q1');
  });

  it('reports an invalid pack anywhere under the root', () => {
    const root = tempDir();
    mkdirSync(join(root, 'anti-discrimination'));
    const file = join(root, 'anti-discrimination', 'sv.yaml');
    writeFileSync(file, SECOND_PACK.replace('    number: 1', '    number: 0'));
    const issue = expectContentError(() => loadContentRoot(root)).issues[0];
    expect(issue).toMatchObject({ file, path: 'keyFactors[0].number', line: 10 });
  });
});

describe('JSON Schema', () => {
  it('the committed content/pack.schema.json equals the one generated from the zod schema', () => {
    const file = join(CONTENT, 'pack.schema.json');
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(packJsonSchema());
  });

  it('is what the packs point their $schema at', () => {
    expect(resolve(PACK_DIR, sv.$schema ?? '')).toBe(join(CONTENT, 'pack.schema.json'));
    const schema = packJsonSchema() as { properties?: Record<string, unknown>; additionalProperties?: unknown };
    expect(Object.keys(schema.properties ?? {})).toContain('keyFactors');
    expect(schema.additionalProperties).toBe(false);
  });
});
