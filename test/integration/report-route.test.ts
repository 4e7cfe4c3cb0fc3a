// The signed report link over HTTP and the CLI export, against real Redis (random key prefix, only that prefix cleaned up).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type App } from '../../src/app/build.js';
import { loadConfig } from '../../src/config.js';
import { runExportCommand } from '../../src/cli/export.js';
import { requestLocale } from '../../src/http/replies.js';
import { MemoryStore, RedisStore } from '../../src/store/index.js';
import { deleteKeysWithPrefix } from '../helpers/redis-prefix.js';
import { CLOSED_AT, realisticRound, ROUND_ID, TENANT } from '../golden/realistic-round.js';
import { REDIS_URL } from '../helpers/world.js';


const PREFIX = `test-report-${randomBytes(5).toString('hex')}`;

async function dropPrefix(store: RedisStore): Promise<void> {
  await deleteKeysWithPrefix(store.client, PREFIX);
}

const ENV = {
  REDIS_URL,
  REDIS_PREFIX: PREFIX,
  LOG_LEVEL: 'silent',
  PLAYGROUND: 'off',
  ANONYMITY_SECRET: 'report-route-test-secret',
  PUBLIC_URL: 'https://assess.example.org',
  DEFAULT_LOCALE: 'sv',
};

let app: App;
let store: RedisStore;

beforeAll(async () => {
  store = await RedisStore.open(REDIS_URL, { prefix: PREFIX });
  await realisticRound({ locale: 'sv', store });
  app = await build(loadConfig(ENV), { store, clock: { now: () => CLOSED_AT } });
});

afterAll(async () => {
  await dropPrefix(store);
  await app.close();
});

/** The path part of the signed link the bot hands out. */
function reportPath(tenant = TENANT, roundId = ROUND_ID): string {
  return new URL(app.reportLinks.url(tenant, roundId)).pathname;
}

describe('GET /reports/:tenant/:roundId/:sig', () => {
  it('serves the HTML report inline, with a strict content security policy', async () => {
    const res = await app.http.inject({ method: 'GET', url: reportPath() });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`inline; filename="kulturell-mangfald-${ROUND_ID}.html"`);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.body).toContain('4 av 13 påståenden stämmer · poäng 53/100 från 12 av 13 nyckelfaktorer; resten fick inget utslag');
    expect(res.body).toContain('data:image/png;base64,');
  });

  it('serves CSV, Markdown and JSON as downloads', async () => {
    const csv = await app.http.inject({ method: 'GET', url: `${reportPath()}?format=csv` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="kulturell-mangfald-${ROUND_ID}.csv"`);
    const rows = parse(csv.body, { bom: true, record_delimiter: '\r\n', delimiter: ';' }) as string[][];
    // A Swedish round: semicolon-separated, what Swedish Excel opens directly.
    expect(csv.body.split('\r\n')[0]).toMatch(/^\uFEFFOmgång;Nr;/);
    expect(rows[0]![0]).toBe('Omgång');
    expect(rows.flat()).toContain("'=cmd()");

    const md = await app.http.inject({ method: 'GET', url: `${reportPath()}?format=md` });
    expect(md.statusCode).toBe(200);
    expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(md.headers['content-disposition']).toBe(`attachment; filename="kulturell-mangfald-${ROUND_ID}.md"`);
    expect(md.body).toMatch(/^# Sammanfattning: Kulturell mångfald\n/);

    const json = await app.http.inject({ method: 'GET', url: `${reportPath()}?format=JSON` });
    expect(json.statusCode).toBe(200);
    const body = JSON.parse(json.body) as { round: { id: string }; comparedWith: { roundId: string } };
    expect(body.round.id).toBe(ROUND_ID);
    // The comparison round is read from the same store.
    expect(body.comparedWith.roundId).toBe('20250113-0b5e1a2c');
  });

  it('serves the chart image behind the same signature', async () => {
    const res = await app.http.inject({ method: 'GET', url: `${reportPath()}/chart.png` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    const png = PNG.sync.read(res.rawPayload);
    expect([png.width, png.height]).toEqual([900, 520]);
  });

  it('refuses a bad signature with 403, in the reader\'s language, without saying whether the round exists', async () => {
    const path = reportPath();
    const forged = `${path.slice(0, path.lastIndexOf('/'))}/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    const sv = await app.http.inject({ method: 'GET', url: forged });
    expect(sv.statusCode).toBe(403);
    expect(sv.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(sv.body).toBe('Länken till rapporten stämmer inte. Be samordnaren om en ny (botens kommando export ger den).\n');
    const en = await app.http.inject({ method: 'GET', url: forged, headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(en.statusCode).toBe(403);
    expect(en.body).toContain("The link to the report doesn't check out.");
    // Another round's signature does not open this round.
    const other = reportPath(TENANT, 'some-other-round');
    const swapped = `${path.slice(0, path.lastIndexOf('/'))}${other.slice(other.lastIndexOf('/'))}`;
    expect((await app.http.inject({ method: 'GET', url: swapped })).statusCode).toBe(403);
    const unknownForged = `/reports/${TENANT}/does-not-exist/AAAA`;
    expect((await app.http.inject({ method: 'GET', url: unknownForged })).statusCode).toBe(403);
  });

  it('answers 404 for a correctly signed link to a round that is not there', async () => {
    const res = await app.http.inject({ method: 'GET', url: `${reportPath(TENANT, '20990101-deadbeef')}?format=csv` });
    expect(res.statusCode).toBe(404);
    expect(res.body).toBe('Rapporten finns inte. Omgången kan ha tagits bort.\n');
    const chart = await app.http.inject({ method: 'GET', url: `${reportPath(TENANT, '20990101-deadbeef')}/chart.png` });
    expect(chart.statusCode).toBe(404);
  });

  it('answers 400 with the choices for an unknown format', async () => {
    const res = await app.http.inject({ method: 'GET', url: `${reportPath()}?format=xlsx`, headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(400);
    expect(res.body).toBe('There is no format xlsx. Choose one of: html, csv, md, json.\n');
  });

  it('picks the reader\'s language from Accept-Language', () => {
    expect(requestLocale('en-US,en;q=0.9,sv;q=0.8', 'sv')).toBe('en');
    expect(requestLocale('de-DE,sv;q=0.5,en;q=0.4', 'en')).toBe('sv');
    expect(requestLocale('fr', 'sv')).toBe('sv');
    expect(requestLocale(undefined, 'en')).toBe('en');
    expect(requestLocale('en;q=0', 'sv')).toBe('sv');
  });
});

describe('assess-bot export', () => {
  it('writes the report from the store named by REDIS_URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assess-export-'));
    try {
      const file = join(dir, 'report.csv');
      const out: string[] = [];
      const err: string[] = [];
      const code = await runExportCommand(
        [ROUND_ID, '--tenant', TENANT, '--format', 'csv', '--out', file],
        { write: (c) => out.push(String(c)) },
        { write: (c) => err.push(String(c)) },
        ENV,
      );
      expect(code).toBe(0);
      expect(err.join('')).toMatch(/^Skrev .*report\.csv \(\d+ byte\)\.\n$/);
      const rows = parse(readFileSync(file, 'utf8'), { bom: true, record_delimiter: '\r\n', delimiter: ';' }) as string[][];
      expect(rows.length).toBeGreaterThan(100);
      expect(rows.flat()).toContain("'=cmd()");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the embedded store\'s snapshot file when there is no Redis', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assess-export-'));
    try {
      const snapshotFile = join(dir, 'store.json');
      const embedded = new MemoryStore({ snapshotFile });
      await realisticRound({ locale: 'en', store: embedded });
      await embedded.close();
      const out: string[] = [];
      const code = await runExportCommand(
        [ROUND_ID, '--tenant', TENANT, '--format', 'json'],
        { write: (c) => out.push(String(c)) },
        { write: () => undefined },
        { STORE_SNAPSHOT_FILE: snapshotFile, LOG_LEVEL: 'silent' },
      );
      expect(code).toBe(0);
      const json = JSON.parse(out.join('')) as { round: { id: string; locale: string }; summary: { score: number | null; scoreSoFar: number } };
      expect(json.round).toMatchObject({ id: ROUND_ID, locale: 'en' });
      expect(json.summary.score).toBeNull(); // f11 has no score: the round's score is a score so far
      expect(json.summary.scoreSoFar).toBe(53);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints to stdout without --out', async () => {
    const out: string[] = [];
    const code = await runExportCommand([ROUND_ID, '--tenant', TENANT, '--format', 'md'], { write: (c) => out.push(String(c)) }, { write: () => undefined }, ENV);
    expect(code).toBe(0);
    expect(out.join('')).toContain('# Sammanfattning: Kulturell mångfald');
  });

  it('explains what is wrong: missing arguments, a bad format, an unknown round, no store', async () => {
    const run = async (args: string[], env: Record<string, string> = ENV) => {
      const err: string[] = [];
      const code = await runExportCommand(args, { write: () => undefined }, { write: (c) => err.push(String(c)) }, env);
      return { code, err: err.join('') };
    };
    const missing = await run([ROUND_ID]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('Användning: assess-bot export');
    const badFormat = await run([ROUND_ID, '--tenant', TENANT, '--format', 'pdf']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.err).toContain('Formatet pdf finns inte.');
    const unknown = await run(['20990101-deadbeef', '--tenant', TENANT, '--format', 'json']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe(`Omgången 20990101-deadbeef finns inte i ${TENANT}.\n`);
    const noStore = await run([ROUND_ID, '--tenant', TENANT, '--format', 'json'], { LOG_LEVEL: 'silent', DEFAULT_LOCALE: 'en' });
    expect(noStore.code).toBe(2);
    expect(noStore.err).toBe('Set REDIS_URL or STORE_SNAPSHOT_FILE so I can find the rounds.\n');
  });
});
