// Review finding (medium, open): an action owner may now be any Slack/Teams user id (core/services/members.ts
// PLATFORM_USER_ID), and a plan started from the toolkit in a channel without rounds makes its starter its only editor
// (services/action-plan.ts start/assertEditor) and reminds before any round (plan-model.ts planCarrier). Together: any
// employee can make the bot send its own DMs, with text they wrote, to anyone in the workspace who never saw the channel
// (200 actions per channel, any number of channels). This test states what should hold and is marked `fails` until an
// owner is checked against the channel's members (or the directory the rounds know); drop `.fails` with the fix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCarrierId } from '../../src/core/plan-model.js';
import { sendCommand, startSlackApp, TEAM, type SlackTestApp } from '../helpers/slack.js';

const EMPTY_CHANNEL = 'C0MALLORYS';

describe('plan reminders cannot be aimed at strangers', () => {
  let s: SlackTestApp;

  beforeAll(async () => {
    s = await startSlackApp();
    // A real workspace member who is in no channel of Mallory's and no round.
    s.slack.addUser({ id: 'U0CEO', name: 'Chief Executive' });
  });

  afterAll(async () => {
    await s.close();
  });

  const say = async (text: string): Promise<string> => {
    await sendCommand(s, { text, user_id: 'U0MALLORY', user_name: 'mallory', channel_id: EMPTY_CHANNEL, channel_name: 'mallorys' });
    await s.adapter.settled();
    return String(s.slack.responses.at(-1)!.body.text);
  };

  it('a stranger named by id in a plan nobody else knows is refused as owner: no action, no job, no DM', async () => {
    await say('plan start');
    const reply = await say('action add 1 <@U0CEO> 2026-02-20 quick Log in again at https://evil.example/sso today');
    expect(reply).toContain('U0CEO');
    expect(reply).not.toMatch(/A1/);
    // Nothing scheduled with the plan standing in for a round, and the plan holds no action.
    const jobs = await s.store.listJobs(TEAM, planCarrierId({ channelId: EMPTY_CHANNEL }));
    expect(jobs.filter((j) => j.kind === 'action-reminder')).toHaveLength(0);
    expect(await say('plan')).not.toContain('evil.example');
    s.clock.set('2026-02-18T08:00:00Z');
    await s.app.scheduler.drain();
    await s.adapter.settled();
    expect(JSON.stringify(s.slack.postsTo('U0CEO'))).not.toContain('evil.example');
    expect(s.slack.postsTo('U0CEO')).toHaveLength(0);
  });
});
