// The App Home tab: the person's open rounds in the workspace, with what is still waiting for them and when it is due.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSurface } from '../../src/platforms/slack/limits.js';
import { settings } from '../helpers/world.js';
import { CHANNEL, TEAM, fixture, mrkdwnTexts, sendEvent, sendInteraction, startSlackApp, votePayload, type SlackTestApp } from '../helpers/slack.js';

type Json = Record<string, unknown>;
let t: SlackTestApp;
let roundId: string;

beforeEach(async () => {
  t = await startSlackApp();
  t.slack.addUser({ id: 'U0CORA', name: 'Cora Lind' }).addUser({ id: 'U0ANNA', name: 'Anna Berg', locale: 'sv-SE' }).addUser({ id: 'U0ERIK', name: 'Erik Reed', locale: 'en-GB' });
  const round = await t.app.service.startRound({
    tenant: TEAM,
    platform: 'slack',
    // One factor every two working days from Monday 12 January: by Tuesday 20 January four have opened.
    settings: settings({ channelId: CHANNEL, participants: ['U0CORA', 'U0ANNA'], pacing: 'staggered', staggerEveryDays: 2, startDate: '2026-01-12', closeDate: '2026-03-30', title: 'Baslinje 2026' }),
    actor: { id: 'U0CORA', name: 'Cora Lind' },
  });
  roundId = round.id;
  t.clock.set('2026-01-20T09:00:00Z');
});

afterEach(async () => {
  await t.close();
});

function homeEvent(user: string, tab = 'home') {
  const e = fixture<Json & { event: Json }>('event-app-home-opened');
  return { ...e, event_id: `Ev${user}${tab}`, event: { ...e.event, user, tab } };
}

describe('App Home', () => {
  it('lists the open factors Anna has not voted on or answered, with due dates', async () => {
    await sendInteraction(t, votePayload({ user: 'U0ANNA', roundId, factorId: 'f01', level: 'partly' }));
    const round = (await t.app.store.getRound(TEAM, roundId))!;
    await t.app.service.saveAnswer({ tenant: TEAM, roundId, factorId: 'f01', actor: { id: 'U0ANNA' }, texts: { 'f01-q1': 'Ja.' }, evidence: [] });
    await t.adapter.settled();
    t.slack.clear();
    await sendEvent(t, homeEvent('U0ANNA'));
    await t.adapter.settled();

    const [publish] = t.slack.callsTo('views.publish');
    expect(publish!.body.user_id).toBe('U0ANNA');
    const view = publish!.body.view as Json;
    expect(view.type).toBe('home');
    expect(checkSurface('home', view as never)).toEqual([]);
    const texts = mrkdwnTexts(view).join('\n');
    expect(JSON.stringify(view)).toContain('Dina utvärderingsomgångar');
    expect(texts).toContain(`*Baslinje 2026* i <#${CHANNEL}>`);
    expect(texts).toContain('Öppna faktorer just nu: 4. Du har röstat på 1 och svarat på 1 av dem.');
    // f01 is done; f02–f04 are open and waiting; the rest open later.
    expect(texts).not.toContain('01 · Offentliga åtaganden');
    expect(texts).toContain('• 02 · Strategi – senast onsdag 28 januari – ingen röst än, inget svar än');
    expect(texts).toContain('04 · ');
    expect(texts).not.toContain('05 · ');
    expect(texts).toContain('9 faktorer till öppnar senare.');
    expect(round.status).toBe('open');
  });

  it('speaks the person\'s own language and says so when there is nothing for them', async () => {
    await sendEvent(t, homeEvent('U0ERIK'));
    await t.adapter.settled();
    const view = t.slack.callsTo('views.publish')[0]!.body.view as Json;
    expect(JSON.stringify(view)).toContain('Your assessment rounds');
    expect(mrkdwnTexts(view).join('\n')).toContain('You have no open rounds right now.');
  });

  it('ignores the Messages tab', async () => {
    await sendEvent(t, homeEvent('U0ANNA', 'messages'));
    await t.adapter.settled();
    expect(t.slack.callsTo('views.publish')).toHaveLength(0);
  });
});
