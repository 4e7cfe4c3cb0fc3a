// Signed Slack requests for real HTTP (fetch, autocannon): fresh timestamps, a real HMAC over the exact bytes, and vote clicks.
import { createHmac } from 'node:crypto';

export const BENCH_SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
export const BENCH_BOT_TOKEN = 'xoxb-000000000001-000000000002-benchTESTtoken';

/** Slack's signature: `v0=` + HMAC-SHA256 of `v0:<timestamp>:<body>`. */
export function slackSignature(body: string, timestamp: number, secret: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignOptions {
  /** Seconds since the epoch; now by default. */
  timestamp?: number;
  contentType?: string;
  retryNum?: number;
  /** Sign with this secret instead (forgeries). */
  secret?: string;
  /** Send this signature instead of the computed one. */
  signature?: string;
}

/** The headers Slack sends with a request whose body is `body`. */
export function signedHeaders(body: string, secret: string, opts: SignOptions = {}): Record<string, string> {
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': opts.signature ?? slackSignature(body, ts, opts.secret ?? secret),
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  return headers;
}

/** An interaction as Slack posts it: the JSON in a `payload` form field. */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A slash command as Slack posts it (form fields). */
export function commandBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export interface VoteClick {
  team: string;
  user: string;
  channel: string;
  roundId: string;
  factorId: string;
  level: string;
  /** Slack's stamp of the click; a repeat is a duplicate delivery. */
  actionTs: string;
  messageTs?: string;
  responseUrl?: string;
}

/** A `block_actions` payload for a vote button on a factor card, shaped like test/fixtures/slack/block-actions-vote.json. */
export function votePayload(v: VoteClick): Record<string, unknown> {
  const messageTs = v.messageTs ?? '1768203000.000100';
  return {
    type: 'block_actions',
    user: { id: v.user, username: v.user.toLowerCase(), name: v.user.toLowerCase(), team_id: v.team },
    api_app_id: 'A0ASSESS01',
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    container: { type: 'message', message_ts: messageTs, channel_id: v.channel, is_ephemeral: false },
    trigger_id: `7329301882048.7213859381.${v.actionTs.replace('.', '')}`,
    team: { id: v.team, domain: v.team.toLowerCase() },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: v.channel, name: 'mangfald-utvardering' },
    message: { user: 'U0ASSESSBOT', type: 'message', ts: messageTs, bot_id: 'B0ASSESSBOT', app_id: 'A0ASSESS01', text: v.factorId, team: v.team, blocks: [] },
    state: { values: {} },
    response_url: v.responseUrl ?? `https://hooks.slack.com/actions/${v.team}/1/x`,
    actions: [
      {
        action_id: `vote:${v.level}`,
        block_id: 'vote',
        text: { type: 'plain_text', text: v.level, emoji: true },
        value: JSON.stringify({ r: v.roundId, f: v.factorId, l: v.level }),
        type: 'button',
        action_ts: v.actionTs,
      },
    ],
  };
}

/** POSTs a signed body to a running server over real HTTP. */
export async function postSigned(url: string, body: string, secret: string, opts: SignOptions = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: signedHeaders(body, secret, opts), body });
  return { status: res.status, text: await res.text() };
}
