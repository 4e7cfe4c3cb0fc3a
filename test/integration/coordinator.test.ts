// The coordinator sees and fixes things (#17 section 2), through the one command router on all three platforms, in
// Swedish and English: who has not answered, whom `remind` reached, close with confirmation (button or `close
// confirm`), reopen, a new close date, participants added and removed; jobs follow, and refusals store nothing.
import nock from 'nock';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/core/i18n.js';
import { parseCommand } from '../../src/commands/parse.js';
import { cardText, PlaygroundApi } from '../helpers/playground-api.js';
import { BOT_USER, CHANNEL as SLACK_CHANNEL, TEAM as SLACK_TEAM, fixture as slackFixture, sendCommand, sendInteraction, startSlackApp, type SlackTestApp } from '../helpers/slack.js';
import { CHANNEL as TEAMS_CHANNEL, PEOPLE as TEAMS_PEOPLE, TENANT, channelMessage } from '../fixtures/teams/activities.js';
import { cardOf, fakeConnector, startApp, textsOf, type Harness } from '../fixtures/teams/harness.js';
import { validateAdaptiveCard, type AdaptiveCard } from '../../src/cards/adaptive.js';
import { dropPrefix } from '../helpers/world.js';

const PLAYGROUND = 'playground';

describe('the command words', () => {
  it('Swedish words run the same commands as the English ones, arguments included', () => {
    expect(parseCommand('hjälp')).toMatchObject({ name: 'help', unknown: false });
    expect(parseCommand('/assess starta')).toMatchObject({ name: 'start' });
    expect(parseCommand('stäng bekräfta')).toMatchObject({ name: 'close', args: 'confirm' });
    expect(parseCommand('påminn')).toMatchObject({ name: 'remind' });
    expect(parseCommand('exportera')).toMatchObject({ name: 'export' });
    expect(parseCommand('väntar')).toMatchObject({ name: 'pending' });
    expect(parseCommand('återöppna 2027-01-15')).toMatchObject({ name: 'reopen', args: '2027-01-15' });
    expect(parseCommand('förläng 2027-01-15')).toMatchObject({ name: 'extend', args: '2027-01-15' });
    expect(parseCommand('deltagare lägg till Anna')).toMatchObject({ name: 'participants', args: 'add Anna' });
    expect(parseCommand('deltagare ta bort Bo')).toMatchObject({ name: 'participants', args: 'remove Bo' });
    expect(parseCommand('stang')).toMatchObject({ name: 'close' });
    expect(parseCommand('stängg')).toMatchObject({ name: 'help', unknown: true });
  });
});

describe('the playground (sv and en)', () => {
  let pg: PlaygroundApi;

  beforeAll(async () => {
    pg = await PlaygroundApi.open();
  });

  afterAll(async () => {
    await pg.close();
  });

  const jobsOf = async (roundId: string) => (await pg.store.listJobs(PLAYGROUND, roundId)).map((j) => `${j.kind}@${j.dueAt}`).sort();

  it('sv: pending names who has not voted, remind says whom, close asks first, reopen and extend move the jobs, participants change', async () => {
    const { roundId } = await pg.start('u-cora', { pacing: 'all-at-once', title: 'Omgång A' });
    await pg.vote('u-anna', roundId, 'f01', 'in-place');

    // Help in the round's language lists the Swedish words.
    expect(await pg.reply('u-anna', '/assess hjälp')).toContain('`stäng`');
    // The toolkit's own introduction, otherwise stored but shown nowhere.
    const intro = await pg.reply('u-anna', '/assess hjälp verktygslåda');
    expect(intro).toContain('Europeiska städer och kommuner blir mer och mer skiftande');
    expect(intro).toContain('Hur kan man använda verktygslådan för att främja kulturell mångfald?');

    // Only the coordinator sees who is missing; the refusal stores nothing.
    const before = await pg.store.getRound(PLAYGROUND, roundId);
    expect(await pg.reply('u-bo', '/assess väntar')).toContain('Bara samordnaren');
    const pending = await pg.reply('u-cora', '/assess väntar');
    expect(pending).toContain('4 av 4 har röster kvar att ge:');
    expect(pending).toContain('Bo (13)');
    expect(pending).toContain('Anna (12)');

    const reminded = await pg.reply('u-cora', '/assess påminn');
    expect(reminded).toContain('Påminde 4 personer:');
    expect(reminded).toContain('Cecilia');
    // Bo's reminder lists his thirteen factors on one line by due date, with three buttons rather than thirteen.
    const toBo = (await pg.messages('u-bo')).filter((m) => m.type === 'reminder').at(-1)!;
    expect(cardText(toBo.card)).toMatch(/13 faktorer väntar på dig: 01 · Offentliga åtaganden, 02 · Strategi, .*, 13 · Kontroll och utvärdering \(senast /);
    expect(cardText(toBo.card)).toContain('Korten finns i kanalen');
    expect(new Set(JSON.stringify(toBo.card).match(/"f":"f\d\d"/g))).toEqual(new Set(['"f":"f01"', '"f":"f02"', '"f":"f03"']));
    // Anna voted on 01: hers says 02–13.
    expect(cardText((await pg.messages('u-anna')).filter((m) => m.type === 'reminder').at(-1)!.card)).toContain('12 faktorer väntar på dig: 02 · Strategi, ');

    // `stäng` asks; the round stays open until it is confirmed.
    const ask = (await pg.messages('u-cora')).filter((m) => m.type === 'text').at(-1);
    await pg.command('u-cora', '/assess stäng');
    const asked = (await pg.messages('u-cora')).filter((m) => m.type === 'text').at(-1)!;
    expect(asked.id).not.toBe(ask?.id);
    expect(cardText(asked.card)).toContain('Stäng omgången');
    const button = (asked.card.actions as { data: { command: string } }[])[0]!;
    expect(button.data.command).toBe('close confirm');
    expect(validateAdaptiveCard(asked.card as unknown as AdaptiveCard).warnings).toEqual([]);
    expect((await pg.store.getRound(PLAYGROUND, roundId))!.status).toBe('open');
    // Bo pressing the same button is refused and nothing changes.
    await pg.command('u-bo', button.data.command);
    expect((await pg.store.getRound(PLAYGROUND, roundId))!.status).toBe('open');
    expect((await pg.store.getRound(PLAYGROUND, roundId))!.participants).toEqual(before!.participants);
    // The button sends `close confirm` as Cora.
    await pg.command('u-cora', button.data.command);
    expect((await pg.store.getRound(PLAYGROUND, roundId))!.status).toBe('closed');
    const digests = async () => (await pg.messages('u-cora')).filter((m) => m.type === 'digest' && m.audience === 'channel');
    expect(await digests()).toHaveLength(1);

    // Reopen: refused for Bo (nothing stored), done for Cora; the jobs come back, twice is refused.
    expect(await pg.reply('u-bo', '/assess återöppna')).toContain('Bara samordnaren');
    expect((await pg.store.getRound(PLAYGROUND, roundId))!.status).toBe('closed');
    const reopened = await pg.reply('u-cora', '/assess återöppna');
    expect(reopened).toContain('Omgången är öppen igen till');
    const round = (await pg.store.getRound(PLAYGROUND, roundId))!;
    expect(round.status).toBe('open');
    expect(await pg.store.activeRoundForChannel(PLAYGROUND, 'C-PLAYGROUND')).toBe(roundId);
    expect((await jobsOf(roundId)).some((j) => j.startsWith('auto-close@'))).toBe(true);
    expect(await pg.reply('u-cora', '/assess återöppna')).toContain('fortfarande öppen');

    // Extend: the auto-close follows the new date; doing it twice leaves the same jobs.
    const newDate = DateTime.fromMillis(pg.clock.now(), { zone: round.calendar.timezone }).plus({ days: 30 }).toISODate()!;
    expect(await pg.reply('u-bo', `/assess förläng ${newDate}`)).toContain('Bara samordnaren');
    expect(await pg.reply('u-cora', `/assess förläng ${newDate}`)).toContain('Omgången stänger nu');
    const once = await jobsOf(roundId);
    await pg.command('u-cora', `/assess förläng ${newDate}`);
    expect(await jobsOf(roundId)).toEqual(once);
    const closesAt = Date.parse((await pg.store.getRound(PLAYGROUND, roundId))!.calendar.closesAt);
    expect(DateTime.fromMillis(closesAt, { zone: round.calendar.timezone }).toISODate()).toBe(newDate);
    expect(once).toContain(`auto-close@${closesAt}`);
    expect(await pg.reply('u-cora', '/assess förläng 2001-01-01')).toContain('måste ligga i framtiden');

    // Participants: Bo out, Maja in; refused for Anna with nothing stored.
    expect(await pg.reply('u-anna', '/assess deltagare ta bort Bo')).toContain('Bara samordnaren');
    expect((await pg.store.getRound(PLAYGROUND, roundId))!.participants).toContain('u-bo');
    expect(await pg.reply('u-cora', '/assess deltagare ta bort Bo')).toContain('Tog bort 1 deltagare: Bo');
    expect(await pg.reply('u-cora', '/assess deltagare lägg till Maja')).toContain('Lade till 1 deltagare: Maja');
    // A name nobody in the round has is not taken for an id.
    expect(await pg.reply('u-cora', '/assess deltagare lägg till Majja')).toContain('Majja');
    expect((await pg.store.getRound(PLAYGROUND, roundId))!.participants).not.toContain('Majja');
    const changed = (await pg.store.getRound(PLAYGROUND, roundId))!;
    expect(changed.participants).not.toContain('u-bo');
    expect(changed.participants).toContain('u-maja');
    expect(await pg.reply('u-cora', '/assess väntar')).toContain('Maja (13)');

    // Closing again gives a second summary (the first one's send-once marker does not hold it back).
    await pg.command('u-cora', '/assess stäng bekräfta');
    expect((await pg.store.getRound(PLAYGROUND, roundId))!.status).toBe('closed');
    expect(await digests()).toHaveLength(2);
  });

  it('en: the same commands in English, and the old summary keeps the data of its own date', async () => {
    const { roundId } = await pg.start('u-cora', { pacing: 'all-at-once', title: 'Round B', locale: 'en' });
    expect(await pg.reply('u-anna', '/assess help')).toContain('`close`');
    expect(await pg.reply('u-anna', '/assess help toolkit')).toContain('How can the toolkit for promoting cultural diversity be used?');
    expect(await pg.reply('u-cora', '/assess pending')).toContain('4 of 4 still have votes to give:');
    // The status digest says it too (counts: this round does not show names in digests).
    expect(await pg.reply('u-anna', '/assess status')).toContain('4 people still have votes to give on factors that have opened.');
    await pg.command('u-cora', '/assess close');
    expect(await pg.last('u-cora')).toContain('Close the round');
    expect((await pg.store.getRound(PLAYGROUND, roundId))!.status).toBe('open');
    await pg.command('u-cora', '/assess close confirm');
    const first = (await pg.messages('u-cora')).filter((m) => m.type === 'digest' && m.audience === 'channel').at(-1)!;
    expect(cardText(first.card)).toMatch(/0 of 13 statements true/);
    await pg.command('u-cora', '/assess reopen');
    expect((await pg.store.getRound(PLAYGROUND, roundId))!.status).toBe('open');
    for (const who of ['u-cora', 'u-anna', 'u-bo', 'u-cecilia']) await pg.vote(who, roundId, 'f01', 'in-place');
    // The first summary still shows what was true when it was sent.
    const again = (await pg.messages('u-cora')).find((m) => m.id === first.id)!;
    expect(cardText(again.card)).toMatch(/0 of 13 statements true/);
    expect(await pg.reply('u-cora', '/assess remind')).toContain('Reminded 4 people:');
    expect(await pg.reply('u-cora', '/assess participants')).toContain('4 participants: Cora, Anna, Bo, Cecilia');
    await pg.command('u-cora', '/assess close confirm');
  });

  it('anonymous: pending and remind give counts only', async () => {
    const { roundId } = await pg.start('u-cora', { pacing: 'all-at-once', anonymous: 'true' });
    // All at once: the thirteen cards come in the toolkit's order.
    const cards = (await pg.messages('u-cora')).filter((m) => m.type === 'factor-card' && m.audience === 'channel').slice(-13);
    expect(cards.map((m) => /\b(\d{2}) · /.exec(cardText(m.card))?.[1])).toEqual(Array.from({ length: 13 }, (_, i) => String(i + 1).padStart(2, '0')));
    const pending = await pg.reply('u-cora', '/assess väntar');
    expect(pending).toContain('4 av 4 har röster kvar att ge. Omgången är anonym');
    for (const name of ['Anna', 'Bo', 'Cecilia']) expect(pending).not.toContain(name);
    const reminded = await pg.reply('u-cora', '/assess påminn');
    expect(reminded).toContain(t('sv', 'commands.reminded.other', { count: 4 }));
    await pg.command('u-cora', '/assess stäng bekräfta');
    expect((await pg.store.getRound(PLAYGROUND, roundId))!.status).toBe('closed');
  });

  it('a context note tied to key factors (#03 #5): listed with them and in the digest; others refused, nothing stored', async () => {
    const { roundId } = await pg.start('u-cora', { pacing: 'all-at-once' });
    expect(await pg.reply('u-bo', '/assess miljö national-legislation #03 Budgeten halverad')).toContain('Bara samordnaren');
    expect((await pg.store.getRound(PLAYGROUND, roundId))!.contextNotes).toEqual([]);
    expect(await pg.reply('u-cora', '/assess miljö national-legislation #99 Budgeten halverad')).toContain('#99');
    expect((await pg.store.getRound(PLAYGROUND, roundId))!.contextNotes).toEqual([]);
    expect(await pg.reply('u-cora', '/assess miljö national-legislation #03 #5 Budgeten halverad 2026')).toContain('Noterat');
    const [note] = (await pg.store.getRound(PLAYGROUND, roundId))!.contextNotes;
    expect(note).toMatchObject({ contextFactorId: 'national-legislation', comment: 'Budgeten halverad 2026', factorIds: ['f03', 'f05'] });
    const list = await pg.reply('u-anna', '/assess miljö');
    expect(list).toContain('Påverkar nyckelfaktorerna 03 · Ledning och styrning, 05 · ');
    expect(await pg.reply('u-cora', '/assess status')).toMatch(/\(03, 05\): Budgeten halverad 2026/);

    // A member notes it too, beside the coordinator's note; her next note replaces only her own.
    expect(await pg.reply('u-maja', '/assess miljö notera national-legislation Chefens syn')).toContain('inte med i den här omgången');
    expect((await pg.store.getRound(PLAYGROUND, roundId))!.contextNotes).toHaveLength(1);
    expect(await pg.reply('u-anna', '/assess miljö notera national-legislation #07 Syns i vår stadsdel')).toContain('Noterat');
    expect(await pg.reply('u-anna', '/assess context note national-legislation #07 Syns tydligt i vår stadsdel')).toContain('Noterat');
    const notes = (await pg.store.getRound(PLAYGROUND, roundId))!.contextNotes;
    expect(notes.map((n) => [n.by, n.comment, n.factorIds])).toEqual([
      ['u-cora', 'Budgeten halverad 2026', ['f03', 'f05']],
      ['u-anna', 'Syns tydligt i vår stadsdel', ['f07']],
    ]);
    expect(await pg.reply('u-bo', '/assess miljö')).toContain('Budgeten halverad 2026 · Syns tydligt i vår stadsdel');
    await pg.command('u-cora', '/assess close confirm');

    // In an anonymous round a member's note would say who wrote it: refused, nothing stored.
    const anon = await pg.start('u-cora', { pacing: 'all-at-once', anonymous: 'true' });
    expect(await pg.reply('u-anna', '/assess miljö notera national-legislation Syns')).toContain('I en anonym omgång noterar bara samordnaren');
    expect((await pg.store.getRound(PLAYGROUND, anon.roundId))!.contextNotes).toEqual([]);
    await pg.command('u-cora', '/assess close confirm');
  });

  it('refusals store nothing: every coordinator command from a member leaves the store as it was (but the reply)', async () => {
    const { roundId } = await pg.start('u-cora', { pacing: 'all-at-once' });
    const date = DateTime.fromMillis(pg.clock.now(), { zone: 'Europe/Stockholm' }).plus({ days: 20 }).toISODate()!;
    // What the store holds apart from the playground's own timeline, where the refusal itself is shown.
    const stored = async () => (await pg.dump()).filter((e) => !`${e.key} ${e.field ?? ''}`.includes('playground-messages')).map((e) => `${e.key}|${e.field ?? ''}|${e.content}`).sort();
    for (const text of ['väntar', 'påminn', 'stäng', 'stäng bekräfta', `förläng ${date}`, 'deltagare ta bort Cora', 'deltagare lägg till Maja', 'återöppna']) {
      const before = await stored();
      expect(await pg.reply('u-bo', `/assess ${text}`), text).toContain('Bara samordnaren');
      expect(await stored(), text).toEqual(before);
    }
    await pg.command('u-cora', '/assess close confirm');
    const before = await stored();
    expect(await pg.reply('u-anna', '/assess återöppna')).toContain('Bara samordnaren');
    expect(await stored()).toEqual(before);
    expect((await pg.store.getRound(PLAYGROUND, roundId))!.status).toBe('closed');
  });

  it("the reminder's Open button shows the card to the one who pressed it, not a raw error", async () => {
    const { roundId } = await pg.start('u-cora', { pacing: 'all-at-once' });
    const res = await pg.action('u-anna', 'open-card', { r: roundId, f: 'f03' });
    expect(res.ok, res.error).toBe(true);
    const mine = (await pg.messages('u-anna')).filter((m) => m.type === 'factor-card' && m.audience === 'u-anna');
    expect(mine).toHaveLength(1);
    expect(cardText(mine[0]!.card)).toContain('03 · ');
    const bad = await pg.action('u-anna', 'open-card', { r: roundId, f: 'f99' });
    expect(bad.ok).toBe(false);
    expect(bad.error).toContain('f99');
    await pg.command('u-cora', '/assess close confirm');
  });
});

describe('Slack', () => {
  let s: SlackTestApp;

  beforeAll(async () => {
    s = await startSlackApp();
    s.slack
      .addUser({ id: 'U0CORA', name: 'Cora Lind', locale: 'sv-SE', tz: 'Europe/Stockholm' })
      .addUser({ id: 'U0ANNA', name: 'Anna Berg' })
      .addUser({ id: BOT_USER, name: 'Assess', isBot: true })
      .addChannel(SLACK_CHANNEL, ['U0CORA', 'U0ANNA', BOT_USER]);
  });

  afterAll(async () => {
    await s.close();
  });

  it('stäng asks with a button; the button closes as the one who presses it; väntar names', async () => {
    const today = DateTime.fromMillis(s.clock.now(), { zone: 'Europe/Stockholm' });
    const round = await s.app.service.startRound({
      tenant: SLACK_TEAM,
      platform: 'slack',
      actor: { id: 'U0CORA', name: 'Cora Lind' },
      names: { U0ANNA: 'Anna Berg' },
      settings: {
        packId: 'integrating-cities-diversity', locale: 'sv', mode: 'internal-evaluation', channelId: SLACK_CHANNEL,
        participants: ['U0CORA', 'U0ANNA'], managers: [], pacing: 'all-at-once',
        startDate: today.toISODate()!, closeDate: today.plus({ weeks: 3 }).toISODate()!, timezone: 'Europe/Stockholm',
      },
    });
    s.slack.clear();
    await sendCommand(s, { text: 'väntar', user_id: 'U0CORA' });
    await s.adapter.settled();
    expect(String(s.slack.responses.at(-1)!.body.text)).toContain('Anna Berg (13)');

    await sendCommand(s, { text: 'stäng', user_id: 'U0CORA' });
    await s.adapter.settled();
    const ask = s.slack.responses.at(-1)!.body;
    const blocks = JSON.stringify(ask.blocks);
    expect(blocks).toContain('"action_id":"assess-command"');
    expect(blocks).toContain('"value":"close confirm"');
    expect((await s.app.store.getRound(SLACK_TEAM, round.id))!.status).toBe('open');

    const press = (user: string) => {
      const p = slackFixture<Record<string, unknown> & { user: Record<string, unknown> }>('block-actions-vote');
      return { ...p, user: { ...p.user, id: user }, actions: [{ type: 'button', action_id: 'assess-command', block_id: 'b', value: 'close confirm', action_ts: String(Date.now() / 1000) }] };
    };
    await sendInteraction(s, press('U0ANNA'));
    await s.adapter.settled();
    expect((await s.app.store.getRound(SLACK_TEAM, round.id))!.status).toBe('open');
    await sendInteraction(s, press('U0CORA'));
    await s.adapter.settled();
    expect((await s.app.store.getRound(SLACK_TEAM, round.id))!.status).toBe('closed');
    const told = s.slack.callsTo('chat.postEphemeral').map((c) => String(c.body.text));
    expect(told.some((x) => x.includes('Bara samordnaren'))).toBe(true);
    expect(told.some((x) => x.includes('Omgången är stängd'))).toBe(true);

    // Reopened, with a new close date, and a participant removed: in Swedish, through the same router.
    const respond = async (text: string, user = 'U0CORA') => {
      await sendCommand(s, { text, user_id: user });
      await s.adapter.settled();
      return String(s.slack.responses.at(-1)!.body.text);
    };
    expect(await respond('återöppna', 'U0ANNA')).toContain('Bara samordnaren');
    expect((await s.app.store.getRound(SLACK_TEAM, round.id))!.status).toBe('closed');
    expect(await respond('återöppna')).toContain('Omgången är öppen igen till');
    const date = today.plus({ weeks: 5 }).toISODate()!;
    expect(await respond(`förläng ${date}`)).toContain('Omgången stänger nu');
    expect((await s.app.store.listJobs(SLACK_TEAM, round.id)).filter((j) => j.kind === 'auto-close')).toHaveLength(1);
    expect(await respond('deltagare ta bort <@U0ANNA>')).toContain('Tog bort 1 deltagare: Anna Berg');
    expect((await s.app.store.getRound(SLACK_TEAM, round.id))!.participants).toEqual(['U0CORA']);
    expect(await respond('hjälp')).toContain('`stäng bekräfta`');
  });
});

describe('Teams', () => {
  let h: Harness;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/(127\.0\.0\.1|localhost)/);
    h = await startApp();
  });

  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await dropPrefix(h.store);
    await h.app.close();
  });

  it('close asks with a messageBack button; the confirmation it sends closes; pending in English', async () => {
    const today = DateTime.fromMillis(h.clock.now(), { zone: 'Europe/Stockholm' });
    const round = await h.app.service.startRound({
      tenant: TENANT,
      platform: 'teams',
      actor: { id: TEAMS_PEOPLE.cora.id, name: 'Cora Lindqvist' },
      names: { [TEAMS_PEOPLE.anna.id]: 'Anna' },
      settings: {
        packId: 'integrating-cities-diversity', locale: 'en', mode: 'internal-evaluation', channelId: TEAMS_CHANNEL,
        participants: [TEAMS_PEOPLE.cora.id, TEAMS_PEOPLE.anna.id], managers: [], pacing: 'all-at-once',
        startDate: today.toISODate()!, closeDate: today.plus({ weeks: 3 }).toISODate()!, timezone: 'Europe/Stockholm',
      },
    });
    // One fake connector (its nock scope persists); each step reads the newest reply in the thread.
    const c = fakeConnector();
    const newest = () => c.posts(`${TEAMS_CHANNEL};messageid=`).at(-1)!;
    await h.post(channelMessage(TEAMS_PEOPLE.cora, 'assess pending'));
    expect(String(newest().body.text)).toContain('Anna (13)');

    await h.post(channelMessage(TEAMS_PEOPLE.cora, 'assess close'));
    const card = cardOf(newest());
    expect(validateAdaptiveCard(card).warnings).toEqual([]);
    expect(textsOf(card)).toContain('Close the round');
    const data = (card.actions?.[0]?.data ?? {}) as { msteams: { type: string; text: string } };
    expect(data.msteams).toMatchObject({ type: 'messageBack', text: 'close confirm' });
    expect((await h.store.getRound(TENANT, round.id))!.status).toBe('open');

    // What Teams sends when the button is pressed: the command as text, the data as value.
    const pressed = { ...channelMessage(TEAMS_PEOPLE.cora, ''), text: data.msteams.text, value: { command: data.msteams.text } };
    await h.post(pressed);
    expect((await h.store.getRound(TENANT, round.id))!.status).toBe('closed');
    expect(String(newest().body.text)).toBe(t('en', 'commands.closed'));

    // Reopened until a date, extended, a participant added: in English, through the same router.
    const date = today.plus({ weeks: 4 }).toISODate()!;
    await h.post(channelMessage(TEAMS_PEOPLE.anna, `assess reopen ${date}`));
    expect(String(newest().body.text)).toBe(t('en', 'errors.NOT_COORDINATOR', { coordinator: 'Cora Lindqvist' }));
    await h.post(channelMessage(TEAMS_PEOPLE.cora, `assess reopen ${date}`));
    expect(String(newest().body.text)).toContain('The round is open again until');
    expect((await h.store.getRound(TENANT, round.id))!.status).toBe('open');
    await h.post(channelMessage(TEAMS_PEOPLE.cora, `assess extend ${today.plus({ weeks: 6 }).toISODate()!}`));
    expect(String(newest().body.text)).toContain('The round now closes on');
    await h.post(channelMessage(TEAMS_PEOPLE.cora, `assess participants add ${TEAMS_PEOPLE.bo.id}`));
    expect(String(newest().body.text)).toContain('Added 1 participant');
    expect((await h.store.getRound(TENANT, round.id))!.participants).toContain(TEAMS_PEOPLE.bo.id);
  });
});
