// Property-based fuzzing with fast-check: the interaction parsers on their own, then the Slack and Teams endpoints of the
// running server. Nothing throws or crashes, every answer is a clean 2xx/4xx, /healthz keeps answering, and the round is
// never corrupted (each tally equals the votes read back, and only participants' votes on the round's factors exist).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/commands/parse.js';
import { parseStartForm, StartFormError } from '../../src/cards/adaptive.js';
import { AppError } from '../../src/core/errors.js';
import { LEVELS } from '../../src/core/model.js';
import { normaliseEvidence, splitLinks } from '../../src/core/services/voting.js';
import { parseAnswerSubmission } from '../../src/platforms/slack/modals/answer-form.js';
import { parseStartSubmission, StartMetaSchema } from '../../src/platforms/slack/modals/start-form.js';
import { ViewStateValuesSchema } from '../../src/platforms/slack/modals/view-state.js';
import { esc, link } from '../../src/platforms/slack/mrkdwn.js';
import { BlockActionSchema, CardValueSchema, EventEnvelopeSchema, SlashCommandSchema, ViewSubmissionSchema, tenantOf } from '../../src/platforms/slack/payloads.js';
import { answerTexts, CardInvokeValueSchema, conversationKey, localeOf, tenantOf as teamsTenantOf } from '../../src/platforms/teams/activity.js';
import { PEOPLE, TENANT, cardAction } from '../fixtures/teams/activities.js';
import { fakeConnector } from '../fixtures/teams/harness.js';
import { interactionBody, signedHeaders, votePayload } from '../helpers/slack-sign.js';
import { settings } from '../helpers/world.js';
import { ANNA, BO, CHANNEL, CORA, SECRET, TEAM_A, startRound, startSecApp, talliesMatchVotes, type SecApp } from './harness.js';

const json = fc.jsonValue({ maxDepth: 3 });
const anything = fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true });

describe('the parsers alone', () => {
  it('parseCommand reads any text, mentions and all, without throwing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('<at>Assess</at> assess close', '/assess  START  again', '@@@', '\u0000close')), (text) => {
        const cmd = parseCommand(text);
        expect(typeof cmd.name).toBe('string');
        expect(typeof cmd.args).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('the Slack payload schemas accept or refuse anything, never throw', () => {
    fc.assert(
      fc.property(anything, (v) => {
        for (const schema of [BlockActionSchema, CardValueSchema, ViewSubmissionSchema, SlashCommandSchema, EventEnvelopeSchema, ViewStateValuesSchema, StartMetaSchema]) {
          expect(typeof schema.safeParse(v).success).toBe('boolean');
        }
        const action = BlockActionSchema.safeParse(v);
        // A parsed payload without team or enterprise has no tenant: that must be a plain Error, caught upstream.
        if (action.success) expect(() => tenantOf(action.data)).not.toThrow(TypeError);
      }),
      { numRuns: 400 },
    );
  });

  it('the answer and start forms parse any validated state.values without throwing', () => {
    const values = fc.dictionary(
      fc.oneof(fc.constantFrom('q:f01-q1', 'q:f01-q2', 'evidence', 'toolkit', 'close_date', 'start_date', 'participants', 'pacing', 'reminder_days', 'title'), fc.string()),
      fc.dictionary(fc.oneof(fc.constant('value'), fc.string()), fc.record({ type: fc.string(), value: fc.option(fc.string(), { nil: null }), selected_date: fc.option(fc.string(), { nil: null }), selected_users: fc.array(fc.string(), { maxLength: 3 }) }, { requiredKeys: ['type'] })),
    );
    fc.assert(
      fc.property(values, fc.constantFrom('sv' as const, 'en' as const), fc.integer({ min: 0, max: 4_102_444_800_000 }), (raw, locale, now) => {
        const parsed = ViewStateValuesSchema.safeParse(raw);
        if (!parsed.success) return;
        const answer = parseAnswerSubmission(parsed.data, ['f01-q1', 'f01-q2'], locale);
        expect(typeof answer.ok).toBe('boolean');
        const start = parseStartSubmission(parsed.data, { c: 'C0X', l: locale }, now);
        expect(typeof start.ok).toBe('boolean');
      }),
      { numRuns: 400 },
    );
  });

  it('the Teams form and activity readers take anything; the start form refuses only with its own error', () => {
    const activityLike = fc.oneof(
      json,
      fc.record({ locale: json, conversation: fc.oneof(json, fc.record({ id: json, tenantId: json, conversationType: json })), channelData: fc.oneof(json, fc.record({ tenant: json, channel: json, team: json })), channelId: json }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(anything, activityLike, (data, activity) => {
        try {
          parseStartForm(data);
        } catch (err) {
          expect(err).toBeInstanceOf(StartFormError);
        }
        const a = (typeof activity === 'object' && activity !== null && !Array.isArray(activity) ? activity : {}) as Record<string, unknown>;
        expect(typeof teamsTenantOf(a)).toBe('string');
        expect(typeof conversationKey(a)).toBe('string');
        expect(['sv', 'en']).toContain(localeOf(a, 'sv'));
        expect(typeof CardInvokeValueSchema.safeParse(activity).success).toBe('boolean');
        if (typeof data === 'object' && data !== null && !Array.isArray(data)) expect(typeof answerTexts(data as Record<string, unknown>)).toBe('object');
      }),
      { numRuns: 400 },
    );
  });

  it('evidence links: either http(s) URLs or a coded refusal, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl().map((u) => `${u} javascript:x`), fc.array(fc.webUrl(), { maxLength: 12 }).map((l) => l.join('\n'))), (text) => {
        try {
          for (const url of normaliseEvidence(splitLinks(text))) expect(url).toMatch(/^https?:\/\//);
        } catch (err) {
          expect(err).toBeInstanceOf(AppError);
          expect(['BAD_EVIDENCE_LINK', 'TOO_MANY_EVIDENCE_LINKS']).toContain((err as AppError).code);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('escaped mrkdwn never contains < or >, and a built link has exactly one of each', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (text, label) => {
        expect(esc(text)).not.toMatch(/[<>]/);
        const l = link(`https://malmo.se/${text}`, label);
        expect(l.match(/</g)).toHaveLength(1);
        expect(l.match(/>/g)).toHaveLength(1);
        expect(l.match(/\|/g)).toHaveLength(1);
      }),
      { numRuns: 400 },
    );
  });
});

describe('the running server', () => {
  let s: SecApp;
  let roundId: string;
  let teamsRound: string;
  const people = [CORA, ANNA, BO];

  beforeAll(async () => {
    s = await startSecApp();
    roundId = (await startRound(s)).id;
    teamsRound = (
      await s.app.service.startRound({
        tenant: TENANT,
        platform: 'teams',
        settings: settings({ channelId: '19:mangfald0123@thread.tacv2', participants: [PEOPLE.cora.id, PEOPLE.anna.id], startDate: '2026-01-12', closeDate: '2026-02-23' }),
        actor: { id: PEOPLE.cora.id, name: PEOPLE.cora.name },
      })
    ).id;
  });

  afterAll(async () => {
    await s.close();
  });

  async function postSlack(body: string, contentType = 'application/x-www-form-urlencoded'): Promise<number> {
    const res = await s.app.http.inject({ method: 'POST', url: '/slack/events', headers: signedHeaders(body, SECRET, { timestamp: Math.floor(s.clock.now() / 1000), contentType }), payload: body });
    return res.statusCode;
  }

  async function healthy(): Promise<void> {
    expect((await s.app.http.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  }

  /** The round is whole: it reads back, tallies equal votes, and only participants' votes on its factors exist. */
  async function intact(tenant: string, id: string, members: string[]): Promise<void> {
    const snap = await s.store.getSnapshot(tenant, id);
    expect(snap?.round.status).toBe('open');
    expect(await talliesMatchVotes(s.store, tenant, id)).toBe(true);
    for (const [factorId, votes] of Object.entries(snap!.votes)) {
      expect(snap!.round.factorIds).toContain(factorId);
      for (const [member, level] of Object.entries(votes)) {
        expect(members).toContain(member);
        expect(LEVELS).toContain(level);
      }
    }
  }

  const mutableField = fc.constantFrom('type', 'user', 'team', 'actions', 'channel', 'container', 'enterprise', 'is_enterprise_install', 'message', 'trigger_id', 'response_url');

  /** Mostly the real thing, sometimes anything: so that both real votes and every kind of refusal are exercised. */
  const mostly = <T, U>(real: fc.Arbitrary<T>, other: fc.Arbitrary<U>) => fc.oneof({ arbitrary: real, weight: 4 }, { arbitrary: other, weight: 1 });

  const click = fc.record({
    user: mostly(fc.constantFrom(...people), fc.string({ maxLength: 30 })),
    factorId: mostly(fc.constantFrom('f01', 'f02', 'f13'), fc.string({ maxLength: 12 })),
    level: mostly(fc.constantFrom(...LEVELS), fc.string({ maxLength: 16 })),
    round: mostly(fc.constant('ours'), fc.string({ maxLength: 40 })),
    team: mostly(fc.constant(TEAM_A), fc.string({ maxLength: 12 })),
    actionTs: mostly(fc.integer({ min: 0, max: 20 }).map((n) => `1768203012.${n}`), fc.string({ maxLength: 20 })),
    mutations: mostly(fc.constant([] as [string, fc.JsonValue][]), fc.array(fc.tuple(mutableField, json), { minLength: 1, maxLength: 2 })),
    value: mostly(fc.constant(undefined), fc.oneof(fc.string(), json.map((j) => JSON.stringify(j)))),
  });

  it('signed vote clicks, mutated every way: clean answers, and the round stays whole', async () => {
    await fc.assert(
      fc.asyncProperty(click, async (c) => {
        const payload: Record<string, unknown> = votePayload({ team: c.team, user: c.user, channel: CHANNEL, roundId: c.round === 'ours' ? roundId : c.round, factorId: c.factorId, level: c.level, actionTs: c.actionTs, responseUrl: s.fake.responseUrl() });
        if (c.value !== undefined) (payload.actions as Record<string, unknown>[])[0]!.value = c.value;
        for (const [field, v] of c.mutations) payload[field] = v;
        const status = await postSlack(interactionBody(payload));
        expect(status).toBeLessThan(500);
      }),
      { numRuns: 250 },
    );
    await s.slack.settled();
    await healthy();
    await intact(TEAM_A, roundId, people);
    // Some of the generated clicks were real votes: the property exercised the vote path, not only refusals.
    expect(Object.values(await s.store.getCounts(TEAM_A, roundId, 'f01')).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('signed bodies of any bytes and content type: 2xx/4xx only, and the server keeps answering', async () => {
    const contentType = fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', '');
    const body = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      json.map((j) => JSON.stringify(j)),
      json.map((j) => `payload=${encodeURIComponent(JSON.stringify(j))}`),
      fc.dictionary(fc.string(), fc.string()).map((d) => new URLSearchParams(d).toString()),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
    );
    await fc.assert(
      fc.asyncProperty(body, contentType, async (b, type) => {
        const status = await postSlack(b, type);
        expect(status).toBeGreaterThanOrEqual(200);
        expect(status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
    await s.slack.settled();
    await healthy();
    await intact(TEAM_A, roundId, people);
  });

  it('unsigned or badly signed requests of any shape: always 401', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.dictionary(fc.constantFrom('x-slack-signature', 'x-slack-request-timestamp', 'content-type'), fc.string()), async (body, headers) => {
        const res = await s.app.http.inject({ method: 'POST', url: '/slack/events', headers, payload: body });
        expect([400, 401, 413, 415]).toContain(res.statusCode);
        if (res.statusCode !== 415) expect(res.statusCode).not.toBe(200);
      }),
      { numRuns: 150 },
    );
    await healthy();
  });

  it('Teams card actions, mutated every way: clean answers, and the Teams round stays whole', async () => {
    fakeConnector();
    const verb = fc.oneof(fc.constantFrom('vote', 'answer', 'refresh', 'open-card', 'start'), fc.string({ maxLength: 12 }));
    const data = fc.record({
      r: fc.oneof(fc.constant('ours'), fc.string({ maxLength: 20 })),
      f: fc.oneof(fc.constantFrom('f01', 'f02'), fc.string({ maxLength: 8 })),
      l: fc.oneof(fc.constantFrom(...LEVELS), fc.string({ maxLength: 8 })),
      extra: json,
    });
    const activityMutation = fc.array(fc.tuple(fc.constantFrom('type', 'from', 'conversation', 'channelData', 'value', 'serviceUrl', 'recipient', 'locale', 'name'), json), { maxLength: 2 });
    await fc.assert(
      fc.asyncProperty(verb, data, activityMutation, fc.constantFrom(PEOPLE.anna, PEOPLE.cora, PEOPLE.bo), async (v, d, mutations, who) => {
        const activity: Record<string, unknown> = cardAction(who, v, { ...d, r: d.r === 'ours' ? teamsRound : d.r, extra: d.extra });
        for (const [field, value] of mutations) activity[field] = value;
        const res = await s.app.http.inject({ method: 'POST', url: '/api/messages', payload: activity });
        expect(res.statusCode).toBeGreaterThanOrEqual(200);
        // 501 is the Bot Framework's answer to an invoke the bot does not implement (Teams sends several kinds); all else < 500.
        if (res.statusCode === 501) expect(activity.type === 'invoke' && activity.name !== 'adaptiveCard/action').toBe(true);
        else expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
    await s.teams!.flush();
    await healthy();
    await intact(TENANT, teamsRound, [PEOPLE.cora.id, PEOPLE.anna.id]);
  });
});
