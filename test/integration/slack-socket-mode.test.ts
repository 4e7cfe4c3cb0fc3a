// Socket Mode (SLACK_APP_TOKEN, no public URL) end to end: a whole round, start to close, through a local fake of Slack's
// Socket Mode and Web API, with every envelope acked, and the connection recycled and dropped along the way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackApi, type FakeCall } from '../../bench/fake-slack.js';
import { build, type App } from '../../src/app/build.js';
import { loadConfig } from '../../src/config.js';
import { createSlackRegistrar, SlackAdapter } from '../../src/platforms/slack/index.js';
import type { RedisStore } from '../../src/store/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { FakeSocketMode } from '../helpers/fake-socket-mode.js';
import { CHANNEL, START_TIME, TEAM, fixture, submission, submittedValues, votePayload } from '../helpers/slack.js';
import { dropPrefix, redisStore } from '../helpers/world.js';

type Json = Record<string, unknown>;

const APP_TOKEN = 'xapp-1-A0FAKEAPP-7329164573376-0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const BOT_TOKEN = 'xoxb-17653672481-19874698323-socketMODEtoken';
const PEOPLE = ['U0CORA', 'U0ANNA', 'U0BO', 'U0CARL'];

let api: FakeSlackApi;
let socket: FakeSocketMode;
let store: RedisStore;
let app: App;
let roundId = '';

const channelPosts = () => api.callsTo('chat.postMessage').filter((c) => c.body.channel === CHANNEL);
const headerOf = (call: FakeCall) => String((((call.body.blocks as Json[] | undefined) ?? []).find((b) => b.type === 'header')?.text as Json | undefined)?.text ?? '');

function slashCommand(text: string, user = 'U0CORA'): Json {
  return { ...fixture<Json>('slash-command'), text, user_id: user, user_name: user.toLowerCase(), response_url: api.responseUrl(`T0MALMO/${text.replace(/\W+/g, '-')}`) };
}

beforeAll(async () => {
  api = await FakeSlackApi.start();
  api.addUser('U0CORA', 'Cora Lind', { locale: 'sv-SE' }).addUser('U0ANNA', 'Anna Berg').addUser('U0BO', 'Bo Ek').addUser('U0CARL', 'Carl Nilsson');
  api.addChannel(CHANNEL, PEOPLE);
  socket = await FakeSocketMode.start(api, APP_TOKEN);
  store = await redisStore();
  const config = loadConfig({
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: api.url,
    PUBLIC_URL: 'https://assess.malmo.example',
    ANONYMITY_SECRET: 'socket-mode-test-secret',
    DEFAULT_LOCALE: 'sv',
    LOG_LEVEL: 'silent',
    PLAYGROUND: 'off',
  });
  const registrar = createSlackRegistrar({
    postIntervalMs: 0,
    coalesceMs: 20,
    chart: false,
    retryConfig: { retries: 2, factor: 1, minTimeout: 0, maxTimeout: 5 },
    // Reconnect after a second, not the SDK's five.
    socketPingTimeoutMs: 1000,
  });
  app = await build(config, { adapters: [registrar], store, clock: new FakeClock(Date.parse(START_TIME)) });
});

afterAll(async () => {
  await app?.close();
  await socket?.close();
  await api?.close();
  // The app closed its store; a fresh connection removes this test's prefix (and only it).
  const cleaner = await redisStore(store.keys.prefix);
  await dropPrefix(cleaner);
  await cleaner.close();
});

describe('Slack over Socket Mode', () => {
  it('connects with the app-level token through SLACK_API_URL, with no HTTP endpoint for Slack', async () => {
    const adapter = app.adapters.find((a) => a.name === 'slack');
    expect(adapter).toBeInstanceOf(SlackAdapter);
    expect((adapter as SlackAdapter).mode).toBe('socket-mode');
    await socket.connected(1);
    const opens = api.callsTo('apps.connections.open');
    expect(opens.length).toBeGreaterThanOrEqual(1);
    expect(opens.every((c) => c.authorization === `Bearer ${APP_TOKEN}`)).toBe(true);
    // Slack's HTTP endpoint is not mounted: events only arrive over the socket.
    expect((await app.http.inject({ method: 'POST', url: '/slack/events', payload: {} })).statusCode).toBe(404);
  });

  it('a full round: /assess start, the start modal, votes, a recycled and a dropped connection, /assess close', async () => {
    // /assess start: acked at once, then the start modal opens.
    const startAck = await socket.send('slash_commands', slashCommand('start'));
    expect(startAck.payload ?? {}).toEqual({});
    await api.until(() => api.callsTo('views.open').length === 1);
    const view = api.callsTo('views.open')[0]!.body.view as Json;
    expect((view.title as Json).text).toBe('Starta en omgång');

    // The modal is submitted: the ack closes it, and the welcome and all 13 cards reach the channel.
    const values = submittedValues(view, {
      title: { value: 'Baslinje 2026' },
      pacing: { selected_option: { text: { type: 'plain_text', text: 'Alla faktorer på en gång' }, value: 'all-at-once' } },
      managers: { selected_users: ['U0CARL'] },
      start_date: { selected_date: '2026-01-12' },
      close_date: { selected_date: '2026-02-23' },
    });
    const submitted = await socket.send('interactive', submission('view-submission-start', view, values));
    expect(submitted.payload ?? {}).toEqual({});
    await api.until(() => channelPosts().length === 14);
    expect(headerOf(channelPosts()[0]!)).toBe('Ny omgång: Baslinje 2026');
    expect(channelPosts().slice(1).map((c) => headerOf(c).slice(0, 2))).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13']);
    const [round] = await app.store.listRounds(TEAM);
    roundId = round!.id;
    expect(round).toMatchObject({ status: 'open', title: 'Baslinje 2026', participants: PEOPLE, managers: ['U0CARL'] });

    // A vote: acked, confirmed to the voter alone, the card edited.
    const vote = async (user: string, level: string, n: number) => {
      const ack = await socket.send('interactive', votePayload({ user, roundId, factorId: 'f01', level, actionTs: `1768203500.${n}` }));
      expect(ack.envelope_id).toEqual(expect.any(String));
      await api.until(() => api.callsTo('chat.postEphemeral').filter((c) => c.body.user === user).length >= 1);
    };
    await vote('U0ANNA', 'partly', 1);
    expect(String(api.callsTo('chat.postEphemeral').at(-1)!.body.text)).toMatch(/^Din röst på 01 · Offentliga åtaganden: Stämmer delvis\./);
    await api.until(() => JSON.stringify(api.callsTo('chat.update').at(-1)?.body.blocks ?? '').includes('1 av 4 har röstat'));

    // Slack recycles the connection: the app opens a new one (with a new URL) and keeps working.
    const before = socket.connections;
    socket.askToReconnect();
    await socket.connected(before + 1);
    expect(socket.urlsHandedOut.length).toBeGreaterThanOrEqual(2);
    await vote('U0BO', 'in-place', 2);

    // The connection dies without a word: the app reconnects too.
    const beforeDrop = socket.connections;
    socket.drop();
    await socket.connected(beforeDrop + 1);
    await vote('U0CORA', 'partly', 3);
    await api.until(() => JSON.stringify(api.callsTo('chat.update').at(-1)?.body.blocks ?? '').includes('3 av 4 har röstat'));
    expect(await app.store.getCounts(TEAM, roundId, 'f01')).toEqual({ 'in-place': 1, partly: 2, 'not-in-place': 0, 'dont-know': 0 });

    // An Events API envelope: the Home tab is drawn for the person who opened it.
    const homeAck = await socket.send('events_api', { ...fixture<Json>('event-app-home-opened'), event_id: 'Ev0SOCKET01' });
    expect(homeAck.envelope_id).toEqual(expect.any(String));
    await api.until(() => api.callsTo('views.publish').length === 1);
    expect(api.callsTo('views.publish')[0]!.body.user_id).toBe('U0ANNA');

    // /assess close: the round closes and the summary reaches the channel.
    await socket.send('slash_commands', slashCommand('close confirm'));
    await api.until(() => channelPosts().some((c) => headerOf(c).startsWith('Sammanfattning')));
    expect((await app.store.getRound(TEAM, roundId))!.status).toBe('closed');
    expect(api.responses.map((r) => String(r.body.text))).toContain('Omgången är stängd. Sammanfattningen kommer strax.');
    // Every envelope got its ack, each once.
    expect(new Set(socket.acks.map((a) => a.envelope_id)).size).toBe(socket.acks.length);
  }, 60_000);

  it('card edits recorded by the fake carry fresh block ids, never the first-rendered ones, and keep the action ids', () => {
    const updates = api.callsTo('chat.update');
    expect(updates.length).toBeGreaterThanOrEqual(2);
    const ids = updates.flatMap((u) => ((u.body.blocks as Json[]) ?? []).filter((b) => typeof b.block_id === 'string').map((b) => String(b.block_id)));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id).toMatch(/^(vote|more)\.[0-9a-f]{8}$/);
    expect(new Set(ids).size).toBe(ids.length);
    const votes = updates.map((u) => ((u.body.blocks as Json[]).find((b) => String(b.block_id ?? '').startsWith('vote.'))?.elements as Json[] | undefined)?.map((e) => e.action_id));
    for (const v of votes.filter((x) => x !== undefined)) expect(v).toEqual(['vote:in-place', 'vote:partly', 'vote:not-in-place', 'vote:dont-know']);
  });
});
