// The lean vote path's kept validations: a success is kept per exact token, channel and service URL until the token's
// exp and never past it; a failure is never kept; only plain vote invokes take the path.
import { AuthenticationError } from 'botframework-connector';
import { describe, expect, it } from 'vitest';
import { leanVoteHandler, ValidatedTokens } from '../../src/platforms/teams/lean-vote.js';
import { PEOPLE, cardAction } from '../fixtures/teams/activities.js';
import { createLogger } from '../../src/infra/logger.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
/** Only the payload matters here: the (stubbed) SDK validation decides whether a token is good. */
const token = (exp: number | undefined, tag = 'sig') => `Bearer ${b64({ alg: 'RS256' })}.${b64({ aud: 'bot', ...(exp !== undefined ? { exp } : {}) })}.${tag}`;

function harness(opts: { refuse?: (authorization: string) => boolean } = {}) {
  let now = 1_000_000_000_000;
  const checked: string[] = [];
  const voted: unknown[] = [];
  const handler = leanVoteHandler({
    auth: {
      authenticateRequest: (_activity, authorization) => {
        checked.push(authorization);
        if (opts.refuse?.(authorization)) return Promise.reject(new AuthenticationError('Unauthorized', 401));
        return Promise.resolve({} as never);
      },
    },
    bot: {
      voteInvoke: (_activity, value) => {
        voted.push(value);
        return Promise.resolve({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: {} });
      },
    },
    config: { DEFAULT_LOCALE: 'sv' },
    logger: createLogger('silent'),
    metrics: { interactions: { inc: () => undefined } },
    now: () => now,
  });
  return { handler, checked, voted, advance: (ms: number) => (now += ms), nowSec: () => Math.floor(now / 1000) };
}

const vote = () => cardAction(PEOPLE.anna, 'vote', { r: 'R1', f: 'f01', l: 'partly' });

describe('the lean vote path', () => {
  it('validates a token once and keeps the success until its exp, then validates it again', async () => {
    const h = harness();
    const good = token(h.nowSec() + 60);
    for (let i = 0; i < 3; i++) expect(await h.handler(vote(), good)).toMatchObject({ status: 200 });
    expect(h.checked).toHaveLength(1);
    h.advance(59_000);
    await h.handler(vote(), good);
    expect(h.checked).toHaveLength(1);
    h.advance(1_000); // at exp: not kept any longer
    await h.handler(vote(), good);
    expect(h.checked).toHaveLength(2);
    expect(h.voted).toHaveLength(5);
  });

  it('never keeps a failure, and a refused token runs no vote', async () => {
    const h = harness({ refuse: (a) => a.endsWith('.forged') });
    const forged = token(h.nowSec() + 3600, 'forged');
    expect(await h.handler(vote(), forged)).toEqual({ status: 401, body: { error: 'unauthorized' } });
    expect(await h.handler(vote(), forged)).toEqual({ status: 401, body: { error: 'unauthorized' } });
    expect(h.checked).toHaveLength(2);
    expect(h.voted).toHaveLength(0);
  });

  it('keeps a success per channel and service URL too: another one is validated again', async () => {
    const h = harness();
    const good = token(h.nowSec() + 3600);
    await h.handler(vote(), good);
    await h.handler({ ...vote(), serviceUrl: 'https://smba.trafficmanager.net/amer/' }, good);
    await h.handler({ ...vote(), channelId: 'emulator' }, good);
    expect(h.checked).toHaveLength(3);
  });

  it('keeps nothing for a token without exp, or without a header (TEAMS_AUTH=off)', async () => {
    const h = harness();
    await h.handler(vote(), token(undefined));
    await h.handler(vote(), token(undefined));
    await h.handler(vote(), '');
    await h.handler(vote(), '');
    expect(h.checked).toHaveLength(4);
  });

  it('leaves everything but a plain vote invoke to CloudAdapter, without validating it', async () => {
    const h = harness();
    const good = token(h.nowSec() + 3600);
    expect(await h.handler(cardAction(PEOPLE.anna, 'refresh', { r: 'R1', f: 'f01' }), good)).toBeNull();
    expect(await h.handler(cardAction(PEOPLE.anna, 'vote', { r: 'R1', f: 'f01', l: 'nonsense' }), good)).toBeNull();
    expect(await h.handler({ ...vote(), from: {} }, good)).toBeNull();
    expect(await h.handler({ ...vote(), name: 'composeExtension/query' }, good)).toBeNull();
    expect(await h.handler({ ...vote(), deliveryMode: 'expectReplies' }, good)).toBeNull();
    expect(h.checked).toHaveLength(0);
    expect(h.voted).toHaveLength(0);
  });

  it('bounds the kept validations', async () => {
    const tokens = new ValidatedTokens(() => 0, 3);
    const activity = { channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/emea/' };
    for (let i = 0; i < 5; i++) tokens.remember(token(3600, `t${i}`), activity);
    expect(tokens.size).toBe(3);
    expect(tokens.has(token(3600, 't0'), activity)).toBe(false);
    expect(tokens.has(token(3600, 't4'), activity)).toBe(true);
  });
});
