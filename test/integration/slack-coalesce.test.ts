// Live tallies without a flood of edits: a burst of votes on one card gives far fewer chat.update calls, the last one exact.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LEVELS } from '../../src/core/model.js';
import { settings } from '../helpers/world.js';
import { CHANNEL, TEAM, sendInteraction, startSlackApp, votePayload, type SlackTestApp } from '../helpers/slack.js';

const PEOPLE = Array.from({ length: 20 }, (_, i) => `U0P${String(i).padStart(2, '0')}`);
let t: SlackTestApp;
let roundId: string;
let f01Ts: string;

beforeEach(async () => {
  t = await startSlackApp({ slack: { coalesceMs: 1000 } });
  t.slack.addUser({ id: 'U0CORA', name: 'Cora Lind' });
  const round = await t.app.service.startRound({
    tenant: TEAM,
    platform: 'slack',
    settings: settings({ channelId: CHANNEL, participants: PEOPLE, startDate: '2026-01-12', closeDate: '2026-02-23' }),
    actor: { id: 'U0CORA', name: 'Cora Lind' },
  });
  roundId = round.id;
  await t.adapter.messenger.postWelcomeAndCards(round);
  f01Ts = (await t.app.store.getCardRefs(TEAM, roundId)).f01!.messageId;
  t.slack.clear();
});

afterEach(async () => {
  await t.close();
});

const f01Updates = () => t.slack.callsTo('chat.update').filter((c) => c.body.ts === f01Ts);

describe('coalesced card updates', () => {
  it('20 votes at once give at most two edits, and the last shows the exact final tally', async () => {
    const responses = await Promise.all(
      PEOPLE.map((user, i) => sendInteraction(t, votePayload({ user, roundId, factorId: 'f01', level: LEVELS[i % 4]!, actionTs: `1768203100.${i}` }))),
    );
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    await t.adapter.settled();
    // The first change goes out at once; the rest wait for the window.
    expect(f01Updates().length).toBeLessThanOrEqual(1);
    expect(t.timers.size).toBe(1);
    t.timers.fireAll();
    await t.adapter.settled();

    const updates = f01Updates();
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(2);
    expect(updates.length).toBeLessThan(PEOPLE.length / 5);
    const last = JSON.stringify(updates.at(-1)!.body.blocks);
    expect(last).toContain('20 av 20 har röstat');
    expect(last).toContain('Stämmer 5 · Stämmer delvis 5 · Stämmer inte 5 · Vet inte 5');
    expect(await t.app.store.getCounts(TEAM, roundId, 'f01')).toEqual({ 'in-place': 5, partly: 5, 'not-in-place': 5, 'dont-know': 5 });
    // Only the voted card was edited.
    expect(t.slack.callsTo('chat.update').every((c) => c.body.ts === f01Ts)).toBe(true);
  });

  it('a second burst of changed votes still ends on the exact tally', async () => {
    await Promise.all(PEOPLE.map((user, i) => sendInteraction(t, votePayload({ user, roundId, factorId: 'f01', level: 'partly', actionTs: `1768203200.${i}` }))));
    await t.adapter.settled();
    t.timers.fireAll();
    await t.adapter.settled();
    await Promise.all(PEOPLE.slice(0, 7).map((user, i) => sendInteraction(t, votePayload({ user, roundId, factorId: 'f01', level: 'in-place', actionTs: `1768203300.${i}` }))));
    await t.adapter.settled();
    t.timers.fireAll();
    await t.adapter.settled();
    const updates = f01Updates();
    expect(updates.length).toBeLessThanOrEqual(4);
    expect(JSON.stringify(updates.at(-1)!.body.blocks)).toContain('Stämmer 7 · Stämmer delvis 13 · Stämmer inte 0 · Vet inte 0');
  });

  it('every edit gives the blocks fresh ids (as Slack asks for updated messages) while the action ids stay; a click on an edited card counts', async () => {
    const idsOf = (blocks: Record<string, unknown>[]) => blocks.filter((b) => typeof b.block_id === 'string').map((b) => String(b.block_id));
    const actionIdsOf = (blocks: Record<string, unknown>[]) =>
      blocks.filter((b) => b.type === 'actions').flatMap((b) => (b.elements as { action_id: string }[]).map((e) => e.action_id));
    const original = t.adapter.messenger.renderCard(await t.app.service.state(TEAM, roundId, { answers: false }), 'f01');
    expect(idsOf(original.blocks)).toEqual(['vote', 'more']);

    await sendInteraction(t, votePayload({ user: PEOPLE[0]!, roundId, factorId: 'f01', level: 'partly', actionTs: '1768203400.1' }));
    await t.adapter.settled();
    t.timers.fireAll();
    await t.adapter.settled();
    const first = f01Updates().at(-1)!;
    // A click on the edited card: its payload carries the new block id; the listener goes by the action id.
    const click = votePayload({ user: PEOPLE[1]!, roundId, factorId: 'f01', level: 'in-place', actionTs: '1768203400.2' });
    click.actions = [{ ...click.actions[0], block_id: idsOf(first.body.blocks as Record<string, unknown>[])[0] }];
    await sendInteraction(t, click);
    await t.adapter.settled();
    t.timers.fireAll();
    await t.adapter.settled();
    expect((await t.app.store.getCounts(TEAM, roundId, 'f01'))['in-place']).toBe(1);

    const updates = f01Updates();
    expect(updates.length).toBeGreaterThanOrEqual(2);
    const seen = new Set<string>();
    for (const u of updates) {
      const blocks = u.body.blocks as Record<string, unknown>[];
      const ids = idsOf(blocks);
      expect(ids.map((id) => id.split('.')[0])).toEqual(['vote', 'more']);
      for (const id of ids) {
        expect(id).toMatch(/^(vote|more)\.[0-9a-f]{8}$/);
        expect(seen.has(id), id).toBe(false);
        seen.add(id);
      }
      expect(actionIdsOf(blocks)).toEqual(actionIdsOf(original.blocks));
    }
  });
});

