// Issue 17, sections 3 and 5, through the one interaction layer on every platform, in Swedish and English: votes go in
// through core/interactions `vote` (as each adapter calls it, with its platform), and the card each platform draws from
// the reply shows the toolkit's own words for the levels, the verdict rule's tally, and footnote 1 under the header.
// (verdict-surfaces.test.ts and toolkit-guide.test.ts check the same rule and words on the digest, reports and help.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderFactorCard as renderAdaptive } from '../../src/cards/adaptive.js';
import type { Locale } from '../../src/content/schema.js';
import { Interactions, silentObserver } from '../../src/core/interactions/index.js';
import type { Level, Platform } from '../../src/core/model.js';
import { renderFactorCard as renderSlack } from '../../src/platforms/slack/render/factor-card.js';
import type { RedisStore } from '../../src/store/index.js';
import { COORD, dropPrefix, makeService, redisStore, settings } from '../helpers/world.js';

let store: RedisStore;

beforeAll(async () => {
  store = await redisStore();
});

afterAll(async () => {
  await dropPrefix(store);
  await store.close();
});

/** Footnote 1 of the toolkit (Swedish verbatim from the seed; the English is our translation). */
const SCOPE: Record<Locale, string> = {
  sv: 'I de här riktlinjerna refererar vi endast till mångfald som kommer av invandring, det vill säga av invandrare och deras barn.',
  en: 'In these guidelines we refer only to the diversity that comes from immigration, that is, from immigrants and their children.',
};
const WORDS: Record<Locale, Record<Level, string>> = {
  sv: { 'in-place': 'Stämmer', partly: 'Stämmer delvis', 'not-in-place': 'Stämmer inte', 'dont-know': 'Vet inte' },
  en: { 'in-place': 'True', partly: 'Partly true', 'not-in-place': 'Not true', 'dont-know': "Don't know" },
};

/** Every string in a rendered payload. */
function textOf(payload: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(payload);
  return out.join('\n');
}

describe.each([
  ['slack', 'sv'],
  ['teams', 'en'],
  ['playground', 'sv'],
  ['slack', 'en'],
  ['teams', 'sv'],
  ['playground', 'en'],
] as [Platform, Locale][])('the toolkit\'s words on a voted card, %s in %s', (platform, locale) => {
  it('votes through core/interactions; the drawn card names the levels in the toolkit\'s words, tallies them by the rule and carries footnote 1', async () => {
    const { service } = makeService(store);
    const tenant = `TW_${platform}_${locale}`;
    const interactions = new Interactions({ service, observe: silentObserver, voteRetryMs: 0 });
    const round = await service.startRound({ tenant, platform, settings: settings({ locale, channelId: `C_${platform}_${locale}` }), actor: COORD });
    const votes: [string, Level][] = [['U_ANNA', 'in-place'], ['U_BO', 'partly'], ['U_CECILIA', 'dont-know']];
    let reply;
    for (const [id, l] of votes) {
      reply = await interactions.vote({ platform, tenant, actor: { id }, value: { r: round.id, f: 'f01', l }, interactionId: `${tenant}-${id}`, withCard: true, fallbackLocale: locale });
      expect(reply.status).toBe('confirmed');
    }
    const view = reply!.card!;
    expect(view).toBeDefined();
    const w = WORDS[locale];
    expect(view.voteButtons.map((b) => b.label)).toEqual([w['in-place'], w.partly, w['not-in-place'], w['dont-know']]);
    expect(view.tallyLine).toBe(`${w['in-place']} 1 · ${w.partly} 1 · ${w['not-in-place']} 0 · ${w['dont-know']} 1`);
    expect(view.scopeNote).toBe(SCOPE[locale]);
    // Each platform's drawing of that reply: Block Kit for Slack, the Adaptive Card for Teams and the playground.
    const drawn = textOf(platform === 'slack' ? renderSlack(view, {}) : renderAdaptive(view, { answer: null }));
    for (const fact of [view.header, SCOPE[locale], view.tallyLine, ...Object.values(w)]) expect(drawn, fact).toContain(fact);
    // The other language's words are nowhere on the card.
    const other = WORDS[locale === 'sv' ? 'en' : 'sv'];
    expect(drawn).not.toContain(other.partly);
    expect(drawn).not.toContain(SCOPE[locale === 'sv' ? 'en' : 'sv']);
  });
});
