// User text can't ping or link: `<!channel> & <http://x|y>` in a title, a name, an answer and a context note renders literally everywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BOT_USER,
  CHANNEL,
  TEAM,
  buttonPayload,
  fixture,
  mrkdwnTexts,
  sendCommand,
  sendEvent,
  sendInteraction,
  startSlackApp,
  submission,
  submittedValues,
  type SlackTestApp,
} from '../helpers/slack.js';

type Json = Record<string, unknown>;
const INJ = '<!channel> & <http://x|y>';
const ESCAPED = '&lt;!channel&gt; &amp; &lt;http://x|y&gt;';

let t: SlackTestApp;
let roundId: string;

beforeAll(async () => {
  t = await startSlackApp();
  t.slack
    .addUser({ id: 'U0CORA', name: `Cora ${INJ}` })
    .addUser({ id: 'U0ANNA', name: 'Anna Berg' })
    .addUser({ id: 'U0BO', name: 'Bo Ek' })
    .addUser({ id: 'U0MGR', name: 'Maja Chef' })
    .addUser({ id: BOT_USER, name: 'Assess', isBot: true })
    .addChannel(CHANNEL, ['U0CORA', 'U0ANNA', BOT_USER]);

  await sendCommand(t, { text: 'start' });
  await t.adapter.settled();
  const view = t.slack.callsTo('views.open')[0]!.body.view as Json;
  const values = submittedValues(view, {
    title: { value: INJ },
    pacing: { selected_option: { value: 'all-at-once' } },
    managers: { selected_users: ['U0MGR'] },
    start_date: { selected_date: '2026-01-12' },
    close_date: { selected_date: '2026-02-23' },
  });
  const res = await sendInteraction(t, submission('view-submission-start', view, values));
  expect(res.body).toBe('');
  await t.adapter.settled();
  roundId = (await t.app.store.listRounds(TEAM))[0]!.id;

  // Anna answers with the text; the coordinator notes a context factor with it.
  await sendInteraction(t, buttonPayload({ user: 'U0ANNA', roundId, factorId: 'f01', actionId: 'answer' }));
  await t.adapter.settled();
  const answerView = t.slack.callsTo('views.open').at(-1)!.body.view as Json;
  // One at a time, as people would: each step sees the one before.
  const steps = [
    () => sendInteraction(t, submission('view-submission-answer', answerView, submittedValues(answerView, { 'q:f01-q1': { value: INJ } }), 'U0ANNA')),
    () => sendCommand(t, { text: `context national-legislation ${INJ}` }),
    () => sendCommand(t, { text: 'context' }),
    () => sendCommand(t, { text: 'close confirm', user_id: 'U0BO' }),
    () => sendCommand(t, { text: 'status' }),
    () => sendInteraction(t, buttonPayload({ user: 'U0ANNA', roundId, factorId: 'f01', actionId: 'answer' })),
    () => sendEvent(t, fixture('event-app-home-opened')),
  ];
  for (const step of steps) {
    await step();
    await t.adapter.settled();
  }
  t.clock.set('2026-01-19T07:00:00Z');
  await t.app.scheduler.drain();
  await sendCommand(t, { text: 'close confirm' });
  await t.adapter.settled();
  await t.app.scheduler.drain();
  await t.adapter.settled();
});

afterAll(async () => {
  await t.close();
});

function everyPayload(): { where: string; body: Json }[] {
  return [
    ...t.slack.calls.map((c) => ({ where: c.method, body: c.body })),
    ...t.slack.responses.map((r) => ({ where: 'response_url', body: r.body })),
  ];
}

describe('user text in mrkdwn', () => {
  it('never reaches Slack unescaped in any mrkdwn text', () => {
    const offenders = everyPayload().flatMap(({ where, body }) =>
      mrkdwnTexts(body)
        .filter((text) => text.includes('<!channel>') || text.includes('<http://x|y>'))
        .map((text) => `${where}: ${text.slice(0, 120)}`),
    );
    expect(offenders).toEqual([]);
  });

  it('shows the text escaped in the welcome, the context reply and list, the refusal, the status, the digest, the summary and the home tab', () => {
    const places = new Set(
      everyPayload()
        .filter(({ body }) => mrkdwnTexts(body).some((text) => text.includes(ESCAPED)))
        .map(({ where, body }) => `${where}:${String((body.view as Json | undefined)?.type ?? body.channel ?? '')}`),
    );
    expect(places).toEqual(
      new Set([
        `chat.postMessage:${CHANNEL}`, // welcome (coordinator name) and the summary (context note)
        'chat.postMessage:U0MGR', // weekly digest and summary to the manager
        'response_url:', // context reply, context list, refusal, status
        'views.publish:home', // the round's title in the home tab
      ]),
    );
    const responses = t.slack.responses.map((r) => mrkdwnTexts(r.body).join('\n'));
    // The context note confirmation names the factor; the list, the refusal and the status carry the text.
    expect(responses.filter((r) => r.includes(ESCAPED)).length).toBeGreaterThanOrEqual(3);
    const summary = t.slack.postsTo(CHANNEL).at(-1)!;
    expect(JSON.stringify(summary.body.blocks)).toContain('Sammanfattning');
    expect(mrkdwnTexts(summary.body).some((m) => m.includes(`Nationell lagstiftning och praxis: ${ESCAPED}`))).toBe(true);
    const welcome = t.slack.postsTo(CHANNEL)[0]!;
    expect(mrkdwnTexts(welcome.body).some((m) => m.includes(`Samordnare: Cora ${ESCAPED}`))).toBe(true);
  });

  it('keeps plain_text literal: the answer form shows exactly what was typed, the headers carry the title as is', () => {
    const reopened = t.slack.callsTo('views.open').at(-1)!.body.view as Json;
    const q1 = (reopened.blocks as Json[]).find((b) => b.block_id === 'q:f01-q1')!.element as Json;
    expect(q1.initial_value).toBe(INJ);
    const welcome = t.slack.postsTo(CHANNEL)[0]!;
    expect(((welcome.body.blocks as Json[])[0]!.text as Json)).toEqual({ type: 'plain_text', text: `Ny omgång: ${INJ}`, emoji: true });
    expect(String(welcome.body.text)).toBe(`Ny omgång: ${ESCAPED}`);
  });
});
