// The Teams app package: manifest fields the v1.22 schema requires, bot commands, icon sizes and the zip itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { SUBCOMMANDS } from '../../src/app/commands.js';
import { buildPackage, fillManifest } from '../../deploy/teams/package.js';

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
}

describe('Teams manifest', () => {
  const { zip, manifest } = buildPackage(ENV);
  const m = manifest as unknown as Manifest;

  it('has every field the schema requires, within its limits', () => {
    expect(m.$schema).toBe(`https://developer.microsoft.com/json-schemas/teams/v${m.manifestVersion}/MicrosoftTeams.schema.json`);
    expect(Number(m.manifestVersion.split('.')[1])).toBeGreaterThanOrEqual(17);
    for (const key of ['manifestVersion', 'version', 'id', 'developer', 'name', 'description', 'icons', 'accentColor'] as const) expect(m[key], key).toBeTruthy();
    expect(m.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(m.id).toBe(ENV.MICROSOFT_APP_ID);
    for (const url of [m.developer.websiteUrl, m.developer.privacyUrl, m.developer.termsOfUseUrl]) expect(url).toMatch(/^https:\/\/assess\.kommun\.example(\/|$)/);
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

  it('zips the manifest and both icons at the root of the package', () => {
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(JSON.parse(new TextDecoder().decode(files['manifest.json']))).toEqual(manifest);
  });

  it('refuses to build without a real app id or an https address', () => {
    expect(() => buildPackage({ PUBLIC_URL: ENV.PUBLIC_URL })).toThrow(/MICROSOFT_APP_ID/);
    expect(() => buildPackage({ ...ENV, PUBLIC_URL: 'http://localhost:3978' })).toThrow(/https/);
    expect(() => fillManifest('{"a":"${{NOPE}}"}', {})).toThrow(/NOPE/);
  });
});
