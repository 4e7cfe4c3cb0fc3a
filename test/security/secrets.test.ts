// Issue #14, item 3: the anonymity key is never borrowed from another credential, is created once in the store when not
// configured, and survives a rotation without counting anyone twice; a round whose key is gone refuses, storing nothing.
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/infra/logger.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { keyIdOf } from '../../src/core/anonymity-keys.js';
import { t } from '../../src/core/i18n.js';
import { LEVELS, type Round } from '../../src/core/model.js';
import { settings } from '../helpers/world.js';
import { ANNA, BO, CHANNEL, CORA, SECRET, TEAM_A, notesTo, prefixContents, sendVote, startSecApp, type SecApp } from './harness.js';

const KEY_A = 'first-anonymity-key-0123456789abcdef';
const KEY_B = 'second-anonymity-key-0123456789abcdef';
const KEY_C = 'third-anonymity-key-0123456789abcdef';
const PEOPLE = [CORA, ANNA, BO];

const open: SecApp[] = [];
afterEach(async () => {
  // The last app of a test drops the keys; the earlier ones of a restart test were closed with `keep`.
  for (const s of open.splice(0).reverse()) await s.close();
});

async function app(opts: Parameters<typeof startSecApp>[0] = {}): Promise<SecApp> {
  const s = await startSecApp(opts);
  open.push(s);
  return s;
}

/** Stops an app but keeps its keys, as a restart (or a rolling update) does. */
async function restart(s: SecApp): Promise<void> {
  open.splice(open.indexOf(s), 1);
  await s.close({ keep: true });
}

async function anonymousRound(s: SecApp): Promise<Round> {
  s.fake.addUser(CORA, 'Cora Lind').addUser(ANNA, 'Anna Berg').addUser(BO, 'Bo Ek');
  return s.app.service.startRound({
    tenant: TEAM_A,
    platform: 'slack',
    settings: settings({ channelId: CHANNEL, participants: PEOPLE, startDate: '2026-01-12', closeDate: '2026-02-23', anonymous: true, minResponses: 3 }),
    actor: { id: CORA, name: 'Cora Lind' },
  });
}

async function everyoneVotes(s: SecApp, roundId: string, level: string): Promise<void> {
  for (const user of PEOPLE) expect((await sendVote(s, { user, roundId, factorId: 'f01', level })).status).toBe(200);
  await s.slack.settled();
}

async function f01Total(s: SecApp, roundId: string): Promise<number> {
  const counts = await s.store.getCounts(TEAM_A, roundId, 'f01');
  return LEVELS.reduce((sum, l) => sum + counts[l], 0);
}

/** What the Slack signing secret would produce, as the bot keyed things when it borrowed that secret. */
const withSigningSecret = (message: string) => createHmac('sha256', SECRET).update(message).digest();

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe('without ANONYMITY_SECRET', () => {
  it('a random key is created once in the store and shared by replicas starting together; it is not the Slack signing secret', async () => {
    const first = await app({ env: { ANONYMITY_SECRET: '' } });
    // Two more replicas on the same keys, starting at the same moment.
    const [second, third] = await Promise.all([app({ env: { ANONYMITY_SECRET: '' }, prefix: first.store.keys.prefix }), app({ env: { ANONYMITY_SECRET: '' }, prefix: first.store.keys.prefix })]);
    const stored = await first.store.client.get(`${first.store.keys.prefix}:secret:anonymity`);
    expect(stored).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toBe(SECRET);
    for (const s of [first, second!, third!]) {
      expect(s.app.service.anonymityKeys.currentId).toBe(keyIdOf(stored!));
      expect(s.app.service.anonymityKeys.source).toBe('store');
    }
    expect(first.app.service.anonymityKeys.currentId).not.toBe(keyIdOf(SECRET));
    // A link made by one replica opens on another.
    const round = await anonymousRound(first);
    const path = new URL(first.app.reportLinks.url(TEAM_A, round.id)).pathname;
    expect((await second!.app.http.inject({ method: 'GET', url: path })).statusCode).toBe(200);
  });

  it('whoever holds the Slack signing secret can neither forge a report link nor compute an anonymous member key', async () => {
    const s = await app({ env: { ANONYMITY_SECRET: '' } });
    const round = await anonymousRound(s);
    await everyoneVotes(s, round.id, 'partly');

    // A link signed the way the bot signed them while it borrowed the signing secret.
    const forgedOld = withSigningSecret(`report\u0000${TEAM_A}\u0000${round.id}`).toString('base64url').slice(0, 32);
    // And one in today's format, keyed with the signing secret.
    const expiry = (Math.floor(s.clock.now() / 1000) + 86_400).toString(36);
    const subkey = createHmac('sha256', SECRET).update('assess-bot subkey\u0000report-links').digest();
    const forgedNew = `${expiry}.${createHmac('sha256', subkey).update(`report\u0000${TEAM_A}\u0000${round.id}\u0000${expiry}`).digest('base64url').slice(0, 32)}`;
    for (const token of [forgedOld, forgedNew]) {
      const res = await s.app.http.inject({ method: 'GET', url: `/reports/${TEAM_A}/${round.id}/${token}` });
      expect(res.statusCode, token).toBe(403);
    }

    const snapshot = await s.store.getSnapshot(TEAM_A, round.id);
    const stored = Object.keys(snapshot!.votes.f01 ?? {});
    expect(stored).toHaveLength(3);
    const guessed = PEOPLE.map((p) => `anon-${withSigningSecret(`${TEAM_A}\u0000${round.id}\u0000${p}`).toString('hex').slice(0, 32)}`);
    expect(stored.filter((k) => guessed.includes(k))).toEqual([]);
    for (const p of PEOPLE) expect(stored).not.toContain(p);
  });

  it('the start log names where the key came from and its id, never the key', async () => {
    const out = new Capture();
    const s = await app({ env: { ANONYMITY_SECRET: '' }, logger: createLogger('info', out) });
    const stored = (await s.store.client.get(`${s.store.keys.prefix}:secret:anonymity`))!;
    const line = out.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'anonymity key loaded');
    expect(line).toMatchObject({ source: 'store', keyId: keyIdOf(stored) });
    expect(out.text).not.toContain(stored);

    const env = new Capture();
    const s2 = await app({ env: { ANONYMITY_SECRET: KEY_A }, logger: createLogger('info', env) });
    expect(s2.app.service.anonymityKeys.source).toBe('env');
    expect(env.text).toContain('"source":"env"');
    expect(env.text).not.toContain(KEY_A);
  });
});

describe('key rotation', () => {
  it('an anonymous round keeps its key: after ANONYMITY_SECRET changes, the same three people voting again still count three', async () => {
    const before = await app({ env: { ANONYMITY_SECRET: KEY_A } });
    const round = await anonymousRound(before);
    expect(round.anonymityKeyId).toBe(keyIdOf(KEY_A));
    await everyoneVotes(before, round.id, 'partly');
    expect(await f01Total(before, round.id)).toBe(3);
    const prefix = before.store.keys.prefix;
    await restart(before);

    const after = await app({ prefix, env: { ANONYMITY_SECRET: KEY_B, ANONYMITY_SECRET_PREVIOUS: KEY_A } });
    await everyoneVotes(after, round.id, 'in-place');
    expect(await after.store.getCounts(TEAM_A, round.id, 'f01')).toMatchObject({ 'in-place': 3, partly: 0 });
    expect(await f01Total(after, round.id)).toBe(3);
    // A round started now takes the new key.
    await after.app.service.closeRound(TEAM_A, round.id, { system: true });
    expect((await anonymousRound(after)).anonymityKeyId).toBe(keyIdOf(KEY_B));
  });

  it('a round whose key is no longer configured refuses votes with a clear message and stores nothing', async () => {
    const before = await app({ env: { ANONYMITY_SECRET: KEY_A } });
    const round = await anonymousRound(before);
    await everyoneVotes(before, round.id, 'partly');
    const prefix = before.store.keys.prefix;
    await restart(before);

    const after = await app({ prefix, env: { ANONYMITY_SECRET: KEY_C } });
    const stored = await prefixContents(after.store);
    expect((await sendVote(after, { user: ANNA, roundId: round.id, factorId: 'f01', level: 'in-place' })).status).toBe(200);
    await after.slack.settled();
    expect(notesTo(after, ANNA)).toEqual([t('sv', 'errors.ANONYMITY_KEY_RETIRED')]);
    expect(await prefixContents(after.store)).toEqual(stored);
    expect(await f01Total(after, round.id)).toBe(3);
  });

  it('a round stored before key ids existed keeps being keyed with the current key, exactly as before', async () => {
    const s = await app({ env: { ANONYMITY_SECRET: KEY_A } });
    const started = await anonymousRound(s);
    // What an older release stored: no key id on the round.
    await s.store.updateRound(TEAM_A, started.id, (r) => {
      const { anonymityKeyId: _dropped, ...older } = r;
      return older as Round;
    });
    await everyoneVotes(s, started.id, 'not-in-place');
    const keyed = (p: string) => `anon-${createHmac('sha256', KEY_A).update(`${TEAM_A}\u0000${started.id}\u0000${p}`).digest('hex').slice(0, 32)}`;
    const snapshot = await s.store.getSnapshot(TEAM_A, started.id);
    expect(Object.keys(snapshot!.votes.f01 ?? {}).sort()).toEqual(PEOPLE.map(keyed).sort());
  });

  it('report links signed with the previous key still open during the rotation, and stop once that key is dropped', async () => {
    const before = await app({ env: { ANONYMITY_SECRET: KEY_A } });
    const round = await anonymousRound(before);
    const path = new URL(before.app.reportLinks.url(TEAM_A, round.id)).pathname;
    const prefix = before.store.keys.prefix;
    await restart(before);

    const rotating = await app({ prefix, env: { ANONYMITY_SECRET: KEY_B, ANONYMITY_SECRET_PREVIOUS: `${KEY_C},${KEY_A}` } });
    expect((await rotating.app.http.inject({ method: 'GET', url: path })).statusCode).toBe(200);
    await restart(rotating);

    const rotated = await app({ prefix, env: { ANONYMITY_SECRET: KEY_B } });
    expect((await rotated.app.http.inject({ method: 'GET', url: path })).statusCode).toBe(403);
  });
});

describe('configuration', () => {
  const refused = (env: Record<string, string>): ConfigError => {
    try {
      loadConfig(env);
    } catch (e) {
      if (e instanceof ConfigError) return e;
      throw e;
    }
    throw new Error('expected the configuration to be refused');
  };

  it('ANONYMITY_SECRET may not be another credential, and may not be short', () => {
    const slack = { SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: SECRET };
    expect(refused({ ...slack, ANONYMITY_SECRET: SECRET }).variables).toEqual(['ANONYMITY_SECRET']);
    expect(refused({ ...slack, ANONYMITY_SECRET: KEY_A, ANONYMITY_SECRET_PREVIOUS: SECRET }).variables).toEqual(['ANONYMITY_SECRET']);
    const teams = { MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'azure-client-secret-value' };
    expect(refused({ ...teams, ANONYMITY_SECRET: 'azure-client-secret-value' }).variables).toEqual(['ANONYMITY_SECRET']);
    expect(refused({ ANONYMITY_SECRET: 'short' }).message).toContain('ANONYMITY_SECRET');
    expect(refused({ ANONYMITY_SECRET_PREVIOUS: `${KEY_A},short` }).variables).toEqual(['ANONYMITY_SECRET_PREVIOUS']);
    expect(loadConfig({ ...slack, ANONYMITY_SECRET: KEY_A }).ANONYMITY_SECRET).toBe(KEY_A);
  });
});
