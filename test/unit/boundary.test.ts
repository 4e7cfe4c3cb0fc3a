// The layout's rules, read from the import statements of src/ (type-only, re-exports and import() included): which
// layer may import which, no platform SDK in the core, no platform importing another, nothing but the entry points
// importing the composition root, no import cycle between files, and no file over 500 lines. Each check is also run
// on a planted violation, so none of them can pass by finding nothing.
import { describe, expect, it } from 'vitest';
import {
  findCycles,
  importEdges,
  importsOf,
  layerOf,
  layerViolations,
  longFiles,
  readSourceTree,
  srcDir,
  unresolved,
  type SourceTree,
} from '../helpers/import-graph.js';

const MAX_LINES = 500;

/** Each layer and the layers it may import. `app` is the composition root and may import anything. */
const ALLOWED: Record<string, readonly string[]> = {
  content: [],
  core: ['content'],
  // config.ts checks time zones with the core's calendar.
  config: ['core'],
  cards: ['core', 'content'],
  store: ['core', 'content'],
  infra: ['core', 'content'],
  reports: ['core', 'content', 'cards'],
  schedule: ['core', 'content', 'infra'],
  commands: ['core', 'content', 'infra'],
  http: ['core', 'content', 'infra', 'reports', 'config'],
  // The contract every adapter implements (platforms/adapter.ts) names the readiness check /readyz runs.
  platforms: ['http'],
  'platforms/slack': ['core', 'content', 'cards', 'infra', 'commands', 'reports', 'http', 'config', 'platforms'],
  'platforms/teams': ['core', 'content', 'cards', 'infra', 'commands', 'reports', 'http', 'config', 'platforms'],
  'platforms/playground': ['core', 'content', 'cards', 'infra', 'commands', 'reports', 'http', 'config', 'platforms'],
  // The command line opens its own store and service, and starts the app (app/main.ts) for `start`.
  cli: ['app', 'core', 'content', 'config', 'store', 'infra', 'reports', 'platforms/playground'],
  'cli.ts': ['cli'],
};

function allowed(from: string, to: string): boolean {
  if (from === 'app') return true;
  return (ALLOWED[from === 'cli' ? 'cli' : from] ?? []).includes(to);
}

/** Platform SDKs, servers, store drivers and chart libraries: none of them belongs in the domain. */
const CORE_FORBIDDEN_PACKAGES = [
  /^@slack\//,
  /^botbuilder/,
  /^botframework/,
  /^adaptivecards/,
  /^ioredis$/,
  /^node-cron$/,
  /^fastify$/,
  /^@fastify\//,
  /^node:https?$/,
  /^prom-client$/,
  /^pino$/,
  /^vega/,
  /^@resvg\//,
  /^p-retry$/,
];

/** Each platform's SDK, which no other platform may load. */
const PLATFORM_SDKS: Record<string, RegExp> = {
  'platforms/slack': /^@slack\//,
  'platforms/teams': /^(botbuilder|botframework)/,
};

function packageViolations(tree: SourceTree): string[] {
  return importEdges(tree).flatMap((e) => {
    if (e.to !== null || e.spec.startsWith('.')) return [];
    const layer = layerOf(e.from);
    const bad =
      ((layer === 'core' || layer === 'content') && CORE_FORBIDDEN_PACKAGES.some((re) => re.test(e.spec))) ||
      Object.entries(PLATFORM_SDKS).some(([owner, re]) => owner !== layer && layer !== 'app' && re.test(e.spec));
    return bad ? [`${e.from} imports ${e.spec}`] : [];
  });
}

/** Only the entry points may import the composition root. */
function buildImporters(tree: SourceTree): string[] {
  return importEdges(tree)
    .filter((e) => e.to === 'app/build.ts' && !['app', 'cli', 'cli.ts'].includes(layerOf(e.from)))
    .map((e) => e.from);
}

const tree = readSourceTree(srcDir());
const edges = importEdges(tree);

describe('src/ boundaries', () => {
  it('reads the whole tree, and every relative import names a file in it', () => {
    expect(tree.size).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(500);
    expect(unresolved(edges).map((e) => `${e.from}: ${e.spec}`)).toEqual([]);
    // Every layer is one the rules know: a new folder gets its own line in ALLOWED.
    expect([...new Set([...tree.keys()].map(layerOf))].filter((l) => l !== 'app' && !(l in ALLOWED))).toEqual([]);
  });

  it('each layer imports only the layers below it (core: content only; content: nothing)', () => {
    expect(layerViolations(edges, allowed)).toEqual([]);
  });

  it('the core and content import no platform SDK, server, store driver or chart library; no platform loads another platform SDK', () => {
    expect(packageViolations(tree)).toEqual([]);
  });

  it('reports, commands, http and platforms do not import the composition root (app/build.ts)', () => {
    expect(buildImporters(tree)).toEqual([]);
  });

  it('has no import cycle between any two files', () => {
    expect(findCycles(edges)).toEqual([]);
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    expect(longFiles(tree, MAX_LINES)).toEqual([]);
  });
});

describe('the checks themselves catch a planted violation', () => {
  const planted: SourceTree = new Map([
    ['core/a.ts', "import type { B } from './b.js';\nexport const a = 1;\n"],
    ['core/b.ts', "// import { nothing } from '../platforms/slack/index.js';\nexport type B = typeof import('./a.js');\n"],
    ['core/sdk.ts', "import { App } from '@slack/bolt';\nconst x = await import('botbuilder');\n"],
    ['content/registry.ts', "export { AppError } from '../core/errors.js';\n"],
    ['core/errors.ts', 'export class AppError extends Error {}\n'],
    ['platforms/teams/bot.ts', "import type { SlackDeps } from '../slack/deps.js';\nimport { App } from '@slack/bolt';\n"],
    ['platforms/slack/deps.ts', "import type { App } from '../../app/build.js';\nexport type SlackDeps = App;\n"],
    ['app/build.ts', 'export interface App { name: string }\n'],
    ['http/long.ts', `${'// line\n'.repeat(MAX_LINES + 1)}`],
  ]);
  const plantedEdges = importEdges(planted);

  it('reads type imports, re-exports and import() as imports, and comments as nothing', () => {
    expect(importsOf(planted.get('core/b.ts')!)).toEqual(['./a.js']);
    expect(importsOf(planted.get('core/sdk.ts')!)).toEqual(['@slack/bolt', 'botbuilder']);
  });

  it('finds a cycle made of type imports', () => {
    expect(findCycles(plantedEdges)).toEqual([['core/a.ts', 'core/b.ts']]);
  });

  it('finds content importing the core, a platform importing another, and a platform importing the composition root', () => {
    expect(layerViolations(plantedEdges, allowed)).toEqual([
      'content → core: content/registry.ts imports ../core/errors.js',
      'platforms/teams → platforms/slack: platforms/teams/bot.ts imports ../slack/deps.js',
      'platforms/slack → app: platforms/slack/deps.ts imports ../../app/build.js',
    ]);
    expect(buildImporters(planted)).toEqual(['platforms/slack/deps.ts']);
  });

  it('finds platform SDKs in the core and another platform SDK in a platform', () => {
    expect(packageViolations(planted)).toEqual(['core/sdk.ts imports @slack/bolt', 'core/sdk.ts imports botbuilder', 'platforms/teams/bot.ts imports @slack/bolt']);
  });

  it('finds a file over the line limit', () => {
    expect(longFiles(planted, MAX_LINES)).toEqual(['http/long.ts']);
  });
});
