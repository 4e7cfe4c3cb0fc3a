// The ways of working on Slack, end to end with signed requests, real Redis and the Web API faked with nock: reviewers
// and minimum responses on the start modal, a peer review's two phases, the summary with both verdicts and the peers'
// recommendations within Block Kit's limits, and an action-plan reminder in a DM with its Done button.
import { storedPlan } from '../helpers/plan.js';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t, tn } from '../../src/core/i18n.js';
import type { DigestView } from '../../src/core/views/digest-model.js';
import { checkSurface } from '../../src/platforms/slack/limits.js';
import { slackText } from '../../src/platforms/slack/mrkdwn.js';
import { renderDigest } from '../../src/platforms/slack/render/digest.js';
import {
  API_ORIGIN,
  BOT_USER,
  CHANNEL,
  TEAM,
  decodeBody,
  sendCommand,
  sendInteraction,
  startSlackApp,
  submission,
  submittedValues,
  buttonPayload,
  votePayload,
  type RecordedCall,
  type SlackTestApp,
} from '../helpers/slack.js';

type Json = Record<string, unknown>;

const TEAM_MEMBERS = ['U0CORA', 'U0ANNA', 'U0BO', 'U0CARL'];
/** A colleague from another city, in the channel through Slack Connect. */
const REVIEWER = 'U0PIA';
let t_: SlackTestApp;
let roundId: string;
let startView: Json;

function option(value: string): Json {
  return { text: { type: 'plain_text', text: value }, value };
}

function blocksText(call: RecordedCall | { body: Json }): string {
  return JSON.stringify(call.body.blocks);
}

function lastResponse(): Json {
  return t_.slack.responses.at(-1)!.body;
}

/** `/assess <text>` as someone; the reply sent to the response_url (none when a form opens instead). */
async function command(text: string, user = 'U0CORA', opts: { opensForm?: boolean } = {}): Promise<Json> {
  const before = t_.slack.responses.length;
  const forms = t_.slack.callsTo('views.open').length;
  const res = await sendCommand(t_, { text, user_id: user, user_name: user.toLowerCase() });
  expect(res.statusCode).toBe(200);
  await t_.adapter.settled();
  if (opts.opensForm) {
    expect(t_.slack.callsTo('views.open').length).toBe(forms + 1);
    return t_.slack.callsTo('views.open').at(-1)!.body.view as Json;
  }
  expect(t_.slack.responses.length).toBeGreaterThan(before);
  return lastResponse();
}

async function vote(user: string, factorId: string, level: string): Promise<string> {
  t_.slack.clear();
  const res = await sendInteraction(t_, votePayload({ user, roundId, factorId, level }));
  expect(res.statusCode).toBe(200);
  await t_.adapter.settled();
  const said = t_.slack.callsTo('chat.postEphemeral').filter((c) => c.body.user === user);
  expect(said).toHaveLength(1);
  return String(said[0]!.body.text);
}

/** The values the start modal submits: its defaults with the changes a coordinator made. */
function startValues(changes: Record<string, Json>): Record<string, Record<string, Json>> {
  return submittedValues(startView, {
    title: { value: 'Kollegial granskning 2026' },
    mode: { selected_option: option('peer-review') },
    pacing: { selected_option: option('all-at-once') },
    managers: { selected_users: ['U0MGR'] },
    ...changes,
  });
}

beforeAll(async () => {
  t_ = await startSlackApp();
  t_.slack
    .addUser({ id: 'U0CORA', name: 'Cora Lind' })
    .addUser({ id: 'U0ANNA', name: 'Anna Berg' })
    .addUser({ id: 'U0BO', name: 'Bo Ek' })
    .addUser({ id: 'U0CARL', name: 'Carl Nilsson' })
    .addUser({ id: REVIEWER, name: 'Pia Granskare' })
    .addUser({ id: 'U0MGR', name: 'Maja Stadsdirektör' })
    .addUser({ id: BOT_USER, name: 'Assess', isBot: true })
    .addChannel(CHANNEL, [...TEAM_MEMBERS, REVIEWER, BOT_USER]);
});

afterAll(async () => {
  await t_.close();
});

describe('peer review and action plans in Slack', () => {
  it('the start modal asks for peer reviewers and the minimum responses, within the modal limits', async () => {
    startView = await command('start', 'U0CORA', { opensForm: true });
    expect(checkSurface('modal', startView as never)).toEqual([]);
    const block = (id: string) => (startView.blocks as Json[]).find((b) => b.block_id === id)!;
    expect(block('reviewers')).toMatchObject({ optional: true, element: { type: 'multi_users_select' }, label: { text: t('sv', 'slack.form.reviewers') } });
    expect(block('min_responses')).toMatchObject({ element: { type: 'number_input', min_value: '3', max_value: '50', initial_value: '5' } });
    expect(block('min_answers')).toMatchObject({ element: { type: 'number_input', min_value: '3', max_value: '100', initial_value: '10' } });
  });

  it('mistakes are shown on their own field in the coordinator\'s language, and nothing starts', async () => {
    const submit = async (changes: Record<string, Json>) => {
      const res = await sendInteraction(t_, submission('view-submission-start', startView, startValues(changes)));
      expect(res.statusCode).toBe(200);
      return res.json() as Json;
    };
    expect(await submit({ mode: { selected_option: option('internal-evaluation') }, reviewers: { selected_users: [REVIEWER] } })).toEqual({
      response_action: 'errors',
      errors: { reviewers: t('sv', 'slack.form.errors.reviewersNotPeerReview') },
    });
    expect(await submit({ participants: { selected_users: [...TEAM_MEMBERS, REVIEWER] }, reviewers: { selected_users: [REVIEWER] } })).toEqual({
      response_action: 'errors',
      errors: { reviewers: t('sv', 'errors.REVIEWER_IS_PARTICIPANT', { member: 'Pia Granskare' }) },
    });
    expect(await submit({ min_responses: { value: '2' } })).toEqual({ response_action: 'errors', errors: { min_responses: t('sv', 'slack.form.errors.number', { min: 3, max: 50 }) } });
    expect(await t_.app.store.listRounds(TEAM)).toEqual([]);
  });

  it('starts a peer review from the modal: the reviewer is not counted among the channel\'s members', async () => {
    t_.slack.clear();
    const values = startValues({ participants: { selected_users: [] }, reviewers: { selected_users: [REVIEWER] }, min_responses: { value: '3' } });
    const res = await sendInteraction(t_, submission('view-submission-start', startView, values));
    expect(res.body).toBe('');
    await t_.adapter.settled();
    const [round] = await t_.app.store.listRounds(TEAM);
    roundId = round!.id;
    expect(round).toMatchObject({ mode: 'peer-review', reviewPhase: 'self-assessment', reviewers: [REVIEWER], minResponses: 3, participants: TEAM_MEMBERS });
    expect(round!.names[REVIEWER]).toBe('Pia Granskare');
    expect(t_.slack.postsTo(CHANNEL)).toHaveLength(14);
  });

  it('phase one: the team votes; the reviewer is told the review has not started', async () => {
    for (const [who, f, l] of [
      ['U0CORA', 'f01', 'partly'],
      ['U0ANNA', 'f01', 'partly'],
      ['U0BO', 'f01', 'in-place'],
      ['U0ANNA', 'f02', 'in-place'],
    ] as const) {
      expect(await vote(who, f, l)).toMatch(/^Din röst på /);
    }
    expect(await vote(REVIEWER, 'f01', 'in-place')).toBe(slackText(t('sv', 'errors.REVIEW_NOT_STARTED', { coordinator: 'Cora Lind' })));
    expect(await vote(REVIEWER, 'f01', 'in-place')).toContain('startar den med `/assess review`');
    expect((await t_.app.store.getCounts(TEAM, roundId, 'f01#peer'))['in-place']).toBe(0);
  });

  it('phase two: /assess review locks the team; the reviewer votes and recommends', async () => {
    expect(await command('review', 'U0ANNA')).toMatchObject({ response_type: 'ephemeral', text: t('sv', 'errors.NOT_COORDINATOR', { coordinator: 'Cora Lind' }) });
    expect(await command('review')).toMatchObject({ response_type: 'in_channel', text: slackText(t('sv', 'modes.review.started', { count: 1 })) });
    expect(await vote('U0ANNA', 'f01', 'in-place')).toBe(t('sv', 'errors.SELF_ASSESSMENT_LOCKED', { coordinator: 'Cora Lind' }));
    expect(await vote(REVIEWER, 'f01', 'not-in-place')).toMatch(/^Din röst på 01 · Offentliga åtaganden: Stämmer inte\./);
    expect(await vote(REVIEWER, 'f02', 'in-place')).toMatch(/^Din röst på 02 · Strategi: Stämmer\./);
    expect((await t_.app.store.getCounts(TEAM, roundId, 'f01#peer'))['not-in-place']).toBe(1);
    expect((await t_.app.store.getCounts(TEAM, roundId, 'f01'))['not-in-place']).toBe(0);
    // Neither side gets an answer form it could not save: each is told why before typing anything.
    for (const [who, code] of [[REVIEWER, 'REVIEWERS_CANNOT_EDIT_TEAM'], ['U0BO', 'SELF_ASSESSMENT_LOCKED']] as const) {
      t_.slack.clear();
      await sendInteraction(t_, buttonPayload({ user: who, roundId, factorId: 'f01', actionId: 'answer' }));
      await t_.adapter.settled();
      expect(t_.slack.callsTo('views.open')).toEqual([]);
      expect(t_.slack.callsTo('chat.postEphemeral').map((c) => c.body.text)).toEqual([slackText(t('sv', `errors.${code}`, { coordinator: 'Cora Lind' }))]);
    }
    expect(await command('recommend 1 Anta en mångfaldsplan för ledningen.', REVIEWER)).toMatchObject({
      text: t('sv', 'modes.review.recommendationSaved', { factor: '01 · Offentliga åtaganden' }),
    });
    // The panel's reminder goes to the reviewer only, for what the panel has not voted on.
    t_.slack.clear();
    // #17: `remind` says whom it reminded (named round).
    expect(await command('remind')).toMatchObject({ text: t('sv', 'coordinator.reminded.named.one', { count: 1, names: 'Pia Granskare' }) });
    expect(t_.slack.callsTo('chat.postMessage').map((c) => c.body.channel)).toEqual([REVIEWER]);
  });

  it('/assess review report answers with the follow-up report in Block Kit: both verdicts per factor as fields, no Markdown', async () => {
    const report = await command('review report');
    expect(report.response_type).toBe('ephemeral');
    expect(checkSurface('message', report as never)).toEqual([]);
    const blocks = report.blocks as Json[];
    expect((blocks[0]!.text as Json).text).toBe(t('sv', 'modes.report.title', { title: 'Kollegial granskning 2026' }));
    const f01 = blocks.find((b) => b.type === 'section' && String((b.text as Json).text).startsWith('*01 · Offentliga åtaganden*'))!;
    expect((f01.fields as Json[]).map((f) => f.text)).toEqual(['*Självutvärdering*\nStämmer delvis', '*Granskningsgruppen*\nStämmer inte (1 av 1) :warning:']);
    expect((f01.text as Json).text).toContain('• Anta en mångfaldsplan för ledningen.');
    expect(JSON.stringify(report)).not.toMatch(/\|---|\*\*|"# /);
    expect(JSON.stringify(report)).toContain('/followup/');
  });

  it('the summary shows both verdicts, where they differ and the recommendations, within Block Kit\'s limits', async () => {
    t_.slack.clear();
    await command('close confirm');
    await t_.app.scheduler.drain();
    await t_.adapter.settled();
    const [summary] = t_.slack.postsTo(CHANNEL);
    expect(checkSurface('message', summary!.body as never)).toEqual([]);
    const text = blocksText(summary!);
    expect(text).toContain(t('sv', 'modes.digest.selfAndPeer', { self: 'Stämmer delvis', peer: 'Stämmer inte (1 av 1)' }));
    expect(text).toContain(`*${t('sv', 'modes.digest.differTitle')}*`);
    expect(text).toContain(`*${t('sv', 'modes.digest.recommendationsTitle')}*`);
    expect(text).toContain('• 01 · Offentliga åtaganden: Anta en mångfaldsplan för ledningen.');
    const toManager = t_.slack.postsTo('U0MGR');
    expect(toManager).toHaveLength(1);
    expect(blocksText(toManager[0]!)).toContain(t('sv', 'modes.digest.recommendationsTitle'));
  });

  it('an action in the plan reaches its owner as a DM before it is due, with a Done button', async () => {
    const added = await command('action add 1 <@U0ANNA|anna.berg> 2026-03-10 quick Publicera åtagandet på webben');
    expect(String(added.text)).toContain('A1');
    const job = (await t_.app.store.listJobs(TEAM, roundId)).find((j) => j.kind === 'action-reminder');
    // Two days before, at the round's reminder time: 09:00 in Stockholm.
    expect(new Date(job!.dueAt).toISOString()).toBe('2026-03-08T08:00:00.000Z');

    // Only this one call to Slack may happen: the DM to Anna.
    nock.cleanAll();
    let dm: Json = {};
    const scope = nock(API_ORIGIN)
      .post('/api/chat.postMessage', (body) => {
        dm = decodeBody(body);
        return dm.channel === 'U0ANNA';
      })
      .reply(200, { ok: true, channel: 'D0ANNA', ts: '1772956800.000100' });
    t_.clock.set('2026-03-08T08:00:00Z');
    const result = await t_.app.scheduler.drain();
    await t_.adapter.settled();
    scope.done();
    t_.slack.install();
    expect(result.failed).toBe(0);
    expect(checkSurface('message', dm as never)).toEqual([]);
    expect(dm.text).toBe(tn('sv', 'modes.reminder.action', 1, { list: 'A1' }));
    const text = blocksText({ body: dm });
    expect(text).toContain('01 · Offentliga åtaganden: A1 · Publicera åtagandet på webben – Anna Berg');
    expect(text).toContain(`<#${CHANNEL}>`);
    const button = (dm.blocks as Json[]).map((b) => b.accessory as Json | undefined).find((a) => a?.action_id === 'action-done:A1');
    expect(button).toMatchObject({ type: 'button', value: JSON.stringify({ r: roundId, a: 'A1' }), text: { text: t('sv', 'slack.actionReminder.doneButton') } });
    // The job is done: another run sends nothing.
    t_.slack.clear();
    await t_.app.scheduler.drain();
    expect(t_.slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('the Done button marks the action done and redraws the DM without it; someone outside the team is refused', async () => {
    const click = (user: string, value: Json) => {
      const p = votePayload({ user, roundId, factorId: 'f01', level: 'partly' }) as Json & { actions: Json[] };
      p.channel = { id: 'D0ANNA', name: 'directmessage' };
      p.container = { type: 'message', message_ts: '1772956800.000100', channel_id: 'D0ANNA', is_ephemeral: false };
      p.actions = [{ ...p.actions[0], action_id: 'action-done:A1', block_id: 'a1', value: JSON.stringify(value) }];
      return sendInteraction(t_, p);
    };
    t_.slack.clear();
    await click(REVIEWER, { r: roundId, a: 'A1' });
    await t_.adapter.settled();
    // Only the plan's coordinator and the action's owner may mark it done (issue #17).
    expect(t_.slack.callsTo('chat.postEphemeral').map((c) => c.body.text)).toEqual([t('sv', 'errors.NOT_PLAN_EDITOR', { coordinator: 'Cora Lind' })]);
    await click('U0ANNA', { r: roundId, a: 'A1; DROP' });
    await t_.adapter.settled();
    expect(t_.slack.callsTo('chat.postEphemeral').at(-1)!.body.text).toBe(t('sv', 'slack.errors.badRequest'));
    expect((await storedPlan(t_.app.store, TEAM, CHANNEL))!.actions[0]!.status).toBe('open');

    t_.slack.clear();
    const res = await click('U0ANNA', { r: roundId, a: 'A1' });
    expect(res.statusCode).toBe(200);
    await t_.adapter.settled();
    const [update] = t_.slack.callsTo('chat.update');
    expect(update!.body).toMatchObject({ channel: 'D0ANNA', ts: '1772956800.000100', text: t('sv', 'modes.plan.markedDone', { id: 'A1', text: 'Publicera åtagandet på webben' }) });
    expect(blocksText(update!)).toContain('✓ A1');
    expect(blocksText(update!)).not.toContain('action-done');
    expect(checkSurface('message', update!.body as never)).toEqual([]);
    expect((await storedPlan(t_.app.store, TEAM, CHANNEL))!.actions[0]).toMatchObject({ status: 'done', doneBy: 'U0ANNA' });
  });

  it('the next round\'s status shows the change since this one and the plan\'s progress', async () => {
    t_.slack.clear();
    const view = await command('start again', 'U0CORA', { opensForm: true });
    const block = (id: string) => ((view.blocks as Json[]).find((b) => b.block_id === id)!.element as Json);
    // Filled from the last round: the same reviewer and minimum.
    expect(block('reviewers').initial_users).toEqual([REVIEWER]);
    expect(block('min_responses').initial_value).toBe('3');
    expect(block('min_answers').initial_value).toBe('10');
    const values = submittedValues(view, {
      mode: { selected_option: option('internal-evaluation') },
      reviewers: { selected_users: [] },
      pacing: { selected_option: option('all-at-once') },
      start_date: { selected_date: '2026-03-09' },
      close_date: { selected_date: '2026-04-20' },
    });
    expect((await sendInteraction(t_, submission('view-submission-start', view, values))).body).toBe('');
    await t_.adapter.settled();
    const next = (await t_.app.store.listRounds(TEAM)).find((r) => r.id !== roundId)!;
    expect(next).toMatchObject({ previousRoundId: roundId, reviewers: [], mode: 'internal-evaluation' });
    const status = await command('status');
    const payload = status as Json & { blocks: Json[] };
    expect(checkSurface('message', payload as never)).toEqual([]);
    const text = JSON.stringify(payload.blocks);
    expect(text).toContain(t('sv', 'modes.digest.planTitle'));
    expect(text).toContain('✓ A1 · Publicera åtagandet på webben');
  });
});

describe('Slack digest blocks with the way of working\'s sections', () => {
  const long = (i: number) => `${String(i).padStart(2, '0')} · Rekommendation: ${'<@U0X> & <!channel> mycket lång text om ledningens ansvar '.repeat(8)}`;
  const base: DigestView = {
    locale: 'sv',
    kind: 'final',
    title: 'Sammanfattning: Kollegial granskning',
    subtitle: 'Kollegial utvärdering',
    headline: '3 av 13 nyckelfaktorer på plats · poäng 48/100',
    factors: Array.from({ length: 13 }, (_, i) => ({
      factorId: `f${i}`, header: `${String(i + 1).padStart(2, '0')} · Faktor`, verdictLabel: 'Stämmer delvis', verdict: 'partly' as const,
      line: `Självutvärdering: Stämmer delvis · Kollegor: Stämmer inte (2 av 3) · ${'x'.repeat(300)}`, disputed: i % 4 === 0, trend: 'n/a' as const, trendSymbol: '',
      links: ['https://kommun.example/protokoll/2024-05', 'https://kommun.example/arsrapport'], linksMore: 0, status: 'closed' as const, hidden: false, distribution: [],
      distributionLine: '', score: 50, agreement: 0.5, voters: 4, eligible: 4, answers: 2, evidence: 2, delta: null,
    })),
    disputedTitle: 'Värt att diskutera', disputed: ['01 · Faktor: 2 säger Stämmer, 2 säger Stämmer inte – värt en diskussion'],
    contextTitle: 'Sammanhang', context: ['Kommunala resurser: budgeten halverad 2026'],
    chartAlt: 'Poäng', chartTitle: 'Poäng',
    reportLinks: (['html', 'csv', 'md'] as const).map((f) => ({ label: f, url: `https://assess.malmo.example/reports/T/R?sig=abc&format=${f}` })),
    footer: 'Sidfot', score: 48, scoreSoFar: 48, scored: 13, inPlace: 3, total: 13, truncated: false, moreCount: 0,
    fullReportUrl: 'https://assess.malmo.example/reports/T/R?sig=abc&format=html',
  };

  it('long sections share the room left, each saying how many more the full report has, and stay within the limits', () => {
    const view: DigestView = {
      ...base,
      sections: [
        { title: t('sv', 'modes.digest.differTitle'), lines: Array.from({ length: 13 }, (_, i) => long(i)) },
        { title: t('sv', 'modes.digest.recommendationsTitle'), lines: Array.from({ length: 400 }, (_, i) => long(i)) },
        { title: t('sv', 'modes.digest.planTitle'), lines: Array.from({ length: 11 }, (_, i) => `A${i + 1} · ${'å'.repeat(480)}`) },
      ],
    };
    const payload = renderDigest(view, { seeMoreLabel: t('sv', 'slack.seeMore') });
    expect(checkSurface('message', payload)).toEqual([]);
    const text = JSON.stringify(payload.blocks);
    for (const s of view.sections!) expect(text).toContain(`*${s.title}*`);
    expect(text).toMatch(/…och \d+ till i hela rapporten/);
    // The report links and the footer are kept: the sections gave way, not the rest.
    expect(text).toContain('format=csv');
    expect(text).toContain('Sidfot');
    // People's text stays text: no mention or @channel survives.
    expect(text).not.toContain('<@U0X>');
    expect(text).not.toContain('<!channel>');
  });

  it('short sections are shown whole', () => {
    const payload = renderDigest({ ...base, sections: [{ title: 'Handlingsplanen', lines: ['1 åtgärd · 0 klara', 'A1 · Publicera'] }] }, { seeMoreLabel: 'Se mer' });
    expect(checkSurface('message', payload)).toEqual([]);
    const text = JSON.stringify(payload.blocks);
    expect(text).toContain('*Handlingsplanen*\\n• 1 åtgärd · 0 klara\\n• A1 · Publicera');
    expect(text).not.toContain('till i hela rapporten');
  });
});
