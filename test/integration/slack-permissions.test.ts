// Who may do what from Slack: coordinator-only commands, votes from outside the round, closed rounds and a store outage.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { t as tr } from '../../src/core/i18n.js';
import type { Store } from '../../src/core/ports.js';
import { settings } from '../helpers/world.js';
import { CHANNEL, TEAM, buttonPayload, sendCommand, sendInteraction, startSlackApp, switchableStore, votePayload, type SlackTestApp } from '../helpers/slack.js';

let t: SlackTestApp;
let roundId: string;
let outage: (on: boolean) => void;

beforeEach(async () => {
  t = await startSlackApp({
    wrapStore: (redis) => {
      const s = switchableStore(redis);
      outage = s.down;
      return s.store as Store;
    },
  });
  t.slack.addUser({ id: 'U0CORA', name: 'Cora Lind' }).addUser({ id: 'U0BO', name: 'Bo Ek' }).addUser({ id: 'U0EVA', name: 'Eva Utanför' });
  const round = await t.app.service.startRound({
    tenant: TEAM,
    platform: 'slack',
    settings: settings({ channelId: CHANNEL, participants: ['U0CORA', 'U0BO'], startDate: '2026-01-12', closeDate: '2026-02-23' }),
    actor: { id: 'U0CORA', name: 'Cora Lind' },
  });
  roundId = round.id;
});

afterEach(async () => {
  outage(false);
  await t.close();
});

const total = async () => Object.values(await t.app.store.getCounts(TEAM, roundId, 'f01')).reduce((a, b) => a + b, 0);

describe('Slack permissions and failures', () => {
  it('a non-coordinator trying close gets an ephemeral refusal naming the coordinator, and the round stays open', async () => {
    const res = await sendCommand(t, { text: 'close confirm', user_id: 'U0BO', user_name: 'bo.ek' });
    expect(res.statusCode).toBe(200);
    await t.adapter.settled();
    await t.app.scheduler.drain();
    expect(t.slack.responses).toHaveLength(1);
    expect(t.slack.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', text: 'Bara samordnaren kan göra det här. Fråga Cora Lind.' });
    expect((await t.app.store.getRound(TEAM, roundId))!.status).toBe('open');
    expect(t.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('remind and digest are refused for others too', async () => {
    await sendCommand(t, { text: 'remind', user_id: 'U0BO' });
    await sendCommand(t, { text: 'digest', user_id: 'U0BO' });
    await t.adapter.settled();
    expect(t.slack.responses.map((r) => r.body.text)).toEqual([
      'Bara samordnaren kan göra det här. Fråga Cora Lind.',
      'Bara samordnaren kan göra det här. Fråga Cora Lind.',
    ]);
    expect(t.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('an unknown subcommand gets the help text', async () => {
    await sendCommand(t, { text: 'frobnicate' });
    await t.adapter.settled();
    const text = String(t.slack.responses[0]!.body.text);
    expect(text.startsWith('Det kommandot känner jag inte till.')).toBe(true);
    expect(text).toContain('Så här använder du /assess');
  });

  it('a vote from someone outside the round is refused ephemerally and not counted', async () => {
    await sendInteraction(t, votePayload({ user: 'U0EVA', roundId, factorId: 'f01', level: 'in-place' }));
    await t.adapter.settled();
    expect(await total()).toBe(0);
    const [note] = t.slack.callsTo('chat.postEphemeral');
    expect(note!.body).toMatchObject({ user: 'U0EVA', channel: CHANNEL, text: 'Du är inte med i den här omgången. Be Cora Lind att lägga till dig.' });
    expect(t.slack.callsTo('chat.update')).toHaveLength(0);
  });

  it('the answer form does not even open for someone outside the round', async () => {
    await sendInteraction(t, buttonPayload({ user: 'U0EVA', roundId, factorId: 'f01', actionId: 'answer' }));
    await t.adapter.settled();
    expect(t.slack.callsTo('views.open')).toHaveLength(0);
    expect(t.slack.callsTo('chat.postEphemeral')[0]!.body.text).toBe('Du är inte med i den här omgången. Be Cora Lind att lägga till dig.');
  });

  it('a vote after the close is refused with a clear message', async () => {
    await t.app.service.closeRound(TEAM, roundId, { id: 'U0CORA' });
    await sendInteraction(t, votePayload({ user: 'U0BO', roundId, factorId: 'f01', level: 'in-place' }));
    await t.adapter.settled();
    expect(await total()).toBe(0);
    expect(t.slack.callsTo('chat.postEphemeral')[0]!.body.text).toBe(tr('sv', 'errors.ROUND_CLOSED'));
  });

  it('during a store outage a vote gets "try again in a moment", never silence, and nothing is half-written', async () => {
    outage(true);
    const res = await sendInteraction(t, votePayload({ user: 'U0BO', roundId, factorId: 'f01', level: 'partly' }));
    expect(res.statusCode).toBe(200);
    await t.adapter.settled();
    const [note] = t.slack.callsTo('chat.postEphemeral');
    expect(note!.body).toMatchObject({ user: 'U0BO', text: tr('sv', 'errors.STORE_UNAVAILABLE') });
    expect(String(note!.body.text)).toContain('Försök igen om en stund');
    outage(false);
    expect(await total()).toBe(0);
    // Once the store is back, the same click works.
    await sendInteraction(t, votePayload({ user: 'U0BO', roundId, factorId: 'f01', level: 'partly' }));
    await t.adapter.settled();
    expect(await total()).toBe(1);
  });

  it('during a store outage a command answers "try again" instead of failing silently', async () => {
    outage(true);
    await sendCommand(t, { text: 'status' });
    await t.adapter.settled();
    expect(t.slack.responses[0]!.body.text).toBe(tr('sv', 'errors.STORE_UNAVAILABLE'));
  });
});
