// The toolkit's own words where people meet it: footnote 1 on the welcome and every factor card (Slack and Adaptive
// Card), cards that lead with investigating and answering, the help, the way-of-working hint and the context list.
import { describe, expect, it } from 'vitest';
import { renderFactorCard as renderAdaptiveCard, renderStartForm } from '../../src/cards/adaptive.js';
import { PackRegistry } from '../../src/content/registry.js';
import type { Locale } from '../../src/content/schema.js';
import { t } from '../../src/core/i18n.js';
import { buildContextList, buildHelp, contextListText, helpText, modeHintLines } from '../../src/core/toolkit-guide.js';
import { buildFactorCard } from '../../src/core/views/factor-card.js';
import { buildWelcome } from '../../src/core/views/messages.js';
import { buildStartModal } from '../../src/platforms/slack/modals/start-form.js';
import { renderFactorCard as renderSlackCard } from '../../src/platforms/slack/render/factor-card.js';
import { defaultSettings } from '../../src/core/settings.js';
import { COORD, makeService, settings } from '../helpers/world.js';

const packs = PackRegistry.fromDir();
const SCOPE = {
  sv: 'I de här riktlinjerna refererar vi endast till mångfald som kommer av invandring, det vill säga av invandrare och deras barn.',
  en: 'In these guidelines we refer only to the diversity that comes from immigration, that is, from immigrants and their children.',
};

async function openRound(locale: Locale, pacing: 'all-at-once' | 'staggered' = 'all-at-once') {
  const { service } = makeService();
  const round = await service.startRound({ tenant: 'T1', platform: 'slack', settings: settings({ locale, pacing }), actor: COORD });
  return service.state('T1', round.id);
}

/** Every string in a value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe.each<Locale>(['sv', 'en'])('the toolkit\'s words, shown (%s)', (locale) => {
  const pack = packs.get('integrating-cities-diversity', locale);

  it('footnote 1 is on the welcome post, and the welcome leads with investigating (no "couple of minutes")', async () => {
    const view = buildWelcome(await openRound(locale, 'staggered'));
    expect(view.lines).toContain(SCOPE[locale]);
    const how = view.lines.find((l) => l.includes(locale === 'sv' ? 'utred' : 'investigate'))!;
    expect(how).toBeDefined();
    expect(how.indexOf(locale === 'sv' ? 'utred' : 'investigate')).toBeLessThan(how.indexOf(locale === 'sv' ? 'rösta' : 'vote'));
    expect(view.lines.join(' ')).not.toMatch(/ett par minuter|couple of minutes/);
    expect(view.lines.join(' ')).toContain(locale === 'sv' ? 'En ny faktor öppnar varannan arbetsdag' : 'A new factor opens every other working day');
  });

  it('every factor card carries footnote 1 under its header, on Slack and as an Adaptive Card', async () => {
    const state = await openRound(locale);
    for (const id of state.round.factorIds) {
      const view = buildFactorCard(state, id);
      expect(view.scopeNote).toBe(SCOPE[locale]);
      const slack = renderSlackCard(view) as { blocks: { type: string; elements?: { text: string }[] }[] };
      expect(slack.blocks[0]!.type).toBe('header');
      expect(slack.blocks[1]).toMatchObject({ type: 'context', elements: [{ text: SCOPE[locale] }] });
      const card = renderAdaptiveCard(view);
      const body = card.body as { text?: string }[];
      expect(body[0]!.text).toBe(view.header);
      expect(body[1]!.text).toBe(SCOPE[locale]);
    }
  });

  it('the card leads with investigating and answering the questions; the vote follows', async () => {
    const view = buildFactorCard(await openRound(locale), 'f01');
    expect(view.questionsIntro).toBe(
      locale === 'sv'
        ? 'Utred frågorna först och svara på dem med bevis under Svara på frågorna. Rösta sedan.'
        : 'Investigate the questions first and answer them with evidence under Answer the questions. Then vote.',
    );
    expect(view.votePrompt).toBe(locale === 'sv' ? 'Stämmer påståendet för er kommun?' : 'Is the statement true for your municipality?');
    const slack = JSON.stringify(renderSlackCard(view));
    expect(slack.indexOf(view.questionsIntro)).toBeLessThan(slack.indexOf(view.votePrompt));
    expect(slack.indexOf(view.votePrompt)).toBeLessThan(slack.indexOf('"action_id":"vote:in-place"'));
    const adaptive = JSON.stringify(renderAdaptiveCard(view));
    expect(adaptive.indexOf(view.questionsIntro)).toBeLessThan(adaptive.indexOf(view.votePrompt));
    expect(adaptive.indexOf(view.votePrompt)).toBeLessThan(adaptive.indexOf('"verb":"vote"'));
    expect(strings(view).join(' ')).not.toMatch(/ett par minuter|couple of minutes/);
  });

  it('help: the scope, the standard, the three parts, the three "Vill ni ha …?" questions, then the commands', () => {
    const view = buildHelp(pack, locale);
    expect(view.about[0]).toBe(SCOPE[locale]);
    expect(view.about[1]).toContain(pack.standard);
    expect(view.about).toContain(pack.framing!.parts.guidingQuestions);
    expect(view.modes.map((m) => [m.id, m.question])).toEqual(pack.usageModes.map((u) => [u.id, u.question]));
    const text = helpText(view);
    for (const u of pack.usageModes) expect(text).toContain(`${u.question} – **${t(locale, `modes.${u.id}`)}**`);
    expect(text.indexOf(pack.standard)).toBeLessThan(text.indexOf(t(locale, 'commands.help')));
    if (locale === 'sv') expect(text).toContain('Vägledande frågor, frågor som behöver utredas innan ni kan svara på om er kommun har infört nyckelfaktorerna.');
  });

  it('the start form\'s way-of-working choice carries the toolkit\'s three questions (Slack and Adaptive Card)', () => {
    const lines = modeHintLines(pack, locale);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`${pack.usageModes[0]!.question} – ${t(locale, 'modes.internal-evaluation')}`);
    const defaults = defaultSettings({ now: Date.parse('2026-01-12T07:30:00Z'), timezone: 'Europe/Stockholm', locale, channelId: 'C1', participants: ['U1'] });
    const modal = buildStartModal(defaults, {
      packs: [{ id: pack.id, title: pack.title, modes: pack.usageModes.map((u) => u.id), modeHint: lines }],
      labelLocale: locale,
      commandChannelId: 'C1',
    }) as { blocks: { block_id?: string; hint?: { text: string } }[] };
    const hint = modal.blocks.find((b) => b.block_id === 'mode')!.hint!.text;
    for (const l of lines) expect(hint).toContain(l);
    const card = JSON.stringify(renderStartForm(defaults, { packs: [{ id: pack.id, title: pack.title, usageModes: pack.usageModes }], locale }));
    for (const l of lines) expect(card).toContain(JSON.stringify(l));
  });

  it('the context list shows each context factor with the toolkit\'s examples, and the team\'s notes', () => {
    const notes = [{ contextFactorId: 'municipal-resources', comment: 'Budgeten halverad 2026', by: 'U1', at: '2026-03-03T08:00:00.000Z' }];
    const view = buildContextList(pack, locale, notes);
    expect(view.intro).toBe(pack.framing!.contextFactorsIntro);
    expect(view.items).toHaveLength(7);
    expect(view.items.map((i) => i.examples)).toEqual(pack.contextFactors.map((c) => c.includes));
    expect(view.items.find((i) => i.id === 'municipal-resources')!.note).toBe('Budgeten halverad 2026');
    const text = contextListText(view);
    for (const c of pack.contextFactors) for (const example of c.includes) expect(text).toContain(example);
    expect(text).toContain('`national-legislation`');
    expect(text).toContain(locale === 'sv' ? 'Noterat av laget: Budgeten halverad 2026' : 'Noted by the team: Budgeten halverad 2026');
  });
});
