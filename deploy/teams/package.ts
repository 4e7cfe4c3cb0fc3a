// Builds the Teams app package (manifest.json, its Swedish localization and the icons in a zip) to upload in Teams or the Developer Portal.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { z } from 'zod';

const HERE = import.meta.dirname;

const EnvSchema = z.object({
  MICROSOFT_APP_ID: z.guid({ message: 'MICROSOFT_APP_ID must be the bot\'s Microsoft App ID (a GUID)' }),
  PUBLIC_URL: z.url({ message: 'PUBLIC_URL must be the https address Teams reaches the bot at' }).refine((u) => u.startsWith('https://'), 'PUBLIC_URL must use https'),
  APP_VERSION: z.string().regex(/^\d+\.\d+\.\d+$/).optional(),
  // The manifest's developer.name allows 32 characters (schema v1.22); a longer name would have the upload refused.
  OPERATOR_NAME: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().max(32, { message: 'OPERATOR_NAME is the developer name in the Teams manifest: at most 32 characters' }).optional(),
  ),
});

/** Shown as the app's developer when OPERATOR_NAME is not set. */
export const DEFAULT_DEVELOPER_NAME = 'Integrating Cities Assess';

/** The localization files the manifest names (localizationInfo), shipped next to it in the zip. */
export const LOCALIZATION_FILES = ['sv.json'] as const;

/**
 * Fills the `${{NAME}}` placeholders, which all sit inside JSON strings: values are escaped for that (an operator's
 * name with a quote stays one string). An unknown placeholder is an error rather than a broken package.
 */
export function fillManifest(template: string, values: Record<string, string>): Record<string, unknown> {
  const filled = template.replace(/\$\{\{(\w+)\}\}/g, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`manifest placeholder ${whole} has no value`);
    return JSON.stringify(v).slice(1, -1);
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
    DEVELOPER_NAME: parsed.data.OPERATOR_NAME ?? DEFAULT_DEVELOPER_NAME,
  });
  const localizations = Object.fromEntries(LOCALIZATION_FILES.map((f) => [f, readFileSync(join(HERE, f))]));
  const zip = zipSync({
    'manifest.json': new TextEncoder().encode(JSON.stringify(manifest, null, 2)),
    ...localizations,
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
