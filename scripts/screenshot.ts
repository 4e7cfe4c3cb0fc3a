// Takes the README's screenshot of the playground (docs/playground.png) in Debian's Chromium through playwright-core:
// a round started, two votes, a week on, so the picture shows what the playground is today.
// Run: npx tsx scripts/screenshot.ts [out.png]   (CHROMIUM_PATH overrides /usr/bin/chromium; no browser is downloaded)
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { build } from '../src/app/build.js';
import { loadConfig } from '../src/config.js';
import { OffsetClock } from '../src/infra/clock.js';
import { createLogger } from '../src/infra/logger.js';
import { registerPlayground } from '../src/platforms/playground/index.js';
import { MemoryStore } from '../src/store/index.js';

const OUT = process.argv[2] ?? join(import.meta.dirname, '../docs/playground.png');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-dev-shm-usage'];

const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DEFAULT_LOCALE: 'sv', ANONYMITY_SECRET: 'screenshot-anonymity-secret' });
const app = await build(config, { store: new MemoryStore(), clock: new OffsetClock(), adapters: [registerPlayground], logger: createLogger('silent') });
await app.http.listen({ port: 0, host: '127.0.0.1' });
const address = app.http.server.address();
if (!address || typeof address === 'string') throw new Error('no port');
const base = `http://127.0.0.1:${address.port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const post = (path: string, body: unknown) => page.request.post(`${base}${path}`, { data: body });
  await page.goto(base);
  await page.getByTestId('command').fill('/assess start');
  await page.getByTestId('command').press('Enter');
  const form = page.getByTestId('channel').locator('[data-type="start-form"]');
  await form.waitFor();
  if (process.env.SHOT_FORM) {
    await page.evaluate(() => { document.getElementById('channel')!.scrollTop = 0; });
    await page.screenshot({ path: process.env.SHOT_FORM });
  }
  await form.getByRole('button', { name: 'Starta' }).click();
  await page.getByTestId('channel').locator('[data-type="factor-card"]').first().waitFor();
  const state = (await (await page.request.get(`${base}/playground/state?as=u-cora`)).json()) as { activeRoundId: string };
  for (const [as, l] of [['u-anna', 'partly'], ['u-bo', 'in-place']] as const) {
    await post('/playground/action', { as, verb: 'vote', data: { r: state.activeRoundId, f: 'f01', l } });
  }
  await post('/playground/clock', { advance: 'week' });
  await page.reload();
  await page.getByTestId('channel').locator('[data-type="factor-card"]').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await app.close();
}
