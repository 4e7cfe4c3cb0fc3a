// Bad input to the playground's HTTP API: every rejection answers clearly (in Swedish here) and stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlaygroundApi } from '../helpers/playground-api.js';

let pg: PlaygroundApi;
let roundId: string;

beforeAll(async () => {
  pg = await PlaygroundApi.open();
  ({ roundId } = await pg.start('u-cora'));
});

afterAll(async () => {
  await pg?.close();
});

async function post(url: string, payload: unknown, raw = false) {
  return pg.app.http.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: raw ? (payload as string) : JSON.stringify(payload),
  });
}

describe('playground input', () => {
  it('refuses malformed and wrongly shaped bodies with 400 and a message, storing nothing', async () => {
    // TTLs tick down between the two reads; compare keys, fields and values.
    const snapshot = async () => (await pg.dump()).map(({ key, field, content }) => ({ key, field, content }));
    const before = await snapshot();
    const cases: [string, unknown, boolean?][] = [
      ['/playground/command', '{"as": "u-cora", "text": ', true],
      ['/playground/command', { as: 'u-mallory', text: '/assess close' }],
      ['/playground/command', { as: 'u-cora', text: 'x'.repeat(5000) }],
      ['/playground/action', { as: 'u-anna', verb: 'delete-everything', data: {} }],
      ['/playground/action', { as: 'u-anna', verb: 'vote', data: { r: roundId, f: 'f01', l: 'maybe' } }],
      ['/playground/action', { as: 'u-anna', verb: 'vote', data: { r: roundId, f: 'f99', l: 'partly' } }],
      ['/playground/action', { as: 'u-anna', verb: 'vote', data: { r: 'no-such-round', f: 'f01', l: 'partly' } }],
      ['/playground/action', { as: 'u-anna', verb: 'answer', data: { r: roundId, f: 'f01', 'q:f01-q1': 'ok', evidence: 'javascript:alert(1)' } }],
      ['/playground/action', { as: 'u-anna', verb: 'answer', data: { r: roundId, f: 'f01', 'q:f02-q1': 'wrong factor' } }],
      ['/playground/clock', { advance: 'century' }],
    ];
    for (const [url, payload, raw] of cases) {
      const res = await post(url, payload, raw);
      expect(res.statusCode, `${url} ${JSON.stringify(payload).slice(0, 80)}`).toBe(400);
      const body = res.json() as { error?: string };
      expect(body.error, url).toBeTruthy();
      expect(body.error).not.toMatch(/stack|TypeError|undefined|\bat \w+ \(/);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('names the problem in the person\'s language', async () => {
    const res = await post('/playground/action', { as: 'u-anna', verb: 'answer', data: { r: roundId, f: 'f01', evidence: 'ftp://kommun.example/protokoll' } });
    expect(res.json()).toMatchObject({ ok: false, error: expect.stringContaining('Länken ftp://kommun.example/protokoll fungerar inte') });
  });
});
