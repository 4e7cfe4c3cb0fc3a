// The vote-path baseline: the smallest Bolt app that takes a signed vote click on Bolt's own HTTP receiver, acks it and
// does one HSET. No validation, no idempotency, no tally, no card refresh: the floor the project is measured against.
import { App, LogLevel, type BlockAction, type ButtonAction } from '@slack/bolt';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';

export interface BaselineOptions {
  port: number;
  signingSecret: string;
  botToken: string;
  /** SLACK_API_URL: Bolt's own client goes to the local fake, never to slack.com. */
  apiUrl: string;
  redisUrl: string;
  /** The one hash the votes are written to. */
  key: string;
}

export interface Baseline {
  close(): Promise<void>;
}

export async function startBaseline(opts: BaselineOptions): Promise<Baseline> {
  const redis = new Redis(opts.redisUrl, { lazyConnect: true });
  await redis.connect();
  const app = new App({
    signingSecret: opts.signingSecret,
    token: opts.botToken,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: opts.apiUrl },
  });
  app.action<BlockAction<ButtonAction>>(/^vote:/, async ({ ack, body, action }) => {
    await ack();
    // One field per click (the vote is the value), so the benchmark can count the writes that landed.
    await redis.hset(opts.key, `${body.user.id}|${action.action_ts}`, action.value ?? '');
  });
  await app.start(opts.port);
  return {
    async close() {
      await app.stop();
      redis.disconnect();
    },
  };
}

/** Runs a baseline as a child process of the benchmark: options from the environment, "ready" on stdout, stops on a signal. */
export async function runBaselineChild(start: (opts: BaselineOptions) => Promise<Baseline>): Promise<void> {
  const env = process.env;
  const need = (name: string): string => {
    const v = env[name];
    if (!v) throw new Error(`${name} is required`);
    return v;
  };
  const baseline = await start({
    port: Number(need('PORT')),
    signingSecret: need('SLACK_SIGNING_SECRET'),
    botToken: need('SLACK_BOT_TOKEN'),
    apiUrl: need('SLACK_API_URL'),
    redisUrl: need('REDIS_URL'),
    key: need('BASELINE_KEY'),
  });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  const stop = () => void baseline.close().then(() => process.exit(0), () => process.exit(1));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) void runBaselineChild(startBaseline);
