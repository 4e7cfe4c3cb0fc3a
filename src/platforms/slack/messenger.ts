// Slack's chat port: posts, edits and direct messages rendered as Block Kit, with Slack's extras (the score chart
// uploaded beside a final summary, permalinks from a reminder to its cards). What is sent when, and to whom, is the
// core's delivery (core/delivery); the coalesced tally edits and the start-of-round posts call into it.
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../infra/logger.js';
import type { ReportLinks } from '../../infra/report-links.js';
import { formatDate } from '../../core/calendar.js';
import type { Delivery } from '../../core/delivery/delivery.js';
import type { ChatCapabilities, ChatMessage, ChatPace, ChatPort } from '../../core/delivery/port.js';
import { t } from '../../core/i18n.js';
import type { Round } from '../../core/model.js';
import type { Packs } from '../../core/packs.js';
import type { CardRef } from '../../core/ports.js';
import type { RoundState } from '../../core/read-model.js';
import type { DigestView } from '../../core/views/digest-model.js';
import { buildFactorCard } from '../../core/views/factor-card.js';
import type { ChannelPacer } from './background.js';
import type { CardUpdater } from '../../core/delivery/coalescer.js';
import type { ChartRenderer } from './chart.js';
import { uploadChart } from './chart.js';
import type { SurfacePayload } from './limits.js';
import { channelRef } from './mrkdwn.js';
import { renderDigest } from './render/digest.js';
import { withFreshBlockIds } from './render/blocks.js';
import { renderFactorCard } from './render/factor-card.js';
import { renderActionReminder, renderReminder, renderWelcome } from './render/messages.js';
import type { SlackClients } from './web-client.js';
import { ownValue } from '../../core/own.js';

export interface SlackMessengerDeps {
  packs: Packs;
  /** The core's delivery: what this port's posts are for. */
  delivery: Pick<Delivery, 'postFactorCard' | 'refreshCard' | 'postWelcomeAndCards' | 'finalDigest' | 'digest'>;
  reportLinks: Pick<ReportLinks, 'url'>;
  clients: SlackClients;
  pacer: ChannelPacer;
  logger: Logger;
  /** Null when charts are switched off; failures to draw never hold back the summary. */
  chart: (() => Promise<ChartRenderer>) | null;
  /** Pace of direct-message fan-out (default SLACK_DM_PACE). */
  pace?: ChatPace;
}

/** Identifies one factor card for the coalescer. */
export function cardKey(tenant: string, roundId: string, factorId: string): string {
  return JSON.stringify([tenant, roundId, factorId]);
}

function parseCardKey(key: string): [string, string, string] {
  const parsed = JSON.parse(key) as unknown;
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((p) => typeof p === 'string')) throw new Error(`bad card key ${key}`);
  return parsed as [string, string, string];
}

export { CARD_RETRY_MS } from '../../core/delivery/delivery.js';

/**
 * Direct messages: each DM is its own channel, so the per-channel pace does not hold them back; Slack's workspace-wide
 * limits for chat.postMessage allow a few hundred a minute, so about 5 a second, a few at once, and 429s wait.
 */
export const SLACK_DM_PACE: ChatPace = { perSecond: 5, concurrency: 3 };

export class SlackMessenger implements ChatPort {
  readonly capabilities: ChatCapabilities = { edit: true, ephemeral: true, perUserRefresh: false, chartUpload: true, permalinks: true };
  readonly pace: ChatPace;
  /** Set after construction: the updater calls back into `updateCard`. */
  updater: CardUpdater | undefined;
  private readonly permalinks = new Map<string, string>();

  constructor(private readonly deps: SlackMessengerDeps) {
    this.pace = deps.pace ?? SLACK_DM_PACE;
  }

  private seeMore(round: Round): { url: string; label: string } {
    return { url: this.deps.reportLinks.url(round.tenant, round.id), label: t(round.locale, 'slack.seeMore') };
  }

  private async send(client: webApi.WebClient, channel: string, payload: SurfacePayload): Promise<string> {
    const result = await this.deps.pacer.run(channel, () =>
      client.chat.postMessage({ channel, text: payload.text ?? '', blocks: payload.blocks as never, unfurl_links: false, unfurl_media: false }),
    );
    return String(result.ts ?? '');
  }

  // --- the port's primitives -------------------------------------------------------------------------

  private async render(client: webApi.WebClient, round: Round, message: ChatMessage): Promise<SurfacePayload> {
    switch (message.kind) {
      case 'factor-card':
        return renderFactorCard(message.view, { more: this.seeMore(round) });
      case 'welcome':
        return renderWelcome(message.view);
      case 'reminder': {
        const permalinks: Record<string, string> = {};
        for (const f of message.view.factors) {
          const ref = ownValue(message.cards, f.factorId);
          const url = ref ? await this.permalink(client, round, f.factorId, ref) : null;
          if (url) permalinks[f.factorId] = url;
        }
        return renderReminder(message.view, permalinks, (due) => t(round.locale, 'card.due', { date: due }));
      }
      case 'digest':
        return this.renderDigest(message.view);
      case 'action-reminder':
        return renderActionReminder(round, this.deps.packs.get(round.packId, round.locale), message.actions);
    }
  }

  async post(round: Round, message: ChatMessage): Promise<string | null> {
    const client = await this.deps.clients.forTenant(round.tenant);
    const ts = await this.send(client, round.channel.id, await this.render(client, round, message));
    if (message.kind === 'digest' && message.view.kind === 'final') await this.postChart(client, round, message.view, message.state, message.baseline);
    return ts;
  }

  async edit(round: Round, ref: CardRef, message: ChatMessage): Promise<void> {
    const client = await this.deps.clients.forTenant(round.tenant);
    const payload = withFreshBlockIds(await this.render(client, round, message));
    await client.chat.update({ channel: ref.channelId, ts: ref.messageId, text: payload.text ?? '', blocks: payload.blocks as never });
  }

  async dm(round: Round, userId: string, message: ChatMessage): Promise<boolean> {
    const client = await this.deps.clients.forTenant(round.tenant);
    // Posting to a user id opens (or reuses) the DM with the bot.
    await this.send(client, userId, await this.render(client, round, message));
    return true;
  }

  async ephemeral(round: Round, userId: string, message: ChatMessage): Promise<void> {
    const client = await this.deps.clients.forTenant(round.tenant);
    const payload = await this.render(client, round, message);
    await client.chat.postEphemeral({ channel: round.channel.id, user: userId, text: payload.text ?? '', blocks: payload.blocks as never });
  }

  // --- what Slack's listeners and tests call --------------------------------------------------------

  renderCard(state: RoundState, factorId: string): SurfacePayload {
    return renderFactorCard(buildFactorCard(state, factorId), { more: this.seeMore(state.round) });
  }

  /** Posts a factor card, or refreshes it when it is already in the channel (see Delivery.postFactorCard). */
  postFactorCard(round: Round, factorId: string): Promise<void> {
    return this.deps.delivery.postFactorCard(round, factorId);
  }

  /** The welcome, then the cards open now (see Delivery.postWelcomeAndCards). */
  postWelcomeAndCards(round: Round): Promise<void> {
    return this.deps.delivery.postWelcomeAndCards(round);
  }

  /** Tells the coordinator, in a DM, that the round could not be posted in its channel. */
  async tellCoordinatorPostFailed(round: Round): Promise<void> {
    const client = await this.deps.clients.forTenant(round.tenant);
    const coordinator = round.coordinators[0];
    if (!coordinator) return;
    const text = t(round.locale, 'slack.errors.postFailed', { channel: channelRef(round.channel.id) });
    await this.send(client, coordinator, { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
  }

  requestUpdate(tenant: string, roundId: string, factorId: string): void {
    this.updater?.request(cardKey(tenant, roundId, factorId));
  }

  /** Re-reads the round and edits one card in place (called by the coalescer). */
  async updateCard(key: string): Promise<void> {
    const [tenant, roundId, factorId] = parseCardKey(key);
    await this.deps.delivery.refreshCard({ tenant, id: roundId, platform: 'slack' }, factorId);
  }

  private async permalink(client: webApi.WebClient, round: Round, factorId: string, ref: { channelId: string; messageId: string }): Promise<string | null> {
    const key = cardKey(round.tenant, round.id, factorId);
    const cached = this.permalinks.get(key);
    if (cached) return cached;
    try {
      const res = await client.chat.getPermalink({ channel: ref.channelId, message_ts: ref.messageId });
      if (typeof res.permalink !== 'string') return null;
      if (this.permalinks.size > 5000) this.permalinks.clear();
      this.permalinks.set(key, res.permalink);
      return res.permalink;
    } catch (err) {
      this.deps.logger.warn({ err, factorId }, 'chat.getPermalink failed; the reminder goes without a button');
      return null;
    }
  }

  digestView(round: Round, kind: DigestView['kind']): Promise<{ state: RoundState; view: DigestView; baseline: RoundState | null }> {
    return this.deps.delivery.digest(round, kind);
  }

  renderDigest(view: DigestView): SurfacePayload {
    return renderDigest(view, { seeMoreLabel: t(view.locale, 'slack.seeMore') });
  }

  /** Posts a digest in the round's channel (the `digest` command), with the chart when the round is closed. */
  async postDigestInChannel(round: Round, view: DigestView, state?: RoundState, baseline?: RoundState | null): Promise<void> {
    const client = await this.deps.clients.forTenant(round.tenant);
    await this.send(client, round.channel.id, this.renderDigest(view));
    if (state && view.kind === 'final') await this.postChart(client, round, view, state, baseline ?? null);
  }

  private async postChart(client: webApi.WebClient, round: Round, view: DigestView, state: RoundState, baseline: RoundState | null): Promise<void> {
    if (!this.deps.chart) return;
    try {
      const render = await this.deps.chart();
      const png = await render(state, baseline);
      await uploadChart(client, { channelId: round.channel.id, png, title: view.chartTitle, altText: view.chartAlt, filename: `scores-${round.id}.png` });
    } catch (err) {
      this.deps.logger.warn({ err, roundId: round.id }, 'the score chart could not be drawn or uploaded; the summary went out without it');
    }
  }

  /** The summary in the channel (with the chart) and to each manager, each once (see Delivery.finalDigest). */
  async postFinalDigest(round: Round): Promise<void> {
    await this.deps.delivery.finalDigest(round);
  }

  /** A date in the round's timezone and language. */
  date(round: Round, iso: string): string {
    return formatDate(iso, round.calendar.timezone, round.locale);
  }
}
