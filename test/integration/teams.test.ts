// Teams end to end: real Bot Framework activities into /api/messages, real Redis, the Bot Connector faked with nock.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateAdaptiveCard, type AdaptiveCard } from '../../src/cards/adaptive.js';
import { t } from '../../src/core/i18n.js';
import { REFERENCE_COLLECTION } from '../../src/platforms/teams/references.js';
import { dropPrefix } from '../helpers/world.js';
import { BOT, CHANNEL, PEOPLE, SERVICE_URL, TEAM, TENANT, cardAction, cardSubmit, channelMessage, fixture, type Person } from '../fixtures/teams/activities.js';
import { cardOf, fakeConnector, startApp, textsOf, type Harness } from '../fixtures/teams/harness.js';

const PACK = 'integrating-cities-diversity';

interface InvokeBody {
  statusCode: number;
  type: string;
  value: AdaptiveCard | { code: string; message: string } | string;
}

function expectValidCard(card: AdaptiveCard): void {
  const { warnings, size } = validateAdaptiveCard(card);
  expect(warnings).toEqual([]);
  expect(size).toBeLessThan(80 * 1024);
}

/** Directory (AAD object) ids, what Teams' people picker submits, from the channel's member list. */
const AAD: Record<string, string> = Object.fromEntries(
  (fixture('paged-members.json') as { members: { id: string; aadObjectId: string }[] }).members.map((m) => [m.id, m.aadObjectId]),
);

/** What Teams sends when the start form is submitted: the inputs' values (strings) merged into the action data. */
function startFormValues(people: { participants: Person[]; managers: Person[] }): Record<string, unknown> {
  return {
    channelId: CHANNEL,
    channelName: 'mangfald-utvardering',
    title: '',
    packId: PACK,
    locale: 'sv',
    mode: 'internal-evaluation',
    everyone: people.participants.length > 0 ? 'false' : 'true',
    participants: people.participants.map((p) => AAD[p.id]).join(','),
    managers: people.managers.map((p) => AAD[p.id]).join(','),
    pacing: 'all-at-once',
    staggerEveryDays: '2',
    startDate: '2026-03-02',
    closeDate: '2026-04-13',
    timezone: 'Europe/Stockholm',
    reminderDaysBefore: '2',
    reminderTime: '09:00',
    digestWeekday: '1',
    digestTime: '08:00',
    anonymous: 'false',
    isBaseline: 'true',
  };
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/(127\.0\.0\.1|localhost)/);
});

afterEach(() => {
  nock.cleanAll();
});

afterAll(() => {
  nock.enableNetConnect();
});

describe('Teams: a full round through card actions', () => {
  let h: Harness;
  let roundId = '';
  const connector = { current: fakeConnector() };

  beforeAll(async () => {
    h = await startApp();
  });

  afterAll(async () => {
    await dropPrefix(h.store);
    await h.app.close();
  });

  it('remembers the channel when the bot is added to a team', async () => {
    connector.current = fakeConnector();
    const res = await h.post(fixture('conversation-update-bot-added.json'));
    expect(res.status).toBe(200);
    const rec = await h.store.getRecord(REFERENCE_COLLECTION, `conv|${TENANT}|${TEAM}`);
    expect(rec).toMatchObject({ kind: 'conversation', teamId: TEAM, ref: { serviceUrl: SERVICE_URL, bot: { id: BOT } } });
    expect(connector.current.calls).toEqual([]);
  });

  it('answers "assess start" with the start form: everyone in the channel by default, others picked with Teams\' people picker', async () => {
    const c = (connector.current = fakeConnector());
    const res = await h.post(channelMessage(PEOPLE.cora, 'assess start'));
    expect(res.status).toBe(200);
    expect(c.calls.some((x) => x.method === 'GET' && x.path.includes(`${TEAM}/pagedmembers`))).toBe(true);
    const replies = c.posts(`${CHANNEL};messageid=`);
    expect(replies).toHaveLength(1);
    const form = cardOf(replies[0]!);
    expectValidCard(form);
    expect(textsOf(form)).toContain(t('sv', 'form.title'));
    const inputs = form.body.filter((e) => typeof e.id === 'string');
    expect(inputs.find((e) => e.id === 'everyone')).toMatchObject({ type: 'Input.Toggle', value: 'true' });
    expect(inputs.find((e) => e.id === 'participants')).toMatchObject({
      type: 'Input.ChoiceSet',
      isMultiSelect: true,
      value: '',
      choices: [],
      'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
    });
    // Nobody is listed: the form's size does not grow with the team.
    for (const p of Object.values(PEOPLE)) expect(JSON.stringify(form)).not.toContain(p.id);
    const start = (form.actions ?? []).find((a) => a.verb === 'start');
    expect(start?.type).toBe('Action.Execute');
    expect(start?.fallback).toMatchObject({ type: 'Action.Submit', data: { verb: 'start' } });
  });

  it('someone picked who is not in the channel stops the start with a clear sentence, and nothing is stored', async () => {
    connector.current = fakeConnector();
    const before = await h.store.listRounds(TENANT);
    const values = { ...startFormValues({ participants: [PEOPLE.cora, PEOPLE.anna], managers: [] }), managers: '0d1e2f3a-0000-4000-8000-0000000000ff' };
    const res = await h.post(cardAction(PEOPLE.cora, 'start', values));
    const body = res.body as InvokeBody;
    expect(body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'INVALID_INPUT' } });
    expect((body.value as { message: string }).message).toContain(`${t('sv', 'form.managers')}: ${t('sv', 'cards.form.problems.notInChannel.one')}`);
    expect(await h.store.listRounds(TENANT)).toEqual(before);
  });

  it('starts the round from the form: the form becomes a confirmation, then welcome and 13 cards reach the channel', async () => {
    const c = (connector.current = fakeConnector());
    const values = startFormValues({ participants: [PEOPLE.cora, PEOPLE.anna, PEOPLE.bo, PEOPLE.cecilia], managers: [PEOPLE.david] });
    const res = await h.post(cardAction(PEOPLE.cora, 'start', values));
    expect(res.status).toBe(200);
    const body = res.body as InvokeBody;
    expect(body.statusCode).toBe(200);
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(textsOf(body.value)).toBe(t('sv', 'commands.started', { count: 13 }));

    await h.teams.flush();
    const posts = c.posts(`/v3/conversations/${CHANNEL}/activities`);
    expect(posts).toHaveLength(14);
    expect(textsOf(cardOf(posts[0]!))).toContain('Cora Lindqvist');
    for (const p of posts) expectValidCard(cardOf(p));
    const first = cardOf(posts[1]!);
    expect(textsOf(first)).toContain('01 · Offentliga åtaganden');
    expect(first.refresh?.userIds).toEqual(expect.arrayContaining([PEOPLE.anna.id, PEOPLE.cora.id]));

    const rounds = await h.store.listRounds(TENANT);
    expect(rounds).toHaveLength(1);
    roundId = rounds[0]!.id;
    // The picker's directory ids became the channel members the bot reaches people by.
    expect(rounds[0]).toMatchObject({ platform: 'teams', channel: { id: CHANNEL }, managers: [PEOPLE.david.id], coordinators: [PEOPLE.cora.id] });
    expect(rounds[0]!.participants).toEqual([PEOPLE.cora.id, PEOPLE.anna.id, PEOPLE.bo.id, PEOPLE.cecilia.id]);
    expect(Object.keys(await h.store.getCardRefs(TENANT, roundId))).toHaveLength(13);
  });

  it('three members vote: each sees their own vote and the live tally; the channel copy is edited with the latest count', async () => {
    const c = (connector.current = fakeConnector());
    const refs = await h.store.getCardRefs(TENANT, roundId);
    const votes: [Person, string][] = [
      [PEOPLE.anna, 'partly'],
      [PEOPLE.bo, 'in-place'],
      [PEOPLE.cecilia, 'partly'],
    ];
    for (const [person, level] of votes) {
      const res = await h.post(cardAction(person, 'vote', { r: roundId, f: 'f01', l: level }, { replyToId: refs.f01!.messageId }));
      const body = res.body as InvokeBody;
      expect(body.statusCode).toBe(200);
      const card = body.value as AdaptiveCard;
      expectValidCard(card);
      expect(textsOf(card)).toContain(t('sv', 'card.yourVote', { level: t('sv', `levels.${level}`) }));
      expect(textsOf(card)).toContain(`${t('sv', 'vote.confirmed', { level: t('sv', `levels.${level}`), factor: '01 · Offentliga åtaganden', until: '' }).split(' Du kan')[0]}`);
    }
    await h.teams.flush();
    const edits = c.puts(`/activities/${refs.f01!.messageId}`);
    expect(edits.length).toBeGreaterThanOrEqual(1);
    expect(edits.length).toBeLessThanOrEqual(3);
    const shared = cardOf(edits.at(-1)!);
    expect(textsOf(shared)).toContain(t('sv', 'card.voted', { voted: 3, eligible: 4 }));
    // The shared copy shows nobody's own vote.
    expect(textsOf(shared)).not.toContain(t('sv', 'card.yourVote', { level: t('sv', 'levels.partly') }));
    expect((await h.store.getCounts(TENANT, roundId, 'f01'))).toEqual({ 'in-place': 1, partly: 2, 'not-in-place': 0, 'dont-know': 0 });
  });

  it('a repeated delivery of the same vote is counted once', async () => {
    connector.current = fakeConnector();
    const press = cardAction(PEOPLE.anna, 'vote', { r: roundId, f: 'f02', l: 'not-in-place' });
    await h.post(press);
    const again = await h.post(press);
    expect(textsOf((again.body as InvokeBody).value)).toContain(t('sv', 'vote.duplicate'));
    expect((await h.store.getCounts(TENANT, roundId, 'f02'))['not-in-place']).toBe(1);
  });

  it('answers are saved from the answer form and prefilled next time', async () => {
    connector.current = fakeConnector();
    const q = h.app.packs.factor(PACK, 'sv', 'f01').questions;
    const data = {
      r: roundId,
      f: 'f01',
      [`q:${q[0]!.id}`]: 'Ja, i kommunens mångfaldspolicy från 2024.',
      [`q:${q[1]!.id}`]: '',
      evidence: 'https://kommun.example/protokoll/2024-05.pdf\nhttps://kommun.example/arsredovisning',
    };
    const res = await h.post(cardAction(PEOPLE.anna, 'answer', data));
    const body = res.body as InvokeBody;
    expect(body.statusCode).toBe(200);
    expect(textsOf(body.value)).toContain(t('sv', 'answer.saved', { factor: '01 · Offentliga åtaganden' }));
    expect(JSON.stringify(body.value)).toContain('Ja, i kommunens mångfaldspolicy från 2024.');
    const saved = await h.store.getMemberAnswer(TENANT, roundId, 'f01', PEOPLE.anna.id);
    expect(saved).toMatchObject({ texts: { [q[0]!.id]: 'Ja, i kommunens mångfaldspolicy från 2024.' }, evidence: ['https://kommun.example/protokoll/2024-05.pdf', 'https://kommun.example/arsredovisning'] });
  });

  it('a bad evidence link is refused with a localised error invoke response, and nothing is saved', async () => {
    connector.current = fakeConnector();
    const res = await h.post(cardAction(PEOPLE.bo, 'answer', { r: roundId, f: 'f03', evidence: 'javascript:alert(1)' }));
    const body = res.body as InvokeBody;
    expect(body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BAD_EVIDENCE_LINK' } });
    expect((body.value as { message: string }).message).toContain('http');
    expect(await h.store.getMemberAnswer(TENANT, roundId, 'f03', PEOPLE.bo.id)).toBeNull();
  });

  it('a refresh shows that person their own vote', async () => {
    connector.current = fakeConnector();
    const res = await h.post(cardAction(PEOPLE.bo, 'refresh', { r: roundId, f: 'f01' }));
    const body = res.body as InvokeBody;
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    const text = textsOf(body.value);
    expect(text).toContain(t('sv', 'card.yourVote', { level: t('sv', 'levels.in-place') }));
    expect(text).toContain(t('sv', 'card.voted', { voted: 3, eligible: 4 }));
    // Bo's copy highlights his button.
    const buttons = JSON.stringify(body.value).match(/"title":"Stämmer"[^}]*"style":"(\w+)"/);
    expect(buttons?.[1]).toBe('positive');
  });

  it('someone outside the round gets a clear refusal, not a crash', async () => {
    connector.current = fakeConnector();
    const res = await h.post(cardAction(PEOPLE.david, 'vote', { r: roundId, f: 'f01', l: 'partly' }));
    expect(res.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'NOT_PARTICIPANT' } });
    expect((res.body as { value: { message: string } }).value.message).toBe(t('sv', 'errors.NOT_PARTICIPANT', { coordinator: 'Cora Lindqvist' }));
  });

  it('a garbled card action gets a localised 400, never a 500', async () => {
    connector.current = fakeConnector();
    const res = await h.post(cardAction(PEOPLE.anna, 'vote', { r: roundId, f: 'f01', l: 'maybe' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'INVALID_INPUT' } });
    const noValue = cardAction(PEOPLE.anna, 'vote', {});
    delete (noValue as { value?: unknown }).value;
    const res2 = await h.post(noValue);
    expect(res2.body).toMatchObject({ statusCode: 400, value: { code: 'INVALID_INPUT' } });
    const res3 = await h.app.http.inject({ method: 'POST', url: '/api/messages', payload: [1, 2] });
    expect(res3.statusCode).toBe(400);
  });

  it('the Action.Submit fallback votes too, and answers with a text reply', async () => {
    const c = (connector.current = fakeConnector());
    const refs = await h.store.getCardRefs(TENANT, roundId);
    const res = await h.post(cardSubmit(PEOPLE.cecilia, 'vote', { r: roundId, f: 'f04', l: 'dont-know' }, refs.f04!.messageId));
    expect(res.status).toBe(200);
    expect((await h.store.getCounts(TENANT, roundId, 'f04'))['dont-know']).toBe(1);
    const replies = c.posts(`${CHANNEL};messageid=${refs.f04!.messageId}`);
    expect(replies).toHaveLength(1);
    expect(String(replies[0]!.body.text)).toContain(t('sv', 'levels.dont-know'));
  });

  it('a non-coordinator trying to close is told who can', async () => {
    const c = (connector.current = fakeConnector());
    await h.post(channelMessage(PEOPLE.bo, 'assess close confirm'));
    const replies = c.posts(`${CHANNEL};messageid=`);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body.text).toBe(t('sv', 'errors.NOT_COORDINATOR', { coordinator: 'Cora Lindqvist' }));
    expect((await h.store.getRound(TENANT, roundId))?.status).toBe('open');
  });

  it('reminders arrive as 1:1 chats to those who have not responded, created through the connector', async () => {
    const c = (connector.current = fakeConnector());
    // Two days before the due date, 09:00 Stockholm (summer time).
    h.clock.set('2026-04-11T07:00:00Z');
    await h.app.scheduler.drain();
    await h.teams.flush();
    const created = c.calls.filter((x) => x.method === 'POST' && /\/v3\/conversations$/.test(x.path));
    const members = created.map((x) => (x.body.members as { id: string }[])[0]!.id).sort();
    expect(members).toEqual([PEOPLE.cora.id, PEOPLE.anna.id, PEOPLE.bo.id, PEOPLE.cecilia.id, PEOPLE.david.id].sort());
    for (const x of created) expect(x.body).toMatchObject({ isGroup: false, bot: { id: BOT }, tenantId: TENANT });
    const toBo = c.posts(`a:1on1-${PEOPLE.bo.id}/activities`);
    expect(toBo).toHaveLength(1);
    const reminder = cardOf(toBo[0]!);
    expectValidCard(reminder);
    expect(textsOf(reminder)).toContain('02 · Strategi');
    expect(textsOf(reminder)).not.toContain('01 · Offentliga åtaganden (');
    // The manager's weekly digest (Monday 6 April, still fresh) went to David's 1:1 chat.
    const toDavid = c.posts(`a:1on1-${PEOPLE.david.id}/activities`);
    expect(toDavid).toHaveLength(1);
    expect(textsOf(cardOf(toDavid[0]!))).toContain(t('sv', 'digest.title.weekly', { title: 'Kulturell mångfald' }).split(':')[0]!);
    const saved = await h.store.getRecord(REFERENCE_COLLECTION, `user|${TENANT}|${PEOPLE.bo.id}`);
    expect(saved).toMatchObject({ ref: { conversation: { id: `a:1on1-${PEOPLE.bo.id}` } } });
  });

  it('the "open" button of a reminder brings the card into the 1:1 chat', async () => {
    const c = (connector.current = fakeConnector());
    const res = await h.post(cardAction(PEOPLE.bo, 'open-card', { r: roundId, f: 'f02' }, { personal: true }));
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: t('sv', 'teams.cardBelow') });
    const sent = c.posts(`a:1on1-${PEOPLE.bo.id}/activities`);
    expect(sent).toHaveLength(1);
    expect(textsOf(cardOf(sent[0]!))).toContain('02 · Strategi');
  });

  it('the coordinator closes: the summary goes to the channel and the manager, and the cards lose their buttons', async () => {
    const c = (connector.current = fakeConnector());
    await h.post(channelMessage(PEOPLE.cora, 'assess close confirm'));
    await h.app.scheduler.drain();
    await h.teams.flush();
    const reply = c.posts(`${CHANNEL};messageid=`);
    expect(reply[0]!.body.text).toBe(t('sv', 'commands.closed'));
    const summary = c.posts(`/v3/conversations/${CHANNEL}/activities`);
    expect(summary).toHaveLength(1);
    const digest = cardOf(summary[0]!);
    expectValidCard(digest);
    expect(textsOf(digest)).toContain('01 · Offentliga åtaganden');
    expect((digest.actions ?? []).map((a) => a.type)).toContain('Action.OpenUrl');
    expect(c.posts(`a:1on1-${PEOPLE.david.id}/activities`)).toHaveLength(1);
    const refs = await h.store.getCardRefs(TENANT, roundId);
    const closedEdit = c.puts(`/activities/${refs.f05!.messageId}`);
    expect(closedEdit).toHaveLength(1);
    const closedCard = cardOf(closedEdit[0]!);
    expect(closedCard.actions ?? []).toEqual([]);
    expect(JSON.stringify(closedCard)).not.toContain('"verb":"vote"');
    expect(textsOf(closedCard)).toContain(t('sv', 'card.closed'));
  });

  it('after the close a vote is refused with the round-closed message', async () => {
    connector.current = fakeConnector();
    const res = await h.post(cardAction(PEOPLE.anna, 'vote', { r: roundId, f: 'f01', l: 'in-place' }));
    expect(res.body).toMatchObject({ statusCode: 400, value: { code: 'ROUND_CLOSED', message: t('sv', 'errors.ROUND_CLOSED') } });
  });

  it('"assess digest" posts the summary card in the thread', async () => {
    const c = (connector.current = fakeConnector());
    await h.post(channelMessage(PEOPLE.cora, 'assess digest'));
    const reply = c.posts(`${CHANNEL};messageid=`);
    expect(reply).toHaveLength(1);
    const card = cardOf(reply[0]!);
    expectValidCard(card);
    expect(textsOf(card)).toContain(t('sv', 'digest.title.final', { title: 'Kulturell mångfald' }));
  });

  it('removing the app deletes the references for that team', async () => {
    connector.current = fakeConnector();
    expect(await h.store.getRecord(REFERENCE_COLLECTION, `conv|${TENANT}|${CHANNEL}`)).not.toBeNull();
    const res = await h.post(fixture('installation-update-remove.json'));
    expect(res.status).toBe(200);
    expect(await h.store.getRecord(REFERENCE_COLLECTION, `conv|${TENANT}|${CHANNEL}`)).toBeNull();
    expect(await h.store.getRecord(REFERENCE_COLLECTION, `conv|${TENANT}|${TEAM}`)).toBeNull();
  });
});
