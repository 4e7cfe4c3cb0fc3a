// A whole round in Slack: /assess start → modal → welcome and 13 cards → votes and answers → reminder → weekly digest → close → summary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDate } from '../../src/core/calendar.js';
import { voteConfirmation } from '../../src/core/views/shared.js';
import { checkSurface } from '../../src/platforms/slack/limits.js';
import {
  BOT_USER,
  CHANNEL,
  TEAM,
  buttonPayload,
  fixture,
  sendCommand,
  sendInteraction,
  startSlackApp,
  submission,
  submittedValues,
  votePayload,
  type RecordedCall,
  type SlackTestApp,
} from '../helpers/slack.js';

type Json = Record<string, unknown>;

const PEOPLE = ['U0CORA', 'U0ANNA', 'U0BO', 'U0CARL', 'U0DINA'];
let t: SlackTestApp;
let roundId: string;
let startView: Json;

function blocksOf(call: RecordedCall): Json[] {
  return call.body.blocks as Json[];
}

function headerOf(call: RecordedCall): string {
  const header = blocksOf(call).find((b) => b.type === 'header');
  return String((header?.text as Json | undefined)?.text ?? '');
}

function allText(call: RecordedCall): string {
  return JSON.stringify(call.body);
}

beforeAll(async () => {
  t = await startSlackApp({ slack: { chart: true } });
  t.slack
    .addUser({ id: 'U0CORA', name: 'Cora Lind', locale: 'sv-SE', tz: 'Europe/Stockholm' })
    .addUser({ id: 'U0ANNA', name: 'Anna Berg' })
    .addUser({ id: 'U0BO', name: 'Bo Ek' })
    .addUser({ id: 'U0CARL', name: 'Carl Nilsson' })
    .addUser({ id: 'U0DINA', name: 'Dina Haddad' })
    .addUser({ id: 'U0MGR', name: 'Maja Stadsdirektör' })
    .addUser({ id: BOT_USER, name: 'Assess', isBot: true })
    .addUser({ id: 'U0POLLY', name: 'Polly', isBot: true })
    .addChannel(CHANNEL, [...PEOPLE, BOT_USER, 'U0POLLY']);
});

afterAll(async () => {
  await t.close();
});

describe('a full round in Slack', () => {
  it('/assess start opens the start modal, prefilled from the defaults', async () => {
    const res = await sendCommand(t, { text: 'start' });
    expect(res.statusCode).toBe(200);
    await t.adapter.settled();
    const [open] = t.slack.callsTo('views.open');
    expect(open).toBeDefined();
    expect(open!.body.trigger_id).toBe(fixture<Json>('slash-command').trigger_id);
    startView = open!.body.view as Json;
    expect(checkSurface('modal', startView as never)).toEqual([]);
    const input = (id: string) => ((startView.blocks as Json[]).find((b) => b.block_id === id)!.element as Json);
    expect(input('channel').initial_conversation).toBe(CHANNEL);
    // The channel's members, every page of them, without the bots.
    expect(input('participants').initial_users).toEqual(PEOPLE);
    expect(t.slack.callsTo('conversations.members').length).toBeGreaterThanOrEqual(3);
    // The coordinator's own timezone and language, from users.info.
    expect(input('timezone').initial_value).toBe('Europe/Stockholm');
    expect((input('locale').initial_option as Json).value).toBe('sv');
    expect((input('pacing').initial_option as Json).value).toBe('staggered');
    expect((startView.title as Json).text).toBe('Starta en omgång');
  });

  it('the submitted form starts the round and posts the welcome and all 13 cards', async () => {
    t.slack.clear();
    const values = submittedValues(startView, {
      title: { value: 'Baslinje 2026' },
      pacing: { selected_option: { text: { type: 'plain_text', text: 'Alla faktorer på en gång' }, value: 'all-at-once' } },
      managers: { selected_users: ['U0MGR'] },
      start_date: { selected_date: '2026-01-12' },
      close_date: { selected_date: '2026-02-23' },
    });
    const res = await sendInteraction(t, submission('view-submission-start', startView, values));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    await t.adapter.settled();

    const rounds = await t.app.store.listRounds(TEAM);
    expect(rounds).toHaveLength(1);
    const round = rounds[0]!;
    roundId = round.id;
    expect(round).toMatchObject({ status: 'open', platform: 'slack', title: 'Baslinje 2026', coordinators: ['U0CORA'], managers: ['U0MGR'], locale: 'sv' });
    expect(round.participants).toEqual(PEOPLE);
    expect(round.calendar.pacing.kind).toBe('all-at-once');

    const posts = t.slack.postsTo(CHANNEL);
    expect(posts).toHaveLength(14);
    expect(headerOf(posts[0]!)).toBe('Ny omgång: Baslinje 2026');
    expect(allText(posts[0]!)).toContain('Cora Lind');
    const headers = posts.slice(1).map(headerOf);
    expect(headers[0]).toBe('01 · Offentliga åtaganden');
    expect(headers.map((h) => h.slice(0, 2))).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13']);
    for (const p of posts) expect(checkSurface('message', p.body as never)).toEqual([]);
    const card = blocksOf(posts[1]!);
    const voteRow = card.find((b) => b.block_id === 'vote')!;
    expect((voteRow.elements as Json[]).map((e) => e.action_id)).toEqual(['vote:in-place', 'vote:partly', 'vote:not-in-place', 'vote:dont-know']);
    expect((voteRow.elements as Json[]).map((e) => (e.text as Json).text)).toEqual(['Stämmer', 'Stämmer delvis', 'Stämmer inte', 'Vet inte']);
    expect(JSON.parse(String((voteRow.elements as Json[])[1]!.value))).toEqual({ r: roundId, f: 'f01', l: 'partly' });

    const refs = await t.app.store.getCardRefs(TEAM, roundId);
    expect(Object.keys(refs)).toHaveLength(13);
    expect(refs.f01).toEqual({ channelId: CHANNEL, messageId: expect.any(String) as string });
    // Every call used the bot token against SLACK_API_URL.
    expect(t.slack.calls.every((c) => c.authorization?.startsWith('Bearer xoxb-'))).toBe(true);
  });

  it('three members vote; each sees only their own confirmation', async () => {
    t.slack.clear();
    const round = (await t.app.store.getRound(TEAM, roundId))!;
    // Anna votes on every factor; Bo and Carl on a few.
    for (const factorId of round.factorIds) {
      expect((await sendInteraction(t, votePayload({ user: 'U0ANNA', roundId, factorId, level: 'partly' }))).statusCode).toBe(200);
    }
    await sendInteraction(t, votePayload({ user: 'U0BO', roundId, factorId: 'f01', level: 'in-place' }));
    await sendInteraction(t, votePayload({ user: 'U0CARL', roundId, factorId: 'f01', level: 'not-in-place' }));
    await sendInteraction(t, votePayload({ user: 'U0CARL', roundId, factorId: 'f02', level: 'partly' }));
    await t.adapter.settled();

    expect(await t.app.store.getCounts(TEAM, roundId, 'f01')).toEqual({ 'in-place': 1, partly: 1, 'not-in-place': 1, 'dont-know': 0 });
    const ephemerals = t.slack.callsTo('chat.postEphemeral');
    expect(ephemerals).toHaveLength(16);
    const annaFirst = ephemerals.find((e) => e.body.user === 'U0ANNA')!;
    expect(annaFirst.body.channel).toBe(CHANNEL);
    expect(annaFirst.body.text).toBe(voteConfirmation('sv', 'partly', '01 · Offentliga åtaganden', round.calendar.closesAt, 'Europe/Stockholm'));
    expect(String(annaFirst.body.text)).toMatch(/^Din röst på 01 · Offentliga åtaganden: Stämmer delvis\. Du kan ändra dig fram till /);
    expect(ephemerals.filter((e) => e.body.user === 'U0BO')).toHaveLength(1);
    // Nothing in the channel itself: confirmations are ephemeral.
    expect(t.slack.postsTo(CHANNEL)).toHaveLength(0);
  });

  it('members answer the questions in the modal; a bad link is shown on the evidence field and nothing is saved', async () => {
    t.slack.clear();
    await sendInteraction(t, buttonPayload({ user: 'U0ANNA', roundId, factorId: 'f01', actionId: 'answer' }));
    await t.adapter.settled();
    const view = t.slack.callsTo('views.open')[0]!.body.view as Json;
    expect(view.callback_id).toBe('assess-answer');
    expect(checkSurface('modal', view as never)).toEqual([]);
    const questionBlocks = (view.blocks as Json[]).filter((b) => String(b.block_id).startsWith('q:'));
    expect(questionBlocks).toHaveLength(4);
    const values = submittedValues(view, {
      'q:f01-q1': { value: 'Ja, i mångfaldsprogrammet från 2024.' },
      'q:f01-q3': { value: 'Pressmeddelanden och stadens webb.' },
      evidence: { value: 'https://malmo.se/mangfaldsprogram.pdf\nhttps://malmo.se/pressmeddelande-2025' },
    });
    const saved = await sendInteraction(t, submission('view-submission-answer', view, values, 'U0ANNA'));
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toBe('');

    // Bo pastes a link that is not a web address: the form stays open with the problem on that field.
    const boView = { ...view };
    const bad = await sendInteraction(t, submission('view-submission-answer', boView, submittedValues(boView, { 'q:f01-q2': { value: 'Sällan.' }, evidence: { value: 'ftp://intranet/protokoll' } }), 'U0BO'));
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toEqual({ response_action: 'errors', errors: { evidence: expect.stringContaining('ftp://intranet/protokoll') as string } });
    await t.adapter.settled();
    expect(await t.app.service.myAnswer((await t.app.store.getRound(TEAM, roundId))!, 'f01', 'U0BO')).toBeNull();
    const fixed = await sendInteraction(t, submission('view-submission-answer', boView, submittedValues(boView, { 'q:f01-q2': { value: 'Sällan.' } }), 'U0BO'));
    expect(fixed.body).toBe('');
    await sendInteraction(t, submission('view-submission-answer', boView, submittedValues(boView, { 'q:f01-q4': { value: 'Festivalen varje maj.' } }), 'U0CARL'));
    await t.adapter.settled();

    const round = (await t.app.store.getRound(TEAM, roundId))!;
    const anna = await t.app.service.myAnswer(round, 'f01', 'U0ANNA');
    expect(anna?.texts).toEqual({ 'f01-q1': 'Ja, i mångfaldsprogrammet från 2024.', 'f01-q3': 'Pressmeddelanden och stadens webb.' });
    expect(anna?.evidence).toEqual(['https://malmo.se/mangfaldsprogram.pdf', 'https://malmo.se/pressmeddelande-2025']);
    expect(t.slack.callsTo('chat.postEphemeral').map((c) => c.body.text)).toContain('Tack! Ditt svar på 01 · Offentliga åtaganden är sparat.');

    // Opening the form again shows what Anna saved, so she can continue.
    t.slack.clear();
    await sendInteraction(t, buttonPayload({ user: 'U0ANNA', roundId, factorId: 'f01', actionId: 'answer' }));
    await t.adapter.settled();
    const again = t.slack.callsTo('views.open')[0]!.body.view as Json;
    const q1 = (again.blocks as Json[]).find((b) => b.block_id === 'q:f01-q1')!.element as Json;
    expect(q1.initial_value).toBe('Ja, i mångfaldsprogrammet från 2024.');
  });

  it('the card shows the live tally after the coalescing window', async () => {
    t.slack.clear();
    t.timers.fireAll();
    await t.adapter.settled();
    const refs = await t.app.store.getCardRefs(TEAM, roundId);
    const f01 = t.slack.callsTo('chat.update').filter((c) => c.body.ts === refs.f01!.messageId);
    expect(f01.length).toBeGreaterThanOrEqual(1);
    const last = JSON.stringify(f01.at(-1)!.body.blocks);
    expect(last).toContain('3 av 5 har röstat · 3 har svarat · 2 bevislänkar');
    expect(last).toContain('Stämmer 1 · Stämmer delvis 1 · Stämmer inte 1 · Vet inte 0');
  });

  it('the remind command DMs only the people who have not responded, with a link to each card', async () => {
    t.slack.clear();
    await sendCommand(t, { text: 'remind' });
    await t.adapter.settled();
    // #17: `remind` says whom it reminded (named round).
    expect(t.slack.responses.at(-1)!.body.text).toBe('Påminde 4 personer: Cora Lind, Bo Ek, Carl Nilsson, Dina Haddad');
    const dmTargets = t.slack.callsTo('chat.postMessage').map((c) => c.body.channel);
    expect(new Set(dmTargets)).toEqual(new Set(['U0CORA', 'U0BO', 'U0CARL', 'U0DINA']));
    expect(dmTargets).not.toContain('U0ANNA');
    const bo = t.slack.postsTo('U0BO')[0]!;
    expect(checkSurface('message', bo.body as never)).toEqual([]);
    expect(String(bo.body.text)).toMatch(/^12 faktorer väntar på dig: 02 · /);
    const buttons = blocksOf(bo).flatMap((b) => (b.accessory ? [b.accessory as Json] : []));
    // #17: a long reminder names its factors on one line and gives the first three a button, not twelve buttons.
    expect(buttons).toHaveLength(3);
    expect(String(buttons[0]!.url)).toMatch(/^https:\/\/malmo-stad\.slack\.com\/archives\/C0MANGFALD\/p/);
    expect(t.slack.callsTo('chat.getPermalink').length).toBeGreaterThan(0);
  });

  it('the weekly digest goes to the manager on Monday morning', async () => {
    t.slack.clear();
    t.clock.set('2026-01-19T07:00:00Z');
    await t.app.scheduler.drain();
    await t.adapter.settled();
    const digest = t.slack.postsTo('U0MGR');
    expect(digest).toHaveLength(1);
    expect(headerOf(digest[0]!)).toBe('Veckobrev: Baslinje 2026');
    expect(checkSurface('message', digest[0]!.body as never)).toEqual([]);
    expect(t.slack.postsTo(CHANNEL)).toHaveLength(0);
  });

  it('a non-coordinator cannot close; the coordinator can, and the summary reaches the channel and the manager', async () => {
    t.slack.clear();
    await sendCommand(t, { text: 'close confirm', user_id: 'U0BO', user_name: 'bo.ek' });
    await t.adapter.settled();
    expect(t.slack.responses.at(-1)!.body).toMatchObject({ response_type: 'ephemeral', text: 'Bara samordnaren kan göra det här. Fråga Cora Lind.' });
    expect((await t.app.store.getRound(TEAM, roundId))!.status).toBe('open');

    await sendCommand(t, { text: 'close confirm' });
    await t.adapter.settled();
    await t.app.scheduler.drain();
    await t.adapter.settled();
    expect(t.slack.responses.at(-1)!.body.text).toBe('Omgången är stängd. Sammanfattningen kommer strax.');
    expect((await t.app.store.getRound(TEAM, roundId))!.status).toBe('closed');
    const summary = t.slack.postsTo(CHANNEL);
    expect(summary).toHaveLength(1);
    expect(headerOf(summary[0]!)).toBe('Sammanfattning: Baslinje 2026');
    expect(checkSurface('message', summary[0]!.body as never)).toEqual([]);
    expect(allText(summary[0]!)).toContain('https://assess.malmo.example/reports/');
    expect(t.slack.postsTo('U0MGR').map(headerOf)).toEqual(['Sammanfattning: Baslinje 2026']);
    // The chart is uploaded to the channel with the numbers as alt text.
    const upload = t.slack.callsTo('files.getUploadURLExternal')[0];
    expect(upload?.body.alt_txt ?? upload?.body.alt_text).toMatch(/^Poäng per nyckelfaktor/);
    expect(t.slack.uploads).toHaveLength(1);
    expect(t.slack.callsTo('files.completeUploadExternal')[0]!.body.channel_id).toBe(CHANNEL);

    // The cards lose their buttons once the round is closed.
    t.timers.fireAll();
    await t.adapter.settled();
    const updates = t.slack.callsTo('chat.update');
    expect(updates).toHaveLength(13);
    for (const u of updates) expect(JSON.stringify(u.body.blocks)).not.toContain('vote:partly');
    expect(JSON.stringify(updates[0]!.body.blocks)).toContain('Omgången är stängd');
  });

  it('the digest command posts the summary in the channel on request', async () => {
    t.slack.clear();
    await sendCommand(t, { text: 'digest' });
    await t.adapter.settled();
    const posted = t.slack.postsTo(CHANNEL);
    expect(posted).toHaveLength(1);
    expect(headerOf(posted[0]!)).toBe('Sammanfattning: Baslinje 2026');
    const round = (await t.app.store.getRound(TEAM, roundId))!;
    expect(allText(posted[0]!)).toContain(formatDate(round.calendar.closesAt, 'Europe/Stockholm', 'sv'));
  });
});
