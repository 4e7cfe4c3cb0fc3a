// Copies the files tsc does not emit (everything under src/ that is not TypeScript: the Redis store's Lua scripts,
// the playground page) into the build output, next to their compiled modules, which find them by their own URL.
// Usage: node scripts/copy-static.mjs [outDir]   (outDir defaults to dist, tsconfig's outDir; rootDir is the repo)
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.argv[2] ?? 'dist');

function staticFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return staticFiles(path);
    return entry.name.endsWith('.ts') ? [] : [path];
  });
}

const files = staticFiles(join(root, 'src'));
for (const file of files) {
  const target = join(outDir, relative(root, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}
process.stdout.write(`copy-static: ${files.length} files into ${process.argv[2] ?? 'dist'}\n`);
