// The Adaptive Card renderer: every card parses with the adaptivecards library without warnings and its message stays under 80 KB in UTF-16.
import { describe, expect, it } from 'vitest';
import {
  TEAMS_MESSAGE_ADVICE,
  parseStartForm,
  renderDigestCard,
  renderFactorCard,
  renderReminderCard,
  renderStartForm,
  renderTextCard,
  renderWelcomeCard,
  StartFormError,
  validateAdaptiveCard,
  type AdaptiveCard,
  type CardAction,
} from '../../src/cards/adaptive.js';
import { TEMPLATE_NAMES, templatePath } from '../../src/cards/templates.js';
import { readFileSync } from 'node:fs';
import type { Locale } from '../../src/content/schema.js';
import { t } from '../../src/core/i18n.js';
import { LEVELS } from '../../src/core/model.js';
import { defaultSettings } from '../../src/core/settings.js';
import { buildDigest } from '../../src/core/views/digest.js';
import { buildFactorCard } from '../../src/core/views/factor-card.js';
import { buildReminder, buildWelcome } from '../../src/core/views/messages.js';
import type { DigestView } from '../../src/core/views/digest-model.js';
import { COORD, MEMBERS, makeService, packs, settings } from '../helpers/world.js';

function expectClean(card: AdaptiveCard, opts: { userTextMayHoldExpressions?: boolean } = {}): number {
  const { warnings, size } = validateAdaptiveCard(card);
  expect(warnings).toEqual([]);
  expect(size).toBeLessThan(TEAMS_MESSAGE_ADVICE);
  // An undefined field would leave a template expression behind.
  if (!opts.userTextMayHoldExpressions) expect(JSON.stringify(card)).not.toMatch(/\$\{[a-zA-Z$][\w.]*\}/);
  expect(JSON.stringify(card)).not.toContain(':null');
  return size;
}

function actions(card: unknown): CardAction[] {
  const out: CardAction[] = [];
  const visit = (n: unknown, key = '') => {
    if (Array.isArray(n)) n.forEach((x) => visit(x, key));
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (key === 'actions' && typeof o.type === 'string') out.push(o as CardAction);
      for (const [k, v] of Object.entries(o)) if (k !== 'fallback') visit(v, k);
    }
  };
  visit(card);
  return out;
}

async function openRound(locale: Locale, partial: Parameters<typeof settings>[0] = {}) {
  const { service } = makeService();
  const round = await service.startRound({ tenant: 'T1', platform: 'teams', settings: settings({ locale, ...partial }), actor: COORD });
  return { service, round };
}

describe('templates', () => {
  it('every template is JSON for schema 1.5', () => {
    for (const name of TEMPLATE_NAMES) {
      const json = JSON.parse(readFileSync(templatePath(name), 'utf8')) as { type: string; version: string };
      expect(json).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    }
  });
});

describe('renderFactorCard', () => {
  it('has the statement, questions, tally, four Action.Execute votes with Submit fallbacks, answer form and examples', async () => {
    const { service, round } = await openRound('sv');
    await service.castVote({ tenant: 'T1', roundId: round.id, factorId: 'f01', actor: { id: MEMBERS[0]! }, level: 'partly', interactionId: 'i1' });
    const state = await service.state('T1', round.id);
    const card = renderFactorCard(buildFactorCard(state, 'f01', { myVote: 'partly' }), { userIds: [COORD.id, ...MEMBERS] });
    expectClean(card);
    const text = JSON.stringify(card);
    expect(text).toContain('01 · Offentliga åtaganden');
    expect(text).toContain(t('sv', 'card.yourVote', { level: t('sv', 'levels.partly') }));
    const votes = actions(card).filter((a) => a.verb === 'vote');
    expect(votes.map((v) => (v.data as { l: string }).l)).toEqual([...LEVELS]);
    for (const v of votes) {
      expect(v).toMatchObject({ type: 'Action.Execute', data: { r: round.id, f: 'f01' } });
      expect(v.fallback).toMatchObject({ type: 'Action.Submit', data: { r: round.id, f: 'f01', l: (v.data as { l: string }).l, verb: 'vote' } });
    }
    expect(votes.find((v) => (v.data as { l: string }).l === 'partly')?.style).toBe('positive');
    const showCards = actions(card).filter((a) => a.type === 'Action.ShowCard');
    expect(showCards.map((a) => a.title)).toEqual([t('sv', 'card.answerButton'), t('sv', 'card.examplesButton')]);
    const form = showCards[0]!.card!;
    const inputs = form.body.filter((e) => e.type === 'Input.Text');
    const questions = packs.factor('integrating-cities-diversity', 'sv', 'f01').questions;
    expect(inputs.map((i) => i.id)).toEqual([...questions.map((q) => `q:${q.id}`), 'evidence']);
    for (const i of inputs) expect(i).toMatchObject({ isMultiline: true, maxLength: 3000 });
    expect(form.actions?.[0]).toMatchObject({ type: 'Action.Execute', verb: 'answer', data: { r: round.id, f: 'f01' }, fallback: { type: 'Action.Submit' } });
    expect(card.refresh).toMatchObject({ action: { type: 'Action.Execute', verb: 'refresh', data: { r: round.id, f: 'f01' } }, userIds: [COORD.id, ...MEMBERS] });
  });

  it('caps refresh user ids at 60 and prefills a saved answer', async () => {
    const { service, round } = await openRound('en');
    const state = await service.state('T1', round.id);
    const q = state.pack.keyFactors[0]!.questions[0]!;
    const users = Array.from({ length: 80 }, (_, i) => `29:user-${i}`);
    const card = renderFactorCard(buildFactorCard(state, 'f01'), { userIds: users, answer: { texts: { [q.id]: 'Half done' }, evidence: ['https://a.example/x'] } });
    expectClean(card);
    expect(card.refresh?.userIds).toHaveLength(60);
    expect(JSON.stringify(card)).toContain('"value":"Half done"');
    expect(JSON.stringify(card)).toContain('"value":"https://a.example/x"');
  });

  it('a closed round shows no buttons and no refresh', async () => {
    const { service, round } = await openRound('sv');
    await service.closeRound('T1', round.id, COORD);
    const card = renderFactorCard(buildFactorCard(await service.state('T1', round.id), 'f02'), { userIds: MEMBERS });
    expectClean(card);
    expect(actions(card)).toEqual([]);
    expect(card.refresh).toBeUndefined();
    expect(JSON.stringify(card)).toContain(t('sv', 'card.closed'));
  });

  it('the longest factor of each locale, with long saved answers, stays valid and under the limit', async () => {
    for (const locale of ['sv', 'en'] as const) {
      const { service, round } = await openRound(locale);
      const state = await service.state('T1', round.id);
      const longest = [...state.pack.keyFactors].sort((a, b) => JSON.stringify(b).length - JSON.stringify(a).length)[0]!;
      const texts = Object.fromEntries(longest.questions.map((q) => [q.id, 'å'.repeat(3000)]));
      const evidence = Array.from({ length: 10 }, (_, i) => `https://kommun.example/${'d'.repeat(200)}/${i}`);
      const card = renderFactorCard(buildFactorCard(state, longest.id, { myVote: 'dont-know' }), { userIds: Array.from({ length: 60 }, (_, i) => `29:${i}`), answer: { texts, evidence }, notice: 'x'.repeat(300) });
      const size = expectClean(card);
      expect(size).toBeGreaterThan(10_000);
    }
  });
});

describe('renderDigestCard', () => {
  it('renders a weekly digest with the chart, its alt text and report links', async () => {
    const { service, round } = await openRound('sv', { managers: ['U_M'] });
    for (const [i, m] of MEMBERS.entries()) {
      await service.castVote({ tenant: 'T1', roundId: round.id, factorId: 'f05', actor: { id: m }, level: i % 2 === 0 ? 'in-place' : 'not-in-place', interactionId: `v${i}` });
    }
    const view = buildDigest(await service.state('T1', round.id), { kind: 'weekly', now: Date.parse('2026-03-09T07:00:00Z'), reportUrl: 'https://assess.example/reports/T1/r/sig' });
    const card = renderDigestCard(view, { chartUrl: 'https://assess.example/chart.png' });
    expectClean(card);
    const image = card.body.find((e) => e.type === 'Image');
    expect(image).toMatchObject({ url: 'https://assess.example/chart.png', altText: view.chartAlt });
    expect(actions(card).filter((a) => a.type === 'Action.OpenUrl').map((a) => a.url)).toEqual(view.reportLinks.map((l) => l.url));
    expect(JSON.stringify(card)).toContain(view.headline);
    for (const d of view.disputed) expect(JSON.stringify(card)).toContain(JSON.stringify(d).slice(1, 40));
  });

  it('a digest with many long lines is clipped to stay valid and under 80 KB', async () => {
    const { service, round } = await openRound('en');
    const base = buildDigest(await service.state('T1', round.id), { kind: 'final', now: Date.now(), reportUrl: 'https://assess.example/r' });
    const long = (s: string) => `${s} ${'long words that keep going '.repeat(120)}`;
    const view: DigestView = {
      ...base,
      factors: Array.from({ length: 200 }, (_, i) => ({
        ...base.factors[0]!,
        factorId: `f${i}`,
        header: long(`${i} · Factor`),
        line: long('True · 80% agreement'),
        links: Array.from({ length: 3 }, (_, j) => `https://kommun.example/${'p'.repeat(250)}/${i}/${j}`),
      })),
      disputed: Array.from({ length: 80 }, (_, i) => long(`Disputed ${i}`)),
      context: Array.from({ length: 80 }, (_, i) => long(`Context ${i}`)),
      pendingLine: long('Pending'),
    };
    const card = renderDigestCard(view, { chartUrl: 'https://assess.example/c.png' });
    expectClean(card);
    expect(JSON.stringify(card)).toContain(t('en', 'cards.digest.moreLines', { count: 80 - 25 }));
    expect(JSON.stringify(card)).toMatch(/…and \d+ more in the full report/);
  });
});

describe('reminder, welcome, text cards', () => {
  it('a reminder has one "open" button per factor, or a link when the card URL is known', async () => {
    const { service, round } = await openRound('sv');
    const state = await service.state('T1', round.id);
    const view = buildReminder(state, ['f03', 'f04']);
    const card = renderReminderCard(view);
    expectClean(card);
    expect(actions(card).map((a) => [a.type, a.verb, (a.data as { f?: string } | undefined)?.f])).toEqual([
      ['Action.Execute', 'open-card', 'f03'],
      ['Action.Execute', 'open-card', 'f04'],
    ]);
    const linked = renderReminderCard(view, { cardUrls: { f03: 'https://teams.microsoft.com/l/message/x/1' } });
    expectClean(linked);
    expect(actions(linked).map((a) => a.type)).toEqual(['Action.OpenUrl', 'Action.Execute']);
    expect(JSON.stringify(card)).toContain(view.text);
  });

  it('welcome and text cards', async () => {
    const { service, round } = await openRound('en');
    const view = buildWelcome(await service.state('T1', round.id));
    const welcome = renderWelcomeCard(view);
    expectClean(welcome);
    for (const line of view.lines) expect(JSON.stringify(welcome)).toContain(JSON.stringify(line).slice(1, -1));
    // Text that looks like a template expression is shown as it is, never evaluated.
    const text = renderTextCard('Hej ${name} {x} "quoted"');
    expectClean(text, { userTextMayHoldExpressions: true });
    expect(text.body[0]).toMatchObject({ text: 'Hej ${name} {x} "quoted"' });
  });
});

describe('start form', () => {
  const defaults = defaultSettings({ now: Date.parse('2026-03-04T10:00:00Z'), timezone: 'Europe/Stockholm', locale: 'sv', channelId: 'C1', participants: ['29:a', '29:b'] });
  const packsList = [{ id: 'integrating-cities-diversity', title: 'Kulturell mångfald' }];

  it('renders every setting with the defaults, as text boxes or as people pickers', () => {
    const card = renderStartForm(defaults, { packs: packsList, locale: 'sv' });
    expectClean(card);
    const ids = JSON.stringify(card).match(/"id":"[^"]+"/g)!.map((s) => s.slice(6, -1));
    expect(ids).toEqual(expect.arrayContaining(['packId', 'locale', 'mode', 'participants', 'managers', 'pacing', 'staggerEveryDays', 'startDate', 'closeDate', 'timezone', 'reminderDaysBefore', 'reminderTime', 'digestWeekday', 'digestTime', 'anonymous', 'isBaseline']));
    expect(JSON.stringify(card)).toContain(`"value":"${defaults.startDate}"`);
    expect(JSON.stringify(card)).toContain('"type":"Input.Date"');
    const submit = actions(card).find((a) => a.verb === 'start');
    expect(submit).toMatchObject({ type: 'Action.Execute', fallback: { type: 'Action.Submit', data: { verb: 'start', channelId: 'C1' } } });

    const listed = renderStartForm(defaults, { packs: packsList, locale: 'en', people: { kind: 'list', people: [{ id: '29:a', name: 'Anna' }, { id: '29:b', name: 'Bo' }, { id: '29:c' }] } });
    expectClean(listed);
    expect(JSON.stringify(listed)).toContain('"id":"participants","label":"Participants","isMultiSelect":true');
    expect(JSON.stringify(listed)).toContain('"value":"29:a,29:b"');
    expect(JSON.stringify(listed)).toContain('{"title":"Bo","value":"29:b"}');
  });

  it('in Teams, people come from Teams\' people picker: "everyone in this channel" lists nobody', () => {
    const card = renderStartForm(defaults, { packs: packsList, locale: 'sv', people: { kind: 'directory' }, everyone: true });
    expectClean(card);
    const body = JSON.stringify(card);
    expect(body).toContain('{"type":"Input.Toggle","id":"everyone","title":"Alla i kanalen är med","value":"true"');
    const pickers = (card.body as Record<string, unknown>[]).filter((e) => e.type === 'Input.ChoiceSet' && ['participants', 'managers', 'reviewers'].includes(String(e.id)));
    expect(pickers.map((p) => p.id)).toEqual(['participants', 'managers', 'reviewers']);
    for (const p of pickers) {
      expect(p).toMatchObject({ isMultiSelect: true, choices: [], 'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' } });
    }
    expect(pickers[0]!.value).toBe('');
    expect(body).not.toContain('29:a');

    // Filled in (a restart's managers): the picker names them, so it can show who is chosen.
    const filled = renderStartForm({ ...defaults, managers: ['aad-maja'] }, { packs: packsList, locale: 'en', people: { kind: 'directory', known: [{ id: 'aad-maja', name: 'Maja' }] }, everyone: true });
    expectClean(filled);
    const managers = (filled.body as Record<string, unknown>[]).find((e) => e.id === 'managers' && e.type === 'Input.ChoiceSet')!;
    expect(managers).toMatchObject({ value: 'aad-maja', choices: [{ title: 'Maja', value: 'aad-maja' }] });
  });

  it('"everyone in this channel" submitted on means no participants are named, whatever was picked before', () => {
    const base = { packId: 'integrating-cities-diversity', locale: 'sv', mode: 'internal-evaluation', pacing: 'staggered', startDate: defaults.startDate, closeDate: defaults.closeDate, timezone: 'Europe/Stockholm', channelId: 'C1' };
    expect(parseStartForm({ ...base, everyone: 'true', participants: 'aad-1,aad-2' }).participants).toEqual([]);
    expect(parseStartForm({ ...base, everyone: 'false', participants: 'aad-1,aad-2' }).participants).toEqual(['aad-1', 'aad-2']);
  });

  it('parses what a client submits back into settings the service accepts', async () => {
    const card = renderStartForm(defaults, { packs: packsList, locale: 'sv' });
    // Collect the inputs' default values, as a client would submit them untouched.
    const data: Record<string, unknown> = { verb: 'start', channelId: 'C1' };
    JSON.stringify(card, (k, v: unknown) => {
      if (v && typeof v === 'object' && 'id' in v && 'value' in v) data[(v as { id: string }).id] = String((v as { value: unknown }).value);
      return v;
    });
    const parsed = parseStartForm(data);
    expect(parsed).toMatchObject({ packId: defaults.packId, locale: 'sv', pacing: 'staggered', participants: ['29:a', '29:b'], staggerEveryDays: 2, startDate: defaults.startDate, anonymous: false });
    const { service } = makeService();
    const round = await service.startRound({ tenant: 'T', platform: 'teams', settings: parsed, actor: { id: '29:a' } });
    expect(round.status).toBe('open');
  });

  it('refuses bad values field by field, in the form\'s language', () => {
    const bad = { locale: 'en', packId: 'integrating-cities-diversity', mode: 'internal-evaluation', pacing: 'sometimes', startDate: '2026-02-30', closeDate: '', timezone: 'Mars/Olympus', staggerEveryDays: '99', reminderTime: '9am', channelId: 'C1' };
    let error: unknown;
    try {
      parseStartForm(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StartFormError);
    const e = error as StartFormError;
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.fields.map((f) => f.field).sort()).toEqual(['closeDate', 'pacing', 'reminderTime', 'staggerEveryDays', 'startDate', 'timezone']);
    const msg = e.userMessage('en');
    expect(msg).toContain(`${t('en', 'form.closeDate')}: ${t('en', 'cards.form.problems.missing')}`);
    expect(msg).toContain(`${t('en', 'form.timezone')}: ${t('en', 'cards.form.problems.timezone')}`);
    expect(msg).toContain(t('en', 'cards.form.problems.number', { min: 1, max: 30 }));
    const sv = (() => {
      try {
        parseStartForm({ ...bad, locale: 'sv' });
      } catch (x) {
        return (x as StartFormError).userMessage('sv');
      }
      return '';
    })();
    expect(sv).toContain(`${t('sv', 'form.startDate')}: ${t('sv', 'cards.form.problems.date')}`);
    expect(() => parseStartForm('not an object', { locale: 'sv' })).toThrow(StartFormError);
  });
});
