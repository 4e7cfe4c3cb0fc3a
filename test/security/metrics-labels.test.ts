// Issue #14, item 5 (metrics): Prometheus label values come from closed sets only. Hundreds of invented card verbs, Slack
// payload types and activity types leave /metrics the size it was; every refused action stores nothing.
import { randomBytes } from 'node:crypto';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics, interactionLabels, jobLabels, KIND_LABELS, METHOD_LABELS, OUTCOME_LABELS, PLATFORM_LABELS } from '../../src/infra/metrics.js';
import { PEOPLE, cardAction, channelMessage } from '../fixtures/teams/activities.js';
import { fakeConnector } from '../fixtures/teams/harness.js';
import { ANNA, CHANNEL, TEAM_A, prefixContents, sendRawInteraction, startSecApp, type SecApp } from './harness.js';

const TOKEN = 'metrics-labels-test-token';
const N = 500;

let s: SecApp;

beforeAll(async () => {
  s = await startSecApp({ env: { METRICS_TOKEN: TOKEN } });
});

afterAll(async () => {
  await s.close();
  nock.cleanAll();
});

async function scrape(): Promise<{ size: number; series: string[] }> {
  const res = await s.app.http.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.statusCode).toBe(200);
  const series = res.body.split('\n').filter((l) => l.startsWith('assess_'));
  // The bot's own series only: the process' default metrics (event-loop lag, GC) change their digits with the
  // machine's load, which says nothing about what callers can add.
  return { size: series.join('\n').length, series };
}

const invented = (i: number) => `verb-${i}-${randomBytes(6).toString('hex')}`;

describe('/metrics does not grow with what callers send', () => {
  it(`${N} Teams card actions with invented verbs, ${N} Slack payloads of invented types: the same series, no invented value`, async () => {
    fakeConnector();
    // One real exchange first, so the conversation reference the bot keeps is already stored.
    expect((await s.app.http.inject({ method: 'POST', url: '/api/messages', payload: channelMessage(PEOPLE.anna, 'assess help') })).statusCode).toBe(200);
    expect((await s.app.http.inject({ method: 'POST', url: '/api/messages', payload: cardAction(PEOPLE.anna, 'made-up', { r: 'x', f: 'f01' }) })).statusCode).toBe(200);
    expect((await sendRawInteraction(s, { type: 'made_up_type', team: { id: TEAM_A }, user: { id: ANNA }, channel: { id: CHANNEL } })).status).toBe(200);
    await s.slack.settled();
    const before = await scrape();
    const stored = await prefixContents(s.store);

    const verbs: string[] = [];
    for (let i = 0; i < N; i++) {
      const verb = invented(i);
      verbs.push(verb);
      const res = await s.app.http.inject({ method: 'POST', url: '/api/messages', payload: cardAction(PEOPLE.anna, verb, { r: 'x', f: 'f01' }) });
      expect(res.statusCode).toBe(200);
      expect((res.json() as { statusCode: number }).statusCode).toBe(400);
    }
    for (let i = 0; i < N; i++) {
      const type = invented(i).replace(/-/g, '_');
      verbs.push(type);
      expect((await sendRawInteraction(s, { type, team: { id: TEAM_A }, user: { id: ANNA }, channel: { id: CHANNEL } })).status).toBe(200);
    }
    await s.slack.settled();
    await s.teams!.flush();

    const after = await scrape();
    expect(after.series.map((l) => l.replace(/ [\d.e+-]+$/, ''))).toEqual(before.series.map((l) => l.replace(/ [\d.e+-]+$/, '')));
    // Only the counts changed: a few bytes of digits, not a series per verb.
    expect(after.size - before.size).toBeLessThan(200);
    const text = after.series.join('\n');
    for (const verb of verbs.slice(0, 20)) expect(text).not.toContain(verb);
    expect(text).toMatch(/assess_interactions_total\{platform="teams",kind="other",outcome="round_not_found"\} \d+/);
    expect(await prefixContents(s.store)).toEqual(stored);
  });
});

describe('the vocabularies', () => {
  it('map anything unknown to "other", whatever its type', () => {
    expect(interactionLabels('teams', 'vote', 'INVALID_INPUT')).toEqual({ platform: 'teams', kind: 'vote', outcome: 'invalid_input' });
    expect(interactionLabels('discord', 'invoke:vote', 'SOMETHING_NEW')).toEqual({ platform: 'other', kind: 'other', outcome: 'other' });
    expect(interactionLabels(undefined, { toString: () => 'vote' }, 42)).toEqual({ platform: 'other', kind: 'other', outcome: 'other' });
    expect(jobLabels('reminder', 'done')).toEqual({ kind: 'reminder', outcome: 'done' });
    expect(jobLabels('__proto__', 'constructor')).toEqual({ kind: 'other', outcome: 'other' });
    for (const set of [PLATFORM_LABELS, KIND_LABELS, OUTCOME_LABELS, METHOD_LABELS]) {
      expect(set).toContain('other');
      for (const v of set) expect(v).toMatch(/^[A-Za-z0-9_.-]+$/);
    }
  });

  it('hold even for a caller that bypasses the types', async () => {
    const m = createMetrics();
    const loose = m.interactions as unknown as { inc(labels: Record<string, string>): void };
    for (let i = 0; i < 50; i++) loose.inc({ platform: `p${i}`, kind: `k${i}`, outcome: `o${i}` });
    const apiCalls = m.apiCalls as unknown as { inc(labels: Record<string, string>): void };
    for (let i = 0; i < 50; i++) apiCalls.inc({ platform: 'slack', method: `admin.users.${i}`, outcome: 'ok' });
    const text = await m.registry.metrics();
    expect(text).toContain('assess_interactions_total{platform="other",kind="other",outcome="other"} 50');
    expect(text).toContain('assess_platform_api_calls_total{platform="slack",method="other",outcome="ok"} 50');
  });
});
