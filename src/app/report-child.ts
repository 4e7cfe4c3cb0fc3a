// The report process (reports/render-process.ts), a composition root of its own: told the bot's Redis store and
// content settings in its first message, it renders each report it is then sent with the same renderReport the bot's
// own process uses, and sends back the gzipped bytes. It ends when the bot does (its channel closes).
import { PackRegistry } from '../content/registry.js';
import type { AnonymityKeyring } from '../core/anonymity-keys.js';
import { AppError } from '../core/errors.js';
import { isKnownCountry } from '../core/holidays.js';
import { allKeys } from '../core/i18n.js';
import { MemberKeys } from '../core/member-keys.js';
import { systemClock } from '../core/ports.js';
import { ReadModel } from '../core/read-model.js';
import { RedisStore } from '../store/index.js';
import { renderReport, type RenderJob } from '../reports/render.js';
import type { RenderFailure, RenderProcessInit, RenderReply } from '../reports/render-process.js';

/** Reports read rounds and never key a member: a keyring here would only be a second copy of the secret. */
const noKeys = new Proxy({} as AnonymityKeyring, {
  get() {
    throw new Error('the report process keys no member');
  },
});

let opened: Promise<ReadModel> | null = null;

function open(init: RenderProcessInit): Promise<ReadModel> {
  const reading = (async () => {
    const store = await RedisStore.open(init.redisUrl, { prefix: init.prefix });
    const packs = init.contentDir ? PackRegistry.fromDir(init.contentDir) : PackRegistry.fromDir();
    // The writers, the texts and the holiday calendar load now, while nobody waits for a report, not with the first one.
    await Promise.all([import('../reports/report-stream.js'), import('../reports/export.js'), import('../reports/chart.js')]);
    allKeys('sv');
    isKnownCountry('SE');
    return new ReadModel({ store, packs, clock: systemClock, keys: new MemberKeys(noKeys) });
  })();
  // A process that cannot open the store ends; the next report starts a new one.
  reading.catch(() => setTimeout(() => process.exit(1), 100));
  return reading;
}

function failure(err: unknown): RenderFailure {
  if (err instanceof AppError) return { code: err.code, params: err.params };
  return { message: err instanceof Error ? err.message : String(err) };
}

const maxRssKb = () => process.resourceUsage().maxRSS;

async function answer(id: number, job: RenderJob): Promise<void> {
  let reply: RenderReply;
  try {
    if (!opened) throw new Error('not told which store to read');
    const r = await renderReport(await opened, job);
    reply = { id, ok: true, contentType: r.contentType, filename: r.filename, gzipped: r.gzipped, maxRssKb: maxRssKb() };
  } catch (err) {
    reply = { id, ok: false, failure: failure(err), maxRssKb: maxRssKb() };
  }
  process.send!(reply);
}

process.on('message', (message: RenderProcessInit | { id: number; job: RenderJob }) => {
  if ('job' in message) void answer(message.id, message.job);
  else if (!opened) {
    opened = open(message);
    opened.then(() => process.send!({ ready: true }), () => undefined);
  }
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
