// Every Block Kit payload the Slack adapter builds stays within Slack's limits, even from the longest factor and very long answers.
import { describe, expect, it } from 'vitest';
import type { Locale } from '../../src/content/schema.js';
import { t } from '../../src/core/i18n.js';
import { LEVELS, RoundSchema, type Answer, type Level, type Round } from '../../src/core/model.js';
import type { RoundSnapshot } from '../../src/core/ports.js';
import type { RoundState } from '../../src/core/read-model.js';
import { calendarFromSettings, defaultSettings, RoundSettingsSchema } from '../../src/core/settings.js';
import { tallyFactor } from '../../src/core/tally.js';
import { buildDigest } from '../../src/core/views/digest.js';
import { buildFactorCard } from '../../src/core/views/factor-card.js';
import { buildReminder, buildWelcome } from '../../src/core/views/messages.js';
import { textReply } from '../../src/platforms/slack/listeners/commands.js';
import { checkSurface, fitSurface, LIMITS } from '../../src/platforms/slack/limits.js';
import { buildAnswerModal } from '../../src/platforms/slack/modals/answer-form.js';
import { buildStartModal } from '../../src/platforms/slack/modals/start-form.js';
import { renderDigest } from '../../src/platforms/slack/render/digest.js';
import { renderExamples, renderFactorCard } from '../../src/platforms/slack/render/factor-card.js';
import { renderHome, type HomeRound } from '../../src/platforms/slack/render/home.js';
import { renderReminder, renderWelcome } from '../../src/platforms/slack/render/messages.js';
import { makeService, packs } from '../helpers/world.js';

const { service } = makeService();
const NOW = Date.parse('2026-01-20T09:00:00Z');
const LONG = (n: number, seed = 'Lång text med å, ä och ö <!channel> & mer. ') => seed.repeat(Math.ceil(n / seed.length)).slice(0, n);
const PEOPLE = Array.from({ length: 60 }, (_, i) => `U0LONGNAME${String(i).padStart(3, '0')}`);

/** A round pushed to every edge: long title and names, 60 people, every answer 3,000 characters with ten long links. */
function heavyState(locale: Locale, opts: { status?: Round['status'] } = {}): RoundState {
  const pack = packs.get('integrating-cities-diversity', locale);
  const settings = RoundSettingsSchema.parse({
    ...defaultSettings({ now: Date.parse('2026-01-12T07:00:00Z'), timezone: 'Europe/Stockholm', locale, channelId: 'C0MANGFALD', participants: PEOPLE }),
    pacing: 'all-at-once',
    startDate: '2026-01-12',
    closeDate: '2026-02-23',
    digestShowNames: true,
  });
  const round: Round = RoundSchema.parse({
    id: '20260112-abcdef12',
    tenant: 'T0MALMO',
    platform: 'slack',
    channel: { id: 'C0MANGFALD', name: 'mangfald-utvardering' },
    title: LONG(200),
    packId: pack.id,
    locale,
    mode: 'internal-evaluation',
    status: opts.status ?? 'open',
    createdAt: '2026-01-12T07:00:00.000Z',
    openedAt: '2026-01-12T07:00:00.000Z',
    coordinators: [PEOPLE[0]],
    participants: PEOPLE,
    managers: PEOPLE.slice(0, 5),
    names: Object.fromEntries(PEOPLE.map((p) => [p, LONG(200, 'Förnamn Efternamnsson-Långnamn ')])),
    calendar: calendarFromSettings(settings),
    factorIds: pack.keyFactors.map((f) => f.id),
    contextNotes: pack.contextFactors.map((c) => ({ contextFactorId: c.id, comment: LONG(3000), by: PEOPLE[0], at: '2026-01-13T08:00:00.000Z' })),
  });
  const counts: RoundSnapshot['counts'] = {};
  const votes: RoundSnapshot['votes'] = {};
  const answers: RoundSnapshot['answers'] = {};
  for (const f of pack.keyFactors) {
    votes[f.id] = {};
    answers[f.id] = {};
    counts[f.id] = { 'in-place': 0, partly: 0, 'not-in-place': 0, 'dont-know': 0 };
    PEOPLE.slice(0, 40).forEach((p, i) => {
      const level: Level = LEVELS[i % 4]!;
      votes[f.id]![p] = level;
      counts[f.id]![level] += 1;
      const answer: Answer = {
        factorId: f.id,
        memberId: p,
        texts: Object.fromEntries(f.questions.map((q) => [q.id, LONG(3000)])),
        evidence: Array.from({ length: 10 }, (_, k) => `https://www.malmo.se/${'mycket-lang-sokvag/'.repeat(20)}dokument-${k}.pdf?a=1&b=<2>|x`),
        at: '2026-01-14T08:00:00.000Z',
      };
      answers[f.id]![p] = answer;
    });
  }
  const state = service.stateFromSnapshot({ round, counts, votes, answers });
  // Sanity: the state really carries what we meant to push.
  expect(state.tallies.every((x) => tallyFactor(x.factorId, x.counts, PEOPLE.length).voters === 40)).toBe(true);
  return state;
}

function longestFactorId(locale: Locale): string {
  const pack = packs.get('integrating-cities-diversity', locale);
  return [...pack.keyFactors].sort((a, b) => JSON.stringify(b).length - JSON.stringify(a).length)[0]!.id;
}

const more = { url: 'https://assess.malmo.example/reports/T0MALMO/20260112-abcdef12/sig', label: 'Se allt i hela rapporten' };

describe.each(['sv', 'en'] as const)('Block Kit limits (%s)', (locale) => {
  const state = heavyState(locale);
  const closed = heavyState(locale, { status: 'closed' });

  it('every factor card, open and closed, and the longest factor in particular', () => {
    const longest = longestFactorId(locale);
    for (const s of [state, closed]) {
      for (const id of s.round.factorIds) {
        const payload = renderFactorCard(buildFactorCard(s, id), { more });
        expect(checkSurface('message', payload), `${id}`).toEqual([]);
      }
    }
    const card = renderFactorCard(buildFactorCard(state, longest), { more });
    const text = JSON.stringify(card.blocks);
    // Nothing of the longest factor's questions was lost to truncation.
    for (const q of packs.factor('integrating-cities-diversity', locale, longest).questions) expect(text).toContain(q.text.slice(0, 40));
  });

  it('examples, answer forms with saved 3,000-character answers, and the start form with 100 people', () => {
    for (const id of state.round.factorIds) {
      const view = buildFactorCard(state, id);
      expect(checkSurface('message', renderExamples(view, 'none'))).toEqual([]);
      const saved = state.snapshot.answers[id]![PEOPLE[0]!]!;
      const modal = buildAnswerModal(view, saved, { t: 'T0MALMO', r: state.round.id, f: id, c: 'C0MANGFALD' });
      expect(checkSurface('modal', modal), id).toEqual([]);
    }
    const defaults = RoundSettingsSchema.parse({
      ...defaultSettings({ now: NOW, timezone: 'Europe/Stockholm', locale, channelId: 'C0MANGFALD', participants: Array.from({ length: 100 }, (_, i) => `U${i}`) }),
      managers: Array.from({ length: 20 }, (_, i) => `UM${i}`),
    });
    const start = buildStartModal(defaults, {
      packs: [{ id: 'integrating-cities-diversity', title: LONG(300), modes: ['internal-evaluation', 'peer-review', 'action-plan'] }],
      labelLocale: locale,
      commandChannelId: 'C0MANGFALD',
    });
    expect(checkSurface('modal', start)).toEqual([]);
  });

  it('digests (final, weekly, status) with very long answers, notes, names and links', () => {
    for (const kind of ['final', 'weekly', 'status'] as const) {
      const view = buildDigest(kind === 'final' ? closed : state, { kind, now: NOW, reportUrl: more.url, baseline: state });
      const payload = renderDigest(view, { seeMoreLabel: more.label });
      expect(checkSurface('message', payload), kind).toEqual([]);
      expect(JSON.stringify(payload.blocks)).toContain('assess.malmo.example/reports/');
    }
  });

  it('reminders naming all 13 factors, the welcome, the home tab with many rounds, and text replies', () => {
    const reminder = buildReminder(state, state.round.factorIds);
    const permalinks = Object.fromEntries(state.round.factorIds.map((id) => [id, `https://malmo-stad.slack.com/archives/C0MANGFALD/p1768203000${id}`]));
    expect(checkSurface('message', renderReminder(reminder, permalinks, (d) => d))).toEqual([]);
    expect(checkSurface('message', renderWelcome(buildWelcome(state)))).toEqual([]);
    const rounds: HomeRound[] = Array.from({ length: 15 }, (_, i) => ({
      title: LONG(200),
      channelId: `C0CHAN${i}`,
      closes: '23 februari 2026',
      openCount: 13,
      voted: 2,
      answered: 1,
      laterCount: 0,
      participates: true,
      items: state.round.factorIds.map(() => ({ header: LONG(150), due: '23 februari 2026', missingVote: true, missingAnswer: true })),
    }));
    expect(checkSurface('home', renderHome(locale, rounds))).toEqual([]);
    expect(checkSurface('message', textReply(t(locale, 'commands.help')) as never)).toEqual([]);
    expect(checkSurface('message', textReply(Array.from({ length: 12 }, () => `• ${LONG(3000)}`).join('\n')) as never)).toEqual([]);
  });
});

describe('the limits checker', () => {
  it('reports every broken limit with a path', () => {
    const problems = checkSurface('modal', {
      type: 'modal',
      title: { type: 'plain_text', text: 'A title that is far too long for Slack' },
      private_metadata: 'x'.repeat(3001),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } },
        { type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3001) } },
        { type: 'actions', elements: [{ type: 'button', action_id: 'b', text: { type: 'plain_text', text: 'b'.repeat(76) }, value: 'v'.repeat(2001) }] },
        { type: 'input', block_id: 'i', label: { type: 'plain_text', text: 'l' }, element: { type: 'plain_text_input', action_id: 'value', initial_value: 'i'.repeat(3001) } },
      ],
    });
    expect(problems).toEqual([
      'blocks[0].text.text is 151 characters (max 150)',
      'blocks[1].text.text is 3001 characters (max 3000)',
      'blocks[2].elements[0].text.text is 76 characters (max 75)',
      'blocks[2].elements[0].value is 2001 characters (max 2000)',
      'blocks[3].element.initial_value is 3001 characters (max 3000)',
      'title.text is 38 characters (max 24)',
      'view.private_metadata is 3001 characters (max 3000)',
    ]);
  });

  it('fits a message gracefully: texts cut with an ellipsis, extra blocks replaced by a "see more" link', () => {
    const blocks = Array.from({ length: 60 }, (_, i) => ({ type: 'section', text: { type: 'mrkdwn', text: `${i} ${'å'.repeat(100)}` } }));
    blocks[0] = { type: 'section', text: { type: 'mrkdwn', text: `&amp; ${'x'.repeat(2994)}&lt;tail&gt;` } };
    const fitted = fitSurface('message', { text: 'fallback', blocks }, { more });
    expect(fitted.blocks).toHaveLength(LIMITS.messageBlocks);
    expect(checkSurface('message', fitted)).toEqual([]);
    expect(JSON.stringify(fitted.blocks.at(-1))).toContain(`<${more.url}|${more.label}>`);
    const first = (fitted.blocks[0]!.text as { text: string }).text;
    expect(first.endsWith('…')).toBe(true);
    expect(first).not.toMatch(/&[a-z]*…$/);
  });

  it('keeps a message under the total size Slack accepts', () => {
    const blocks = Array.from({ length: 8 }, () => ({ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(2900) } }));
    expect(checkSurface('message', { blocks })).toEqual([`blocks carry 23200 characters (keep under ${LIMITS.messageBlockChars})`]);
    const fitted = fitSurface('message', { blocks }, { more });
    expect(checkSurface('message', fitted)).toEqual([]);
    expect(JSON.stringify(fitted.blocks.at(-1))).toContain(more.url);
  });
});
