// Reports of a closed round are rendered once and kept with the round: repeated and simultaneous downloads are
// served from the kept copy, gzipped when the client takes it, and an erasure drops the copy. Real Redis.
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type App } from '../../src/app/build.js';
import { loadConfig } from '../../src/config.js';
import { ReportDelivery } from '../../src/reports/delivery.js';
import { RedisStore } from '../../src/store/index.js';
import { CLOSED_AT, MEMBERS, realisticRound, ROUND_ID, TENANT } from '../golden/realistic-round.js';
import { deleteKeysWithPrefix } from '../helpers/redis-prefix.js';
import { REDIS_URL } from '../helpers/world.js';

const PREFIX = `test-delivery-${randomBytes(5).toString('hex')}`;
let app: App;
let store: RedisStore;

beforeAll(async () => {
  store = await RedisStore.open(REDIS_URL, { prefix: PREFIX });
  await realisticRound({ locale: 'en', store });
  app = await build(
    loadConfig({ REDIS_URL, REDIS_PREFIX: PREFIX, LOG_LEVEL: 'silent', PLAYGROUND: 'off', ANONYMITY_SECRET: 'report-delivery-test-secret', PUBLIC_URL: 'https://assess.example.org' }),
    { store, clock: { now: () => CLOSED_AT } },
  );
});

afterAll(async () => {
  await deleteKeysWithPrefix(store.client, PREFIX);
  await app.close();
});

const path = () => new URL(app.reportLinks.url(TENANT, ROUND_ID)).pathname;

describe('kept reports of a closed round', () => {
  it('renders once, then serves the kept copy: same bytes, and only the round and the copy are read', async () => {
    const delivery = new ReportDelivery({ read: app.service.read, store, clock: { now: () => CLOSED_AT } });
    const url = app.reportLinks.url(TENANT, ROUND_ID);
    const first = await delivery.deliver(TENANT, ROUND_ID, 'md', { reportUrl: url });
    expect(first.kept).toBe(false);
    const trips = store.roundTrips();
    const again = await delivery.deliver(TENANT, ROUND_ID, 'md', { reportUrl: url });
    expect(again.kept).toBe(true);
    expect(store.roundTrips() - trips).toBeLessThanOrEqual(5);
    expect(again.gzipped.equals(first.gzipped)).toBe(true);
    expect(again.filename).toBe(first.filename);
    // Another link (another token) gets its own rendering: a kept copy never hands out someone else's link.
    const other = await delivery.deliver(TENANT, ROUND_ID, 'md', { reportUrl: `${url}x` });
    expect(other.kept).toBe(false);
  });

  it('sends gzip to a client that takes it and the plain bytes to one that does not', async () => {
    const gz = await app.http.inject({ method: 'GET', url: `${path()}?format=csv`, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    const plain = await app.http.inject({ method: 'GET', url: `${path()}?format=csv` });
    expect(gz.statusCode).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gunzipSync(gz.rawPayload).toString('utf8')).toBe(plain.body);
    expect(plain.body).toContain('Anna Lindqvist');
    expect(Number(plain.headers['content-length'])).toBe(plain.rawPayload.length);
    const refused = await app.http.inject({ method: 'GET', url: `${path()}?format=csv`, headers: { 'accept-encoding': 'gzip;q=0, identity' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('serves four simultaneous downloads of every format and the chart', async () => {
    const urls = ['csv', 'md', 'json', 'html'].map((f) => `${path()}?format=${f}`).concat(`${path()}/chart.png`);
    const replies = await Promise.all([...urls, ...urls, ...urls, ...urls].map((url) => app.http.inject({ method: 'GET', url })));
    expect(replies.map((r) => r.statusCode)).toEqual(replies.map(() => 200));
    for (let i = 0; i < urls.length; i++) expect(replies[i + urls.length]!.body).toBe(replies[i]!.body);
  });

  it('an erasure drops the kept copy: the next download no longer names the person', async () => {
    const before = await app.http.inject({ method: 'GET', url: `${path()}?format=csv` });
    const [id, name] = MEMBERS[0]!;
    expect(before.body).toContain(name);
    await app.service.privacy.erasePerson(TENANT, id);
    const after = await app.http.inject({ method: 'GET', url: `${path()}?format=csv` });
    expect(after.statusCode).toBe(200);
    expect(after.body).not.toContain(name);
  });
});
