// `assess-bot content validate|show|schema`: checks and shows the toolkit's content packs.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ContentError, defaultContentRoot, loadContentRoot, loadPackDir, packJsonSchema } from '../content/load.js';
import { LocaleSchema } from '../content/schema.js';
import type { Writable } from './open-store.js';

/** `content validate [dir]`: a pack directory, or every pack under content/. */
export function runContentValidate(target: string | undefined, out: Writable, err: Writable): number {
  try {
    if (target) {
      const pack = loadPackDir(resolve(target));
      out.write(`OK ${pack.id}: ${Object.keys(pack.locales).join(', ')}\n`);
    } else {
      for (const pack of loadContentRoot(defaultContentRoot()).values()) {
        out.write(`OK ${pack.id}: ${Object.keys(pack.locales).join(', ')}\n`);
      }
    }
    return 0;
  } catch (e) {
    if (e instanceof ContentError) {
      err.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** `content show --locale sv|en [--pack id] --json`: a whole pack as JSON. */
export function runContentShow(args: string[], out: Writable, err: Writable): number {
  const { values } = parseArgs({
    args,
    options: { locale: { type: 'string', default: 'sv' }, pack: { type: 'string', default: 'integrating-cities-diversity' }, json: { type: 'boolean', default: true } },
  });
  const locale = LocaleSchema.safeParse(values.locale);
  if (!locale.success) {
    err.write(`--locale must be sv or en\n`);
    return 2;
  }
  const pack = loadContentRoot(defaultContentRoot()).get(values.pack);
  if (!pack) {
    err.write(`no pack ${values.pack}\n`);
    return 2;
  }
  out.write(`${JSON.stringify(pack.get(locale.data), null, 2)}\n`);
  return 0;
}

/** `content schema [--out file]`: the pack JSON Schema, printed or written. */
export function runContentSchema(args: string[], out: Writable): number {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  const text = `${JSON.stringify(packJsonSchema(), null, 2)}\n`;
  if (values.out) writeFileSync(values.out, text);
  else out.write(text);
  return 0;
}
