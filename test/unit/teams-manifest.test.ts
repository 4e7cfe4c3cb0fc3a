// The Teams app package against Microsoft's official v1.22 schemas (manifest and Swedish localization), bot commands, icons and the zip.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { SUBCOMMANDS } from '../../src/commands/parse.js';
import { buildPackage, DEFAULT_DEVELOPER_NAME, fillManifest } from '../../deploy/teams/package.js';
import { teamsLocalizationErrors, teamsManifestErrors } from '../helpers/schemas.js';

const DIR = join(import.meta.dirname, '../../deploy/teams');
const ENV = { MICROSOFT_APP_ID: '9b2d6a54-0000-4000-8000-00000000b07a', PUBLIC_URL: 'https://assess.kommun.example/' };

interface Manifest {
  $schema: string;
  manifestVersion: string;
  version: string;
  id: string;
  developer: { name: string; websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
  name: { short: string; full?: string };
  description: { short: string; full: string };
  icons: { color: string; outline: string };
  accentColor: string;
  bots: { botId: string; scopes: string[]; commandLists: { scopes: string[]; commands: { title: string; description: string }[] }[] }[];
  validDomains: string[];
  localizationInfo: { defaultLanguageTag: string; additionalLanguages: { languageTag: string; file: string }[] };
}

const json = (bytes: Uint8Array | undefined): Record<string, unknown> => JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;

describe('Teams manifest', () => {
  const { zip, manifest } = buildPackage(ENV);
  const m = manifest as unknown as Manifest;

  it('deploy/teams/manifest.json, its placeholders filled, passes the official v1.22 schema', () => {
    const template = readFileSync(join(DIR, 'manifest.json'), 'utf8');
    const filled = fillManifest(template, {
      MICROSOFT_APP_ID: ENV.MICROSOFT_APP_ID,
      PUBLIC_URL: 'https://assess.kommun.example',
      PUBLIC_HOST: 'assess.kommun.example',
      APP_VERSION: '1.0.0',
      DEVELOPER_NAME: DEFAULT_DEVELOPER_NAME,
    });
    expect(teamsManifestErrors(filled)).toEqual([]);
    // The schema is not a rubber stamp: the old 38-character developer name is refused.
    const old = { ...filled, developer: { ...(filled.developer as object), name: 'Integrating Cities self-assessment bot' } };
    expect(teamsManifestErrors(old).join('\n')).toMatch(/developer\/name must NOT have more than 32 characters/);
  });

  it('the built zip\'s manifest and sv.json pass the official v1.22 manifest and localization schemas', () => {
    const files = unzipSync(zip);
    expect(teamsManifestErrors(json(files['manifest.json']))).toEqual([]);
    const sv = json(files['sv.json']);
    expect(teamsLocalizationErrors(sv)).toEqual([]);
    expect(teamsLocalizationErrors({ ...sv, 'name.short': 'x'.repeat(31) }).join('\n')).toMatch(/name\.short/);
    // Every localized key names a string the manifest has, and every command is translated.
    const commands = m.bots[0]!.commandLists[0]!.commands;
    for (const key of Object.keys(sv).filter((k) => k.startsWith('bots['))) {
      const [, list, index, field] = /^bots\[0\]\.commandLists\[(\d+)\]\.commands\[(\d+)\]\.(title|description)$/.exec(key) ?? [];
      expect(list, key).toBe('0');
      expect(commands[Number(index)]?.[field as 'title' | 'description'], key).toBeTypeOf('string');
    }
    for (const [i, c] of commands.entries()) {
      expect(sv[`bots[0].commandLists[0].commands[${i}].title`]).toBe(c.title);
      expect(sv[`bots[0].commandLists[0].commands[${i}].description`]).toMatch(/\p{L}/u);
    }
    expect(m.localizationInfo).toEqual({ defaultLanguageTag: 'en', additionalLanguages: [{ languageTag: 'sv', file: 'sv.json' }] });
  });

  it('names the operator as developer when OPERATOR_NAME is set, refusing one Teams would refuse', () => {
    const named = buildPackage({ ...ENV, OPERATOR_NAME: 'Malmö stad "Integration"' }).manifest as unknown as Manifest;
    expect(named.developer.name).toBe('Malmö stad "Integration"');
    expect(teamsManifestErrors(named)).toEqual([]);
    expect(m.developer.name).toBe(DEFAULT_DEVELOPER_NAME);
    expect(() => buildPackage({ ...ENV, OPERATOR_NAME: 'Integrating Cities self-assessment bot' })).toThrow(/OPERATOR_NAME.*32/);
  });

  it('has every field the schema requires, within its limits', () => {
    expect(m.$schema).toBe(`https://developer.microsoft.com/json-schemas/teams/v${m.manifestVersion}/MicrosoftTeams.schema.json`);
    expect(Number(m.manifestVersion.split('.')[1])).toBeGreaterThanOrEqual(17);
    for (const key of ['manifestVersion', 'version', 'id', 'developer', 'name', 'description', 'icons', 'accentColor'] as const) expect(m[key], key).toBeTruthy();
    expect(m.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(m.id).toBe(ENV.MICROSOFT_APP_ID);
    expect([m.developer.websiteUrl, m.developer.privacyUrl, m.developer.termsOfUseUrl]).toEqual([
      'https://assess.kommun.example/about',
      'https://assess.kommun.example/privacy',
      'https://assess.kommun.example/terms',
    ]);
    expect(m.developer.name.length).toBeLessThanOrEqual(32);
    expect(m.name.short.length).toBeLessThanOrEqual(30);
    expect((m.name.full ?? '').length).toBeLessThanOrEqual(100);
    expect(m.description.short.length).toBeLessThanOrEqual(80);
    expect(m.description.full.length).toBeLessThanOrEqual(4000);
    expect(m.accentColor).toMatch(/^#[0-9A-Fa-f]{6}$/);
    expect(m.validDomains).toEqual(['assess.kommun.example']);
    expect(JSON.stringify(m)).not.toContain('${{');
  });

  it('declares the bot in personal, team and group chat scopes with the assess commands', () => {
    expect(m.bots).toHaveLength(1);
    const bot = m.bots[0]!;
    expect(bot.botId).toBe(ENV.MICROSOFT_APP_ID);
    expect([...bot.scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
    const commands = bot.commandLists.flatMap((l) => l.commands);
    expect(commands.map((c) => c.title)).toEqual(SUBCOMMANDS.map((s) => `assess ${s}`));
    for (const c of commands) {
      expect(c.title.length).toBeLessThanOrEqual(32);
      expect(c.description.length).toBeLessThanOrEqual(128);
    }
    for (const list of bot.commandLists) expect(list.commands.length).toBeLessThanOrEqual(10);
  });

  it('ships a 192×192 colour icon and a 32×32 white-on-transparent outline icon', () => {
    const color = PNG.sync.read(readFileSync(join(DIR, m.icons.color)));
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = PNG.sync.read(readFileSync(join(DIR, m.icons.outline)));
    expect([outline.width, outline.height]).toEqual([32, 32]);
    let transparent = 0;
    let white = 0;
    for (let i = 0; i < outline.data.length; i += 4) {
      const [r, g, b, a] = [outline.data[i]!, outline.data[i + 1]!, outline.data[i + 2]!, outline.data[i + 3]!];
      if (a === 0) transparent += 1;
      else {
        expect([r, g, b]).toEqual([255, 255, 255]);
        white += 1;
      }
    }
    expect(transparent).toBeGreaterThan(white);
    expect(white).toBeGreaterThan(50);
  });

  it('zips the manifest, its Swedish localization and both icons at the root of the package', () => {
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png', 'sv.json']);
    expect(JSON.parse(new TextDecoder().decode(files['manifest.json']))).toEqual(manifest);
  });

  it('refuses to build without a real app id or an https address', () => {
    expect(() => buildPackage({ PUBLIC_URL: ENV.PUBLIC_URL })).toThrow(/MICROSOFT_APP_ID/);
    expect(() => buildPackage({ ...ENV, PUBLIC_URL: 'http://localhost:3978' })).toThrow(/https/);
    expect(() => fillManifest('{"a":"${{NOPE}}"}', {})).toThrow(/NOPE/);
  });
});
