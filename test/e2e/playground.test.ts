// End-to-end: a full round in the playground page, driven through Debian's Chromium with playwright-core, then the
// coordinator's year (#17): the baseline, a peer review validating it, an action plan with edits, a second round
// compared with the baseline, a reopened round; each asserted on what the person sees on the page.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type App } from '../../src/app/build.js';
import { OffsetClock } from '../../src/infra/clock.js';
import { loadConfig } from '../../src/config.js';
import { registerPlayground } from '../../src/platforms/playground/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { createLogger } from '../../src/infra/logger.js';

const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts/playground');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Flags for a closed network: no background connections, no component updates, no sandbox as root.
// playwright-core gives every launch a new empty profile directory of its own.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
];

let app: App;
let browser: Browser;
let page: Page;
let base: string;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const NAMES: Record<string, string> = { 'u-cora': 'Cora', 'u-anna': 'Anna', 'u-bo': 'Bo', 'u-cecilia': 'Cecilia', 'u-maja': 'Maja', 'u-pia': 'Pia' };

/** Switches the simulated person and waits until the page shows their view. */
async function as(personId: string): Promise<void> {
  await page.getByTestId(`person-${personId}`).check();
  await expect.poll(() => page.locator('#dm-title').textContent()).toContain(NAMES[personId]);
  await page.waitForLoadState('networkidle');
}

async function command(text: string): Promise<void> {
  await page.getByTestId('command').fill(text);
  await page.getByTestId('command').press('Enter');
  await page.waitForLoadState('networkidle');
}

function channel() {
  return page.getByTestId('channel');
}

function firstFactorCard() {
  return channel().locator('[data-type="factor-card"]').first();
}

const cardText = async () => (await firstFactorCard().textContent()) ?? '';

/**
 * Until the page has finished the last card action: the page ignores a click while one is running, and re-draws the
 * card when it ends. (The toast is no signal: it shows the previous person's identical "Tack!" for four seconds.)
 */
async function idle(): Promise<void> {
  await expect.poll(() => page.evaluate(() => (window as unknown as { __playground: { busy(): boolean } }).__playground.busy()), { timeout: 15_000 }).toBe(false);
}

/** Votes and answers as one person on a card (the channel's first by default); `answered` is how many have answered once this one has. */
async function voteAndAnswer(personId: string, level: string, answer: string, link: string, answered: number, which = firstFactorCard): Promise<void> {
  const text = async () => (await which().textContent()) ?? '';
  await as(personId);
  await idle();
  await which().getByRole('button', { name: level, exact: true }).click();
  await expect.poll(text, { timeout: 15_000 }).toContain(`Din röst: ${level}`);
  await idle();
  const card = which();
  await card.getByRole('button', { name: 'Svara på frågorna' }).click();
  await card.locator('textarea').first().fill(answer);
  await card.locator('textarea').last().fill(link);
  await card.getByRole('button', { name: 'Spara' }).click();
  await expect.poll(text, { timeout: 15_000 }).toContain(`${answered} har svarat`);
  await idle();
}

/** The newest factor card in the channel: the latest round's. */
function lastFactorCard() {
  return channel().locator('[data-type="factor-card"]').last();
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DEFAULT_LOCALE: 'sv', ANONYMITY_SECRET: 'e2e-anonymity-secret' });
  app = await build(config, { store: new MemoryStore(), clock: new OffsetClock(), adapters: [registerPlayground], logger: createLogger('silent') });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = app.http.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${address.port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('playground in a real browser', () => {
  it('runs a full round: start, three members vote and answer, a reminder, close, digest', async () => {
    await page.goto(base);
    await expect.poll(() => page.locator('h1').textContent()).toContain('lekplats');
    await shot('01-empty');

    // Cora starts a round with the form's defaults (staggered: the first factor opens now).
    await command('/assess start');
    const form = channel().locator('[data-type="start-form"]');
    await expect.poll(() => form.count()).toBe(1);
    await shot('02-start-form');
    await form.getByRole('button', { name: 'Starta' }).click();
    await expect.poll(() => channel().locator('[data-type="welcome"]').count()).toBe(1);
    await expect.poll(() => firstFactorCard().textContent()).toContain('01 · Offentliga åtaganden');
    expect(await firstFactorCard().textContent()).toContain('Kommunen informerar aktivt om dess åtagande för mångfald.');
    await shot('03-first-card');

    await voteAndAnswer('u-anna', 'Stämmer delvis', 'Vi har ett uttalande från 2024, men det används sällan.', 'https://kommun.example/protokoll/2024-05', 1);
    await voteAndAnswer('u-bo', 'Stämmer', 'Kommunikationsplanen nämner åtagandet.', 'https://kommun.example/plan', 2);
    await voteAndAnswer('u-cecilia', 'Stämmer delvis', 'Inte känt i stadsdelarna.', 'https://kommun.example/rapport', 3);
    expect(await cardText()).toContain('3 av 4 har röstat');
    expect(await cardText()).toContain('3 har svarat');
    expect(await cardText()).toContain('Din röst: Stämmer delvis');
    await shot('04-after-votes');

    // Anna sees her saved answer when she reopens the form (a half-finished answer can be continued).
    await as('u-anna');
    await firstFactorCard().getByRole('button', { name: 'Svara på frågorna' }).click();
    expect(await firstFactorCard().locator('textarea').first().inputValue()).toContain('Vi har ett uttalande från 2024');

    // Time passes: the reminder reaches Cora (she has not voted), not Anna.
    await as('u-cora');
    await page.getByTestId('advance-week').click();
    await page.waitForLoadState('networkidle');
    await page.getByTestId('advance-week').click();
    await expect.poll(async () => (await page.getByTestId('dms').textContent()) ?? '', { timeout: 15_000 }).toContain('väntar på dig');
    await shot('05-reminder');
    await as('u-anna');
    const annaDms = (await page.getByTestId('dms').textContent()) ?? '';
    expect(annaDms).not.toContain('01 · Offentliga åtaganden (senast');

    // The manager got the weekly digest.
    await as('u-maja');
    await expect.poll(async () => (await page.getByTestId('dms').textContent()) ?? '').toContain('Veckobrev');
    await shot('06-weekly-digest');

    // Bo is not the coordinator: his close is refused, only to him, and the round stays open.
    await as('u-bo');
    await command('/assess close confirm');
    await expect.poll(async () => (await channel().textContent()) ?? '').toContain('Bara samordnaren kan göra det här. Fråga Cora.');
    expect(await channel().locator('[data-type="digest"]').count()).toBe(0);

    // Cora closes the round; the summary appears in the channel.
    await as('u-cora');
    await command('/assess close confirm');
    const digest = channel().locator('[data-type="digest"]');
    await expect.poll(() => digest.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const text = (await digest.last().textContent()) ?? '';
    expect(text).toContain('Sammanfattning');
    expect(text).toMatch(/av 13 påståenden stämmer/);
    expect(text).not.toMatch(/NaN|undefined/);
    await digest.last().scrollIntoViewIfNeeded();
    await shot('07-summary');
  }, 120_000);

  /** The newest text reply in the channel view (ephemeral replies show there, marked "only you"). */
  const lastText = async () => (await channel().locator('[data-type="text"]').last().textContent()) ?? '';

  it('a year: the baseline, a peer review validating it, an action plan with edits, a second round compared, a reopened round', async () => {
    // The first round (closed above) becomes the baseline.
    await as('u-cora');
    await command('/assess baslinje');
    await expect.poll(lastText).toContain('är nu baslinjen');

    // Peers validate that first round without the team voting again: Pia from another city reviews it.
    const digests = channel().locator('[data-type="digest"]');
    const summariesBefore = await digests.count();
    await command('/assess review validera @u-pia');
    await expect.poll(lastText).toContain('utan att laget röstar igen');
    await as('u-pia');
    await idle();
    await firstFactorCard().getByRole('button', { name: 'Stämmer inte', exact: true }).click();
    await expect.poll(cardText, { timeout: 15_000 }).toContain('Din röst: Stämmer inte');
    await idle();
    await command('/assess recommend 1 Gör uttalandet känt i stadsdelarna');
    await expect.poll(lastText).toContain('01');
    // The team's own vote is locked: Anna cannot change it now.
    await as('u-anna');
    await idle();
    await firstFactorCard().getByRole('button', { name: 'Stämmer', exact: true }).click();
    await expect.poll(async () => (await page.getByTestId('toast').textContent()) ?? '', { timeout: 15_000 }).toContain('Självutvärderingen är låst');
    await idle();
    expect(await cardText()).toContain('Din röst: Stämmer delvis');
    // Cora closes the review: a summary of its own, the team's verdict and the review team's side by side.
    await as('u-cora');
    await command('/assess stäng bekräfta');
    await expect.poll(() => digests.count(), { timeout: 15_000 }).toBe(summariesBefore + 1);
    const review = (await digests.last().textContent()) ?? '';
    expect(review).toContain('Kollegial utvärdering');
    expect(review).toContain('Självutvärdering: Stämmer delvis · Granskningsgruppen: Stämmer inte (1 av 1)');
    expect(review).toContain('Gör uttalandet känt i stadsdelarna');
    await digests.last().scrollIntoViewIfNeeded();
    await shot('08-peer-review-summary');

    // The action plan from the baseline: goals, then an action added, edited, noted on and ticked off.
    await command('/assess plan');
    await expect.poll(lastText).toContain('01');
    const due = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    const later = new Date(Date.now() + 120 * 86_400_000).toISOString().slice(0, 10);
    await command(`/assess åtgärd add 01 Anna ${due} snabb Informera om åtagandet på intranätet`);
    await expect.poll(lastText).toContain('A1');
    await command('/assess åtgärd edit A1 text Informera om åtagandet på intranätet och i nyhetsbrevet');
    await expect.poll(lastText).toContain('nyhetsbrevet');
    await command(`/assess åtgärd edit A1 due ${later}`);
    await command('/assess åtgärd edit A1 priority hög');
    await command('/assess åtgärd note A1 Texten är skriven, publiceras i maj');
    await command('/assess plan');
    await expect.poll(lastText).toContain('Informera om åtagandet på intranätet och i nyhetsbrevet');
    const plan = await lastText();
    expect(plan).toContain('hög prioritet');
    expect(plan).toContain(String(Number(later.slice(8, 10))));
    await command('/assess åtgärd done A1');
    await expect.poll(lastText).toContain('A1');
    await shot('09-action-plan');

    // Months later: a second round from the last round's settings, all at once, compared with the baseline.
    for (let i = 0; i < 2; i++) {
      await page.getByTestId('advance-week').click();
      await page.waitForLoadState('networkidle');
    }
    // The last round was the peer review: a new self-assessment starts from the form's defaults (an internal evaluation).
    await command('/assess starta');
    const form = channel().locator('[data-type="start-form"]').last();
    await expect.poll(() => form.count()).toBe(1);
    await form.getByRole('button', { name: 'Starta' }).click();
    await expect.poll(() => channel().locator('[data-type="welcome"]').count()).toBe(2);
    await voteAndAnswer('u-anna', 'Stämmer', 'Uttalandet finns nu på intranätet.', 'https://kommun.example/intranat', 1, lastFactorCard);

    // The coordinator sees who has not voted, and whom the reminder reached.
    await as('u-cora');
    await command('/assess väntar');
    await expect.poll(lastText).toContain('har röster kvar att ge');
    expect(await lastText()).toContain('Bo');
    await command('/assess påminn');
    await expect.poll(lastText).toContain('Påminde');

    // `stäng` asks first; the button closes; the summary compares with the baseline.
    await command('/assess stäng');
    const ask = channel().locator('[data-type="text"]').last();
    await expect.poll(async () => (await ask.textContent()) ?? '').toContain('Stänga');
    const before = await digests.count();
    await shot('10-close-asks');
    await ask.getByRole('button', { name: 'Stäng omgången' }).click();
    await expect.poll(() => digests.count(), { timeout: 15_000 }).toBe(before + 1);
    const compared = (await digests.last().textContent()) ?? '';
    expect(compared).toContain('Jämfört med baslinjen');
    // 01 went from 67 (Stämmer delvis, in the baseline) to 100: one arrow on its line, up.
    expect(compared).toContain('↑ upp');

    // Reopened for late answers, then closed again with `stäng bekräfta`: a second summary of the same round.
    await command('/assess återöppna');
    await expect.poll(lastText).toContain('Omgången är öppen igen');
    await voteAndAnswer('u-bo', 'Stämmer delvis', 'Sent svar.', 'https://kommun.example/sent', 2, lastFactorCard);
    await as('u-cora');
    await command('/assess stäng bekräfta');
    await expect.poll(() => digests.count(), { timeout: 15_000 }).toBe(before + 2);
    expect((await digests.last().textContent()) ?? '').toContain('Jämfört med baslinjen');
    await digests.last().scrollIntoViewIfNeeded();
    await shot('11-reopened-summary');
  }, 240_000);
});
