// The Teams vote-path baseline: the smallest botbuilder bot that takes an Action.Execute vote (an `adaptiveCard/action`
// invoke) through CloudAdapter with Bot Framework authentication, stores it with one HSET and answers the invoke with
// an Adaptive Card, as a first version of any Teams vote bot would. No validation, no idempotency, no tally, no card
// refresh for the channel: the floor the project is measured against. Served by node:http, as little as CloudAdapter
// needs (a parsed JSON body and a response with status/header/send/end).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, type InvokeResponse, type TurnContext } from 'botbuilder';
import { Redis } from 'ioredis';

const LABELS: Record<string, string> = { 'in-place': 'Stämmer', partly: 'Stämmer delvis', 'not-in-place': 'Stämmer inte', 'dont-know': 'Vet inte' };

class VoteBot extends ActivityHandler {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {
    super();
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const activity = context.activity;
    if (activity.name !== 'adaptiveCard/action') return { status: 501 };
    const action = (activity.value as { action?: { verb?: string; data?: Record<string, string> } } | undefined)?.action;
    const level = action?.data?.l ?? '';
    // One field per click (the vote is the value), so the benchmark can count the writes that landed.
    await this.redis.hset(this.key, `${activity.from.id}|${activity.id}`, level);
    const card = {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
      body: [
        { type: 'TextBlock', text: `Faktor ${action?.data?.f ?? ''}`, weight: 'Bolder', wrap: true },
        { type: 'TextBlock', text: `Din röst: ${LABELS[level] ?? level}`, wrap: true },
      ],
      actions: Object.entries(LABELS).map(([l, title]) => ({ type: 'Action.Execute', title, verb: 'vote', data: { ...action?.data, l } })),
    };
    return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } };
  }
}

/** The response shape CloudAdapter writes to, over node's ServerResponse. */
function responseFor(res: ServerResponse) {
  const shim = {
    socket: res.socket,
    status(code: number) {
      res.statusCode = code;
      return shim;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
      return shim;
    },
    send(body: unknown) {
      if (body === undefined) return shim;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      if (typeof body !== 'string') res.setHeader('content-type', 'application/json; charset=utf-8');
      res.write(text);
      return shim;
    },
    end() {
      res.end();
      return shim;
    },
  };
  return shim;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

export interface TeamsBaselineOptions {
  port: number;
  appId: string;
  appPassword: string;
  redisUrl: string;
  /** The one hash the votes are written to. */
  key: string;
}

export async function startTeamsBaseline(opts: TeamsBaselineOptions): Promise<{ close(): Promise<void> }> {
  const redis = new Redis(opts.redisUrl, { lazyConnect: true });
  await redis.connect();
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: opts.appId, MicrosoftAppPassword: opts.appPassword, MicrosoftAppType: 'MultiTenant' }),
  );
  const bot = new VoteBot(redis, opts.key);
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/api/messages') {
      res.statusCode = 404;
      res.end();
      return;
    }
    readJson(req)
      .then((body) => adapter.process({ body: body as Record<string, unknown>, headers: req.headers, method: req.method }, responseFor(res), (context) => bot.run(context)))
      .catch(() => {
        if (!res.headersSent) res.statusCode = 400;
        res.end();
      });
  });
  await new Promise<void>((ok) => server.listen(opts.port, '127.0.0.1', () => ok()));
  return {
    async close() {
      await new Promise((r) => server.close(r));
      redis.disconnect();
    },
  };
}

async function runAsChild(): Promise<void> {
  const need = (name: string): string => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is required`);
    return v;
  };
  const baseline = await startTeamsBaseline({
    port: Number(need('PORT')),
    appId: need('MICROSOFT_APP_ID'),
    appPassword: need('MICROSOFT_APP_PASSWORD'),
    redisUrl: need('REDIS_URL'),
    key: need('BASELINE_KEY'),
  });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  const stop = () => void baseline.close().then(() => process.exit(0), () => process.exit(1));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) void runAsChild();
