// Reports of a Redis deployment are rendered in a process of their own (src/reports/render-process.ts): the same bytes
// as rendering in the bot's process, the bot's errors for an unknown round, and a report process that dies or is
// closed costs a "try again", never the bot.
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, StoreUnavailableError } from '../../src/core/errors.js';
import { renderReport, type RenderJob } from '../../src/reports/render.js';
import { ReportRenderProcess } from '../../src/reports/render-process.js';
import { RedisStore } from '../../src/store/index.js';
import { deleteKeysWithPrefix } from '../helpers/redis-prefix.js';
import { REDIS_URL } from '../helpers/world.js';
import { CLOSED_AT, realisticRound, ROUND_ID, TENANT, type RealisticWorld } from '../golden/realistic-round.js';

const prefix = `test-report-process-${randomBytes(5).toString('hex')}`;
let store: RedisStore;
let world: RealisticWorld;
let reports: ReportRenderProcess;

beforeAll(async () => {
  store = await RedisStore.open(REDIS_URL, { prefix });
  world = await realisticRound({ locale: 'sv', store });
  reports = new ReportRenderProcess({ redisUrl: REDIS_URL, prefix });
});

afterAll(async () => {
  await reports.close();
  await deleteKeysWithPrefix(store.client, prefix);
  await store.close();
});

const job = (kind: RenderJob['kind'], roundId = ROUND_ID): RenderJob => ({ tenant: TENANT, roundId, kind, plan: null, now: CLOSED_AT, reportUrl: 'https://assess.example.org/r' });

describe('the report process', () => {
  it('renders every format and the chart as the bot\'s own process does', async () => {
    await reports.warm();
    for (const kind of ['csv', 'json', 'md', 'html', 'png'] as const) {
      const there = await reports.render(job(kind));
      const here = await renderReport(world.service.read, job(kind));
      expect(there.contentType).toBe(here.contentType);
      expect(there.filename).toBe(here.filename);
      expect(gunzipSync(there.gzipped).equals(gunzipSync(here.gzipped))).toBe(true);
    }
    expect(reports.maxRssKb).toBeGreaterThan(0);
  });

  it('answers an unknown round with the bot\'s ROUND_NOT_FOUND', async () => {
    const err = await reports.render(job('md', '20990101-deadbeef')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('ROUND_NOT_FOUND');
  });

  it('a report process that dies mid-report fails that report (no retry into another crash); the next starts a new one', async () => {
    await reports.warm();
    const child = (reports as unknown as { child: { pid: number } | null }).child;
    expect(child?.pid).toBeGreaterThan(0);
    const pending = reports.render(job('html'));
    process.kill(child!.pid, 'SIGKILL');
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).not.toBeInstanceOf(StoreUnavailableError);
    expect((err as AppError).code).toBe('INTERNAL');
    const again = await reports.render(job('csv'));
    expect(gunzipSync(again.gzipped).toString('utf8')).toContain(ROUND_ID);
    expect((reports as unknown as { child: { pid: number } | null }).child?.pid).not.toBe(child!.pid);
  });

  it('once closed, stops its process and refuses as "try again"', async () => {
    const closing = new ReportRenderProcess({ redisUrl: REDIS_URL, prefix });
    await closing.warm();
    const pid = (closing as unknown as { child: { pid: number } }).child.pid;
    await closing.close();
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(closing.render(job('md'))).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
