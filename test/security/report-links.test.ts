// Issue #14, item 6 (links): report links expire after REPORT_LINK_DAYS, the expiry is signed, every signed-link route
// shares one guard (410 with a localised "ask for a new link"), the digest posted at close carries a link that lasts the
// lifetime, and no log line carries a link's signature.
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/infra/logger.js';
import { t } from '../../src/core/i18n.js';
import { settings } from '../helpers/world.js';
import { CHANNEL, CORA, TEAM_A, prefixContents, startRound, startSecApp, type SecApp } from './harness.js';

const DAY = 86_400_000;

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const pathOf = (url: string) => new URL(url).pathname;
const tokenOf = (url: string) => pathOf(url).split('/')[4]!;

describe('report links expire', () => {
  let s: SecApp;
  let roundId: string;
  let t0: number;

  beforeAll(async () => {
    s = await startSecApp();
    roundId = (await startRound(s)).id;
    t0 = s.clock.now();
  });

  afterEach(() => {
    s.clock.set(t0);
  });

  afterAll(async () => {
    await s.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => s.app.http.inject({ method: 'GET', url, headers });

  it('a link works for REPORT_LINK_DAYS (30 by default), then answers 410 in the reader\'s language: ask the bot for a new one', async () => {
    const link = pathOf(s.app.reportLinks.url(TEAM_A, roundId));
    expect((await get(link)).statusCode).toBe(200);
    s.clock.set(t0 + 30 * DAY - 1000);
    expect((await get(link)).statusCode).toBe(200);
    expect((await get(`${link}/chart.png`)).statusCode).toBe(200);

    s.clock.set(t0 + 30 * DAY);
    const before = await prefixContents(s.store);
    const sv = await get(link);
    expect(sv.statusCode).toBe(410);
    expect(sv.body.trim()).toBe(t('sv', 'security.linkExpired'));
    expect(sv.body).toContain('export');
    expect(sv.headers['cache-control']).toBe('no-store');
    const en = await get(`${link}/chart.png`, { 'accept-language': 'en-GB,en;q=0.9' });
    expect(en.statusCode).toBe(410);
    expect(en.body.trim()).toBe(t('en', 'security.linkExpired'));
    expect(await prefixContents(s.store)).toEqual(before);
  });

  it('the expiry is signed: a link whose expiry was pushed later is refused (403)', async () => {
    const url = s.app.reportLinks.url(TEAM_A, roundId);
    const link = pathOf(url);
    const [expiry, mac] = tokenOf(url).split('.') as [string, string];
    const later = (parseInt(expiry, 36) + 365 * 86_400).toString(36);
    const res = await get(link.replace(`${expiry}.${mac}`, `${later}.${mac}`));
    expect(res.statusCode).toBe(403);
    expect(res.body.trim()).toBe(t('sv', 'report.errors.badSignature'));
  });

  it('the history chart and the follow-up share the guard: 410 when expired, 403 when forged', async () => {
    const token = tokenOf(s.app.reportLinks.url(TEAM_A, roundId));
    const history = `/history/${TEAM_A}/${roundId}/${token}/chart.png`;
    const followup = `/followup/${TEAM_A}/${roundId}/${token}`;
    expect((await get(history)).statusCode).toBe(200);
    s.clock.set(t0 + 31 * DAY);
    for (const url of [history, followup]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(410);
      expect(res.body.trim()).toBe(t('sv', 'security.linkExpired'));
    }
    const forged = `${token.split('.')[0]}.${'A'.repeat(32)}`;
    for (const url of [history, followup]) expect((await get(url.replace(token, forged))).statusCode, url).toBe(403);
  });

  it('the summary posted at close carries a link that works for the whole lifetime, and not after', async () => {
    const round = await s.app.service.startRound({
      tenant: TEAM_A,
      platform: 'slack',
      settings: settings({ channelId: 'C0CLOSING', participants: [CORA], startDate: '2026-01-12', closeDate: '2026-02-23' }),
      actor: { id: CORA, name: 'Cora Lind' },
    });
    s.fake.reset();
    s.clock.set(t0 + 2 * DAY);
    const closedAt = s.clock.now();
    await s.app.service.closeRound(TEAM_A, round.id, { id: CORA });
    await s.app.scheduler.drain();
    await s.slack.settled();
    const posted = JSON.stringify(s.fake.delivered('chat.postMessage').map((c) => c.body));
    const found = new RegExp(`https://assess\\.malmo\\.example/reports/${TEAM_A}/${round.id}/[0-9a-z]+\\.[A-Za-z0-9_-]{32}`).exec(posted);
    expect(found).not.toBeNull();
    const link = pathOf(found![0]);
    s.clock.set(closedAt + 30 * DAY - 60_000);
    expect((await get(link)).statusCode).toBe(200);
    s.clock.set(closedAt + 30 * DAY + 60_000);
    expect((await get(link)).statusCode).toBe(410);
  });
});

describe('REPORT_LINK_DAYS', () => {
  it('sets the lifetime', async () => {
    const s = await startSecApp({ env: { REPORT_LINK_DAYS: '2' } });
    try {
      const roundId = (await startRound(s)).id;
      const link = pathOf(s.app.reportLinks.url(TEAM_A, roundId));
      const t0 = s.clock.now();
      s.clock.set(t0 + 2 * DAY - 1000);
      expect((await s.app.http.inject({ method: 'GET', url: link })).statusCode).toBe(200);
      s.clock.set(t0 + 2 * DAY);
      expect((await s.app.http.inject({ method: 'GET', url: link })).statusCode).toBe(410);
    } finally {
      await s.close();
    }
  });
});

describe('signed links are never logged whole', () => {
  it('request logs at debug level and log lines quoting a link show the path without its signature', async () => {
    const out = new Capture();
    const s = await startSecApp({ env: { LOG_LEVEL: 'debug' }, logger: createLogger('debug', out) });
    try {
      const roundId = (await startRound(s)).id;
      const url = s.app.reportLinks.url(TEAM_A, roundId);
      const token = tokenOf(url);
      expect((await s.app.http.inject({ method: 'GET', url: pathOf(url) })).statusCode).toBe(200);
      expect((await s.app.http.inject({ method: 'GET', url: `${pathOf(url)}/chart.png?format=x` })).statusCode).toBe(200);
      const history = `/history/${TEAM_A}/${roundId}/${token}/chart.png`;
      expect((await s.app.http.inject({ method: 'GET', url: history })).statusCode).toBe(200);
      s.app.logger.info({ link: url, note: `see ${url} and ${history}` }, `posted ${url}`);

      expect(out.text).toContain(`/reports/${TEAM_A}/${roundId}/[redacted]`);
      expect(out.text).toContain(`/history/${TEAM_A}/${roundId}/[redacted]/chart.png`);
      expect(out.text).not.toContain(token);
      expect(out.text).not.toContain(token.split('.')[1]);
      expect(out.text.split('\n').filter(Boolean).length).toBeGreaterThan(3);
    } finally {
      await s.close();
    }
  });
});

describe('the channel the links point into', () => {
  it('a link for one round opens nothing of another round or workspace (same guard, same signature)', async () => {
    const s = await startSecApp();
    try {
      const a = (await startRound(s)).id;
      const token = tokenOf(s.app.reportLinks.url(TEAM_A, a));
      expect((await s.app.http.inject({ method: 'GET', url: `/reports/T0LUND/${a}/${token}` })).statusCode).toBe(403);
      expect((await s.app.http.inject({ method: 'GET', url: `/reports/${TEAM_A}/other-${a}/${token}` })).statusCode).toBe(403);
      expect((await s.app.http.inject({ method: 'GET', url: `/history/${TEAM_A}/${CHANNEL}/${token}/chart.png` })).statusCode).toBe(403);
    } finally {
      await s.close();
    }
  });
});
