// The confirming vote-path baseline: the first version of any vote bot on Bolt. It takes a signed vote click on Bolt's own
// HTTP receiver, acks, stores the vote with one HSET and tells the voter with chat.postEphemeral through Bolt's own
// WebClient (pointed at SLACK_API_URL, the local fake). The same visible work as the project; no validation, idempotency,
// tally or card refresh. bench/baseline/app.ts (ack + HSET, no confirmation) stays as a reference row.
import { App, LogLevel, type BlockAction, type ButtonAction } from '@slack/bolt';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { runBaselineChild, type Baseline, type BaselineOptions } from './app.js';

export async function startConfirmingBaseline(opts: BaselineOptions): Promise<Baseline> {
  const redis = new Redis(opts.redisUrl, { lazyConnect: true });
  await redis.connect();
  const app = new App({
    signingSecret: opts.signingSecret,
    token: opts.botToken,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: opts.apiUrl },
  });
  // Acked first, as the project does (and as Bolt advises: Slack gives up after 3 s); then stored, then confirmed.
  app.action<BlockAction<ButtonAction>>(/^vote:/, async ({ ack, body, action, client }) => {
    await ack();
    await redis.hset(opts.key, `${body.user.id}|${action.action_ts}`, action.value ?? '');
    const channel = body.channel?.id ?? body.container.channel_id;
    if (channel) await client.chat.postEphemeral({ channel, user: body.user.id, text: 'Your vote is recorded.' });
  });
  await app.start(opts.port);
  return {
    async close() {
      await app.stop();
      redis.disconnect();
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) void runBaselineChild(startConfirmingBaseline);
