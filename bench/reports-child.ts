// Child process of the reports benchmark: one closed round of 13 × 10,000 (every vote and answer) in Redis, the app
// serving it over HTTP; a naive HSCAN + CSV script and every export format and the chart are timed side by side,
// with Redis' PING latency watched from another connection and the process' RSS sampled throughout.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { build } from '../src/app/build.js';
import { loadConfig } from '../src/config.js';
import { LEVELS, type Answer } from '../src/core/model.js';
import { createLogger } from '../src/infra/logger.js';
import { RedisStore } from '../src/store/index.js';
import { deleteKeysWithPrefix } from '../test/helpers/redis-prefix.js';

const PEOPLE = Number(process.argv[2] ?? 10_000);
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-reports-${randomBytes(4).toString('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const app = await build(
  loadConfig({ LOG_LEVEL: 'silent', PLAYGROUND: 'off', ANONYMITY_SECRET: 'bench-anonymity-secret', REDIS_PREFIX: prefix, REDIS_URL: url, PUBLIC_URL: 'http://127.0.0.1' }),
  { adapters: [], logger: createLogger('silent') },
);
const store = app.store as RedisStore;
const participants = Array.from({ length: PEOPLE }, (_, i) => `U${String(i).padStart(6, '0')}`);
const round = await app.service.startRound({
  tenant: 'TBENCH',
  platform: 'slack',
  actor: { id: participants[0]!, name: 'Cora' },
  settings: {
    packId: 'integrating-cities-diversity', locale: 'sv', mode: 'internal-evaluation', channelId: 'CBENCH', title: 'Mångfald 2026',
    participants, managers: ['M1'], pacing: 'all-at-once', startDate: '2026-03-02', closeDate: '2026-04-13', timezone: 'Europe/Stockholm',
  },
});
await store.rememberNames('TBENCH', round.id, Object.fromEntries(participants.map((p, i) => [p, `Deltagare ${i + 1}`])));
const pack = app.service.packs.get(round.packId, round.locale);
const tasks: (() => Promise<unknown>)[] = [];
participants.forEach((m, i) => {
  pack.keyFactors.forEach((kf, j) => {
    tasks.push(() => store.recordVote({ tenant: 'TBENCH', roundId: round.id, factorId: kf.id, memberId: m, level: LEVELS[(i * 7 + j * 3) % 4]!, interactionId: `${m}-${kf.id}`, at: '2026-03-10T10:00:00.000Z' }));
    const answer: Answer = {
      factorId: kf.id,
      memberId: m,
      texts: {
        [kf.questions[0]!.id]: `Ja, delvis. Fullmäktige beslutade 2025 om en plan; förvaltning ${i % 40} följer upp den i årsredovisningen.`,
        [kf.questions[1]?.id ?? kf.questions[0]!.id]: 'Inte regelbundet. Det nämns i budgettal och på stadens webb, men inte i nämndernas verksamhetsplaner.',
      },
      evidence: [`https://kommun.example/protokoll/2025-${(i % 12) + 1}/${kf.id}.pdf`],
      at: '2026-03-10T10:00:00.000Z',
    };
    tasks.push(() => store.saveAnswer('TBENCH', round.id, answer));
  });
});
for (let i = 0; i < tasks.length; i += 500) await Promise.all(tasks.slice(i, i + 500).map((t) => t()));
tasks.length = 0;
await store.updateRound('TBENCH', round.id, (r) => ({ ...r, status: 'closed', closedAt: '2026-04-13T15:00:00.000Z' }));
await app.http.listen({ port: 0, host: '127.0.0.1' });
// As src/app/main.ts does once the bot listens: the report process starts ahead of the first report.
await app.warmReports();
const address = app.http.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const link = new URL(app.reportLinks.url('TBENCH', round.id)).pathname;

// --- watchers ---
// Redis' PING latency is watched from a worker thread with its own event loop and connection, so the bot's own
// rendering (which blocks this thread) is not mistaken for Redis being blocked.
const pinger = new Worker(
  `const { parentPort, workerData } = require('node:worker_threads');
   const { Redis } = require(workerData.ioredis);
   const redis = new Redis(workerData.url);
   let worst = 0;
   (async () => { for (;;) { const t0 = performance.now(); await redis.ping(); worst = Math.max(worst, performance.now() - t0); await new Promise((r) => setTimeout(r, 5)); } })();
   parentPort.on('message', (m) => { if (m === 'reset') worst = 0; else if (m === 'stop') process.exit(0); else parentPort.postMessage(worst); });`,
  { eval: true, workerData: { url, ioredis: createRequire(import.meta.url).resolve('ioredis') } },
);
const ask = (what: 'reset' | 'read'): Promise<number> =>
  new Promise((resolve) => {
    if (what === 'reset') {
      pinger.postMessage('reset');
      resolve(0);
    } else {
      pinger.once('message', (m: number) => resolve(m));
      pinger.postMessage('read');
    }
  });
let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

async function measure<T>(fn: () => Promise<T>): Promise<{ ms: number; worstPingMs: number; result: T }> {
  await ask('reset');
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  const worst = await ask('read');
  return { ms: Math.round(ms), worstPingMs: Math.round(worst * 10) / 10, result };
}

/** The naive script: HSCAN the votes and answers hashes, write one CSV line per vote and answer to a file. */
async function naive(): Promise<number> {
  const redis = new Redis(url);
  const k = store.keys.round('TBENCH', round.id);
  const out = createWriteStream(join(tmpdir(), `${prefix}-naive.csv`));
  let bytes = 0;
  for (const key of [k.votes, k.answers]) {
    let cursor = '0';
    do {
      const [next, flat] = await redis.hscan(key, cursor, 'COUNT', 1000);
      cursor = next;
      let chunk = '';
      for (let i = 0; i < flat.length; i += 2) chunk += `${flat[i]};${JSON.stringify(flat[i + 1])}\n`;
      bytes += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    } while (cursor !== '0');
  }
  out.end();
  await finished(out);
  redis.disconnect();
  return bytes;
}

// The HTTP client runs in a worker thread of its own and counts the body as it streams, holding none of it: a browser
// downloading a report is another machine, so neither its buffers nor its decompression are the bot's. A download is
// timed to its last byte, and its body is not unpacked: the report's own size is the one gzip records in its last
// four bytes. (Until 2026-12-03 the client buffered each whole body on the bot's own thread, up to 85 MB each
// and 248 MB for the four simultaneous downloads; then, until the same evening, it unpacked the body while it was
// timed, on this 2-core machine beside the bot: 0.3–0.5 s of each download was the client's gunzip.)
const downloader = new Worker(
  `const { parentPort } = require('node:worker_threads');
   const http = require('node:http');
   parentPort.on('message', ({ id, url }) => {
     if (id === 'stop') process.exit(0);
     const t0 = performance.now();
     http.get(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
       const chunks = [];
       res.on('data', (c) => chunks.push(c));
       res.on('end', () => {
         const ms = performance.now() - t0;
         const body = Buffer.concat(chunks);
         const bytes = res.headers['content-encoding'] === 'gzip' ? body.readUInt32LE(body.length - 4) : body.byteLength;
         parentPort.postMessage({ id, status: res.statusCode, bytes, ms });
       });
     }).on('error', (err) => parentPort.postMessage({ id, status: 0, bytes: 0, ms: 0, error: String(err) }));
   });`,
  { eval: true },
);
let nextDownload = 0;
const waiting = new Map<number, (r: { status: number; bytes: number; ms: number }) => void>();
downloader.on('message', (m: { id: number; status: number; bytes: number; ms: number }) => {
  waiting.get(m.id)?.({ status: m.status, bytes: m.bytes, ms: m.ms });
  waiting.delete(m.id);
});

function download(path: string): Promise<{ status: number; bytes: number; ms: number }> {
  const id = nextDownload++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    downloader.postMessage({ id, url: `${base}${path}` });
  });
}

global.gc?.();
await sleep(200);
const rssBefore = process.memoryUsage().rss;
peakRss = rssBefore;
const rows: Record<string, unknown>[] = [];
// The naive script runs three times (before the formats, between the first and the kept downloads, at the end): on a
// shared 2-core machine one run of it varied by half, so each format is compared with the median of the three.
const naiveRuns = [await measure(naive)];
const targets: [string, string][] = [
  ['csv', `${link}?format=csv`],
  ['json', `${link}?format=json`],
  ['md', `${link}?format=md`],
  ['html', `${link}?format=html`],
  ['chart', `${link}/chart.png`],
];
for (const [what, path] of targets) {
  const first = await measure(() => download(path));
  rows.push({ what: `${what}, first download (rendered)`, ms: Math.round(first.result.ms), worstPingMs: first.worstPingMs, status: first.result.status, bytes: first.result.bytes });
}
naiveRuns.push(await measure(naive));
for (const [what, path] of targets) {
  const again = await measure(() => download(path));
  rows.push({ what: `${what}, again (kept copy)`, ms: Math.round(again.result.ms), worstPingMs: again.worstPingMs, status: again.result.status, bytes: again.result.bytes });
}
// Four simultaneous downloads, each of a report that is not kept (a name learned drops the kept copies).
await store.rememberNames('TBENCH', round.id, { M1: 'Maja' });
const four = await measure(() => Promise.all(targets.slice(0, 4).map(([, path]) => download(path))));
rows.push({ what: '4 simultaneous downloads (csv, json, md, html; none kept)', ms: four.ms, worstPingMs: four.worstPingMs, status: four.result.map((r) => r.status).join(' '), bytes: four.result.reduce((n, r) => n + r.bytes, 0) });
naiveRuns.push(await measure(naive));
clearInterval(rssTimer);
const byTime = [...naiveRuns].sort((a, b) => a.ms - b.ms);
const median = byTime[1]!;
rows.unshift({ what: `naive HSCAN + CSV script (median of 3 runs: ${naiveRuns.map((r) => r.ms).join(', ')} ms)`, ms: median.ms, worstPingMs: Math.max(...naiveRuns.map((r) => r.worstPingMs)), status: '-', bytes: median.result });

await deleteKeysWithPrefix(store.client, prefix);
pinger.postMessage('stop');
downloader.postMessage({ id: 'stop' });
await app.close();
const reportProcessPeakMb = Math.round((app.reportProcess?.maxRssKb ?? 0) / 1024);
console.log(JSON.stringify({ people: PEOPLE, factors: pack.keyFactors.length, rssBeforeMb: Math.round(rssBefore / 1048576), rssPeakMb: Math.round(peakRss / 1048576), reportProcessPeakMb, rows }));
process.exit(0);
