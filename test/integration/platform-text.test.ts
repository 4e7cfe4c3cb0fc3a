// Each platform's text in its own syntax, naming its own command: Teams gets Markdown and "@Assess assess" (or "assess" in a
// 1:1 chat), Slack gets mrkdwn and "/assess". The locale files themselves stay platform-neutral.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allKeys, t } from '../../src/core/i18n.js';
import { renderText } from '../../src/core/text-format.js';
import { dropPrefix } from '../helpers/world.js';
import { sendCommand, startSlackApp, type SlackTestApp } from '../helpers/slack.js';
import { CHANNEL, PEOPLE, TENANT, channelMessage, fixture } from '../fixtures/teams/activities.js';
import { fakeConnector, startApp, type Harness } from '../fixtures/teams/harness.js';

/** Slack's bold is one asterisk; Markdown reads that as italics. */
const SLACK_BOLD = /(^|[^*\w])\*[^*\s][^*\n]*\*(?!\*)/m;

describe('locale files', () => {
  it('shared texts name no platform\'s command and use the neutral bold; each platform renders its own', () => {
    for (const locale of ['sv', 'en'] as const) {
      for (const key of allKeys(locale)) {
        // Slack's and the playground's own texts may speak their own syntax; everything else reaches Teams too.
        if (key.startsWith('slack.') || key.startsWith('playground.')) continue;
        const text = t(locale, key);
        expect(text, `${locale} ${key}`).not.toContain('/assess');
        expect(text, `${locale} ${key}`).not.toMatch(SLACK_BOLD);
      }
    }
  });

  it('renders the neutral text per platform', () => {
    const text = '**How to use {cmd}** – type `{cmd} start`';
    expect(renderText(text, { command: '/assess', markup: 'mrkdwn' })).toBe('*How to use /assess* – type `/assess start`');
    expect(renderText(text, { command: '@Assess assess', markup: 'markdown' })).toBe('**How to use @Assess assess** – type `@Assess assess start`');
    expect(renderText(text, { command: 'assess', markup: 'plain' })).toBe('How to use assess – type assess start');
  });
});

describe('Teams help', () => {
  let h: Harness;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/(127\.0\.0\.1|localhost)/);
    h = await startApp();
  });

  afterEach(() => {
    nock.cleanAll();
  });

  afterAll(async () => {
    nock.enableNetConnect();
    await dropPrefix(h.store);
    await h.app.close();
  });

  it('in a channel: Markdown bold, and the command written with the mention Teams needs there', async () => {
    const c = fakeConnector();
    await h.post(fixture('conversation-update-bot-added.json'));
    await h.post(channelMessage(PEOPLE.cora, 'help'));
    const [reply] = c.posts(`${CHANNEL};messageid=`);
    const text = String(reply!.body.text);
    expect(reply!.body.textFormat).toBe('markdown');
    // The toolkit in its own words first (its title, bold), then the commands.
    expect(text).toMatch(/^\*\*Integrating Cities – kulturell mångfald\*\*\n/);
    expect(text).toMatch(/\n\*\*Så här använder du @Assess assess\*\*\n/);
    expect(text).not.toContain('/assess');
    expect(text).not.toMatch(SLACK_BOLD);
    expect(text).not.toContain('{cmd}');
  });

  it('in a 1:1 chat with the bot: just "assess", no mention needed', async () => {
    const c = fakeConnector();
    const base = channelMessage(PEOPLE.anna, 'help');
    const personal = {
      ...base,
      text: 'assess help more',
      conversation: { conversationType: 'personal', tenantId: TENANT, id: `a:1on1-${PEOPLE.anna.id}` },
      channelData: { tenant: { id: TENANT } },
      entities: [],
    };
    await h.post(personal);
    const [reply] = c.posts(`a:1on1-${PEOPLE.anna.id}/activities`);
    const text = String(reply!.body.text);
    expect(text).toMatch(/^\*\*Arbetssätt och uppföljning\*\*\n/);
    expect(text).toContain('Skriv varje kommando efter assess, till exempel `assess history`.');
    expect(text).not.toContain('@Assess');
    expect(text).not.toContain('/assess');
    expect(text).not.toMatch(SLACK_BOLD);
  });
});

describe('Slack help', () => {
  let s: SlackTestApp;

  beforeAll(async () => {
    s = await startSlackApp();
  });

  afterAll(async () => {
    await s.close();
  });

  it('mrkdwn bold and the slash command', async () => {
    await sendCommand(s, { text: 'help' });
    await s.adapter.settled();
    const text = String(s.slack.responses.at(-1)!.body.text);
    expect(text).toMatch(/^\*Integrating Cities – kulturell mångfald\*\n/);
    expect(text).toMatch(/\n\*Så här använder du \/assess\*\n/);
    expect(text).not.toContain('**');
    expect(text).not.toContain('{cmd}');
    await sendCommand(s, { text: 'plan' });
    await s.adapter.settled();
    expect(String(s.slack.responses.at(-1)!.body.text)).toBe('Det finns ingen avslutad omgång i kanalen än, och ingen handlingsplan. Stäng en omgång med `/assess close`, eller börja planen från riktlinjerna med `/assess plan start`.');
  });
});
