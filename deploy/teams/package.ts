// Builds the Teams app package (manifest.json + icons in a zip) to upload in Teams or the Developer Portal.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { z } from 'zod';

const HERE = import.meta.dirname;

const EnvSchema = z.object({
  MICROSOFT_APP_ID: z.guid({ message: 'MICROSOFT_APP_ID must be the bot\'s Microsoft App ID (a GUID)' }),
  PUBLIC_URL: z.url({ message: 'PUBLIC_URL must be the https address Teams reaches the bot at' }).refine((u) => u.startsWith('https://'), 'PUBLIC_URL must use https'),
  APP_VERSION: z.string().regex(/^\d+\.\d+\.\d+$/).optional(),
});

/** Fills the `${{NAME}}` placeholders; an unknown placeholder is an error rather than a broken package. */
export function fillManifest(template: string, values: Record<string, string>): Record<string, unknown> {
  const filled = template.replace(/\$\{\{(\w+)\}\}/g, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`manifest placeholder ${whole} has no value`);
    return v;
  });
  return JSON.parse(filled) as Record<string, unknown>;
}

export function buildPackage(env: Record<string, string | undefined>): { zip: Uint8Array; manifest: Record<string, unknown> } {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('\n'));
  const pkg = JSON.parse(readFileSync(join(HERE, '..', '..', 'package.json'), 'utf8')) as { version: string };
  const publicUrl = parsed.data.PUBLIC_URL.replace(/\/+$/, '');
  const manifest = fillManifest(readFileSync(join(HERE, 'manifest.json'), 'utf8'), {
    MICROSOFT_APP_ID: parsed.data.MICROSOFT_APP_ID,
    PUBLIC_URL: publicUrl,
    PUBLIC_HOST: new URL(publicUrl).host,
    APP_VERSION: parsed.data.APP_VERSION ?? pkg.version,
  });
  const zip = zipSync({
    'manifest.json': new TextEncoder().encode(JSON.stringify(manifest, null, 2)),
    'color.png': readFileSync(join(HERE, 'color.png')),
    'outline.png': readFileSync(join(HERE, 'outline.png')),
  });
  return { zip, manifest };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  try {
    const { zip } = buildPackage(process.env);
    const out = join(HERE, 'assess-teams.zip');
    writeFileSync(out, zip);
    console.log(`Teams app package written to ${out} (${zip.byteLength} bytes)`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
