// Mention and link injection: people's text (answers, evidence links, context notes, titles, display names) never pings
// anyone and never becomes a link we did not make, in Slack mrkdwn, in Teams markdown, or in the HTML report.
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/core/i18n.js';
import { CHANNEL as TEAMS_CHANNEL, PEOPLE, TENANT, cardAction, channelMessage, fixture } from '../fixtures/teams/activities.js';
import { fakeConnector, textsOf } from '../fixtures/teams/harness.js';
import { mrkdwnTexts } from '../helpers/slack.js';
import { settings } from '../helpers/world.js';
import { ANNA, BO, CHANNEL, CORA, TEAM_A, notesTo, prefixContents, sendCommand, sendRawInteraction, sendVote, startSecApp, type SecApp } from './harness.js';

const PING = '<!channel> <!here> <@U0BO> <!subteam^S0ALL>';
const LINK = '<https://evil.example/login|Logga in här>';
const MD_LINK = '[Logga in här](https://evil.example/login)';
const HTML = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const HOSTILE = `${PING} ${LINK} ${MD_LINK} ${HTML} <at>Cora Lindqvist</at>`;

let s: SecApp;
let roundId: string;

function answerSubmission(texts: Record<string, string>, evidence: string) {
  return {
    type: 'view_submission',
    team: { id: TEAM_A },
    user: { id: ANNA, username: 'anna.berg', team_id: TEAM_A },
    view: {
      id: 'V1',
      callback_id: 'assess-answer',
      private_metadata: JSON.stringify({ t: TEAM_A, r: roundId, f: 'f01', c: CHANNEL }),
      state: {
        values: {
          ...Object.fromEntries(Object.entries(texts).map(([q, v]) => [`q:${q}`, { value: { type: 'plain_text_input', value: v } }])),
          evidence: { value: { type: 'plain_text_input', value: evidence } },
        },
      },
    },
  };
}

/** Every mrkdwn text in everything the bot sent to Slack (API calls and response_url answers). */
function everythingSlackShowed(): string[] {
  return [...s.fake.calls.flatMap((c) => mrkdwnTexts(c.body)), ...s.fake.responses.flatMap((r) => mrkdwnTexts(r.body))];
}

beforeAll(async () => {
  s = await startSecApp();
  s.fake.addUser(CORA, `Cora ${PING}`).addUser(ANNA, `Anna ${LINK}`).addUser(BO, 'Bo Ek').addChannel(CHANNEL, [CORA, ANNA, BO]);
  const round = await s.app.service.startRound({
    tenant: TEAM_A,
    platform: 'slack',
    settings: settings({ channelId: CHANNEL, participants: [CORA, ANNA, BO], managers: ['U0MGR'], title: `Omgång ${PING} ${MD_LINK}`, digestShowNames: true, startDate: '2026-01-12', closeDate: '2026-02-23' }),
    actor: { id: CORA, name: `Cora ${PING}` },
    names: { [ANNA]: `Anna ${LINK}`, [BO]: `Bo ${MD_LINK}` },
  });
  roundId = round.id;
  await s.slack.messenger.postWelcomeAndCards(round);
  await s.slack.settled();
});

afterAll(async () => {
  await s.close();
});

describe('evidence links', () => {
  it.each([
    ['javascript:alert(document.cookie)'],
    ['data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='],
    ['<!channel>'],
    ['vbscript:msgbox'],
    ['file:///etc/passwd'],
  ])('%s is refused on the evidence field, and nothing is stored', async (link) => {
    const before = await prefixContents(s.store);
    const res = await sendRawInteraction(s, answerSubmission({ 'f01-q1': 'Ja.' }, link));
    // Links are split on spaces and commas; the first one that is not http(s) is named.
    expect(JSON.parse(res.text)).toEqual({ response_action: 'errors', errors: { evidence: t('sv', 'errors.BAD_EVIDENCE_LINK', { link: link.split(',')[0]! }) } });
    await s.slack.settled();
    expect(await prefixContents(s.store)).toEqual(before);
  });

  it('a link carrying Slack control characters is stored without < or >, and the answer text as written', async () => {
    const res = await sendRawInteraction(s, answerSubmission({ 'f01-q1': HOSTILE }, 'https://malmo.se/rapport|<!here>'));
    expect(res.text).toBe('');
    await s.slack.settled();
    const saved = await s.store.getMemberAnswer(TEAM_A, roundId, 'f01', ANNA);
    expect(saved!.evidence).toEqual(['https://malmo.se/rapport|%3C!here%3E']);
    // The answer is kept as written: escaping is the renderer's job, not the store's.
    expect(saved!.texts['f01-q1']).toBe(HOSTILE);
  });
});

describe('Slack: nothing the people wrote pings or links', () => {
  beforeAll(async () => {
    s.fake.reset();
    await sendVote(s, { user: ANNA, roundId, factorId: 'f01', level: 'partly' });
    await sendCommand(s, { text: `context national-legislation ${HOSTILE}` });
    await sendCommand(s, { text: 'context' });
    await sendCommand(s, { text: 'status' });
    await sendCommand(s, { text: 'close confirm', user_id: BO });
    await s.slack.settled();
    s.clock.set('2026-01-19T07:00:00Z');
    await s.app.scheduler.drain();
    await sendCommand(s, { text: 'close confirm' });
    await s.slack.settled();
    await s.app.scheduler.drain();
    await s.slack.settled();
  });

  it('the bot said something in each place (the check below is not vacuous)', () => {
    expect(notesTo(s, ANNA)[0]).toMatch(/^Din röst på .*: Stämmer delvis\./);
    expect(s.fake.responses.length).toBeGreaterThanOrEqual(4);
    expect(s.fake.dms().length).toBeGreaterThanOrEqual(1);
    expect(everythingSlackShowed().join('\n')).toContain('&lt;!channel&gt;');
  });

  it('no <!channel>, <!here>, <@user>, <!subteam> or <url|label> from people reaches any mrkdwn text', () => {
    for (const text of everythingSlackShowed()) {
      expect(text).not.toMatch(/<!(channel|here|everyone|subteam)/);
      expect(text).not.toContain('<@U0BO>');
      expect(text).not.toContain('<https://evil.example');
    }
  });
});

describe('Teams: nothing the people wrote becomes a mention or a link', () => {
  let connector: ReturnType<typeof fakeConnector>;
  let teamsRound: string;

  beforeAll(async () => {
    nock.cleanAll();
    connector = fakeConnector();
    const post = (a: unknown) => fetch(`${s.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(a) });
    await post(fixture('conversation-update-bot-added.json'));
    const round = await s.app.service.startRound({
      tenant: TENANT,
      platform: 'teams',
      settings: settings({ channelId: TEAMS_CHANNEL, participants: [PEOPLE.cora.id, PEOPLE.anna.id], managers: [], title: `Omgång ${PING} ${MD_LINK}`, startDate: '2026-01-12', closeDate: '2026-02-23' }),
      actor: { id: PEOPLE.cora.id, name: PEOPLE.cora.name },
    });
    teamsRound = round.id;
    await post(cardAction(PEOPLE.anna, 'answer', { r: teamsRound, f: 'f01', 'q:f01-q1': HOSTILE, evidence: 'https://malmo.se/rapport' }));
    await post(channelMessage(PEOPLE.cora, `assess context national-legislation ${HOSTILE}`));
    await post(channelMessage(PEOPLE.cora, 'assess context'));
    await post(channelMessage(PEOPLE.cora, 'assess status'));
    await s.teams!.flush();
  });

  it('answers were taken and the bot replied (the check below is not vacuous)', async () => {
    expect((await s.store.getMemberAnswer(TENANT, teamsRound, 'f01', PEOPLE.anna.id))?.texts['f01-q1']).toBe(HOSTILE);
    expect(connector.calls.length).toBeGreaterThanOrEqual(3);
  });

  it('no markdown link to evil.example and no mention entity is sent to Teams', () => {
    for (const call of connector.calls) {
      const text = `${String(call.body.text ?? '')}\n${textsOf(call.body.attachments ?? [])}`;
      expect(text).not.toMatch(/\]\(https:\/\/evil\.example/);
      expect((call.body.entities as { type?: string }[] | undefined)?.filter((e) => e.type === 'mention') ?? []).toEqual([]);
    }
  });
});

describe('the HTML report', () => {
  it('shows people’s text as text: no script, no foreign link, only http(s) evidence links', async () => {
    const url = new URL(s.app.reportLinks.url(TEAM_A, roundId));
    const res = await fetch(`${s.base}${url.pathname}?format=html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    // Anna's answer is in the report, escaped.
    expect(html).toMatch(/(&lt;|&#60;)script(&gt;|&#62;)alert\(1\)/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img[^>]+onerror/i);
    expect(html).not.toMatch(/href="(?!https?:|#)/i);
    expect(html).not.toContain('href="https://evil.example');
  });
});
