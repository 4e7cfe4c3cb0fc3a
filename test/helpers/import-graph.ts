// The import graph of src/: every import a file makes (type-only, re-exports and dynamic import() included), each
// file's layer, the cycles between files, and which layer may import which. Used by test/unit/boundary.test.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/** Source files by path relative to src/ ("core/service.ts"), with their text. */
export type SourceTree = Map<string, string>;

export interface ImportEdge {
  from: string;
  /** As written: "./read-model.js", "@slack/bolt". */
  spec: string;
  /** The file it names, relative to src/, for an import inside src/; null for a package or node: builtin. */
  to: string | null;
}

export function readSourceTree(srcDir: string): SourceTree {
  const tree: SourceTree = new Map();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) tree.set(relative(srcDir, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(srcDir);
  return tree;
}

/**
 * Every module a file names, as TypeScript's own pre-processor reads it: `import`, `import type`, `export … from`,
 * side-effect imports, `import()` and `typeof import()`, and `require()`. Comments and strings are not imports.
 */
export function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** "./x.js" from "core/a.ts" → "core/x.ts" when that file is in the tree; packages and unknown paths → null. */
function resolveSpec(tree: SourceTree, from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const joined = posix.normalize(posix.join(posix.dirname(from), spec));
  for (const candidate of [joined.replace(/\.js$/, '.ts'), `${joined}.ts`, `${joined}/index.ts`]) if (tree.has(candidate)) return candidate;
  return null;
}

export function importEdges(tree: SourceTree): ImportEdge[] {
  return [...tree].flatMap(([from, source]) => importsOf(source).map((spec) => ({ from, spec, to: resolveSpec(tree, from, spec) })));
}

/** A relative import that names no file in the tree: a typo, or a file the graph walk would silently miss. */
export function unresolved(edges: ImportEdge[]): ImportEdge[] {
  return edges.filter((e) => e.spec.startsWith('.') && e.to === null && !e.spec.endsWith('.json'));
}

/**
 * The layer a file belongs to: its top folder ("core", "http"), each platform on its own ("platforms/slack"), and
 * top-level files by name ("config", "cli"); files directly under platforms/ are the contract they share ("platforms").
 */
export function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts.length === 1) return parts[0]!.replace(/\.ts$/, '');
  if (parts[0] === 'platforms') return parts.length === 2 ? 'platforms' : `platforms/${parts[1]}`;
  return parts[0]!;
}

/** Every cycle of imports between files, each as the files along it ("a.ts → b.ts → a.ts"). */
export function findCycles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) if (e.to && e.to !== e.from) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  // Tarjan's strongly connected components: any component of two or more files holds a cycle.
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    order.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) === order.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of new Set(edges.flatMap((e) => [e.from, ...(e.to ? [e.to] : [])]))) if (!order.has(v)) visit(v);
  return cycles;
}

/** Imports from one layer into another that `allowed` does not list ("from-layer → to-layer: file imports spec"). */
export function layerViolations(edges: ImportEdge[], allowed: (from: string, to: string) => boolean): string[] {
  return edges.flatMap((e) => {
    if (!e.to) return [];
    const a = layerOf(e.from);
    const b = layerOf(e.to);
    return a === b || allowed(a, b) ? [] : [`${a} → ${b}: ${e.from} imports ${e.spec}`];
  });
}

/** Files longer than `max` lines. */
export function longFiles(tree: SourceTree, max: number): string[] {
  return [...tree].filter(([, source]) => source.split('\n').length - (source.endsWith('\n') ? 1 : 0) > max).map(([file]) => file);
}

export function srcDir(): string {
  return join(dirname(dirname(import.meta.dirname)), 'src');
}
