// Everything the Slack adapter posts: factor cards (and their coalesced tally edits), the welcome, reminders, digests and the summary.
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../infra/logger.js';
import type { ReportLinks } from '../../infra/report-links.js';
import { formatDate } from '../../core/calendar.js';
import { t } from '../../core/i18n.js';
import type { Action, Round } from '../../core/model.js';
import type { Packs } from '../../core/packs.js';
import type { Job, Messenger } from '../../core/ports.js';
import { digestReadOptions, type RoundState } from '../../core/read-model.js';
import { buildDigest } from '../../core/views/digest.js';
import { buildFactorCard } from '../../core/views/factor-card.js';
import type { CardFacts } from '../../core/interactions/index.js';
import { buildReminder, buildWelcome } from '../../core/views/messages.js';
import type { DigestView } from '../../core/views/digest-model.js';
import type { ChannelPacer } from './background.js';
import type { SlackService, SlackStore } from './deps.js';
import type { CardUpdater } from './card-updater.js';
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
  service: Pick<SlackService, 'state' | 'openFactorIds' | 'digestInputs'>;
  packs: Packs;
  /** The card facts every platform shows (core/interactions). */
  facts: Pick<CardFacts, 'view'>;
  store: Pick<SlackStore, 'getCardRefs' | 'setCardRef' | 'getRecord' | 'putRecord' | 'scheduleJobs'>;
  reportLinks: Pick<ReportLinks, 'url'>;
  clients: SlackClients;
  pacer: ChannelPacer;
  logger: Logger;
  now: () => number;
  /** Null when charts are switched off; failures to draw never hold back the summary. */
  chart: (() => Promise<ChartRenderer>) | null;
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

/** How long before a failed card post is tried again by the scheduler. */
export const CARD_RETRY_MS = 60_000;

/** What a factor card is drawn from: counts and answer stats, without the answers and the per-member votes. */
const CARD_READ = { answers: false, votes: false } as const;

export class SlackMessenger implements Messenger {
  /** Set after construction: the updater calls back into `updateCard`. */
  updater: CardUpdater | undefined;
  private readonly permalinks = new Map<string, string>();

  constructor(private readonly deps: SlackMessengerDeps) {}

  private seeMore(round: Round): { url: string; label: string } {
    return { url: this.deps.reportLinks.url(round.tenant, round.id), label: t(round.locale, 'slack.seeMore') };
  }

  private async post(client: webApi.WebClient, channel: string, payload: SurfacePayload): Promise<string> {
    const result = await this.deps.pacer.run(channel, () =>
      client.chat.postMessage({ channel, text: payload.text ?? '', blocks: payload.blocks as never, unfurl_links: false, unfurl_media: false }),
    );
    return String(result.ts ?? '');
  }

  /** The card as drawn from a view model (by default one without the comparison round: see cardPayload). */
  renderCard(state: RoundState, factorId: string, view = buildFactorCard(state, factorId)): SurfacePayload {
    return renderFactorCard(view, { more: this.seeMore(state.round) });
  }

  /** The shared card with every fact the other platforms show, the ↑↓= trend against the baseline included. */
  async cardPayload(state: RoundState, factorId: string): Promise<SurfacePayload> {
    return this.renderCard(state, factorId, await this.deps.facts.view(state, factorId));
  }

  /** Posts a factor card, or refreshes it when it is already in the channel (a retried job must not post twice). */
  async postFactorCard(round: Round, factorId: string): Promise<void> {
    const refs = await this.deps.store.getCardRefs(round.tenant, round.id);
    if (refs[factorId]) {
      this.requestUpdate(round.tenant, round.id, factorId);
      return;
    }
    const client = await this.deps.clients.forTenant(round.tenant);
    const state = await this.deps.service.state(round.tenant, round.id, CARD_READ);
    const ts = await this.post(client, round.channel.id, await this.cardPayload(state, factorId));
    await this.deps.store.setCardRef(round.tenant, round.id, factorId, { messageId: ts, channelId: round.channel.id });
  }

  /**
   * The welcome, then the cards that are open now, one after another. A card that fails is left to
   * the scheduler to retry; a failed welcome is reported (thrown) after the cards have had their try.
   */
  async postWelcomeAndCards(round: Round): Promise<void> {
    const client = await this.deps.clients.forTenant(round.tenant);
    const state = await this.deps.service.state(round.tenant, round.id, { answers: false });
    let welcomeFailed: { err: unknown } | null = null;
    try {
      await this.post(client, round.channel.id, renderWelcome(buildWelcome(state)));
    } catch (err) {
      welcomeFailed = { err };
    }
    for (const factorId of this.deps.service.openFactorIds(round)) {
      try {
        await this.postFactorCard(round, factorId);
      } catch (err) {
        this.deps.logger.warn({ err, roundId: round.id, factorId }, 'posting a factor card failed; the scheduler will retry it');
        await this.scheduleCardRetry(round, factorId);
      }
    }
    if (welcomeFailed) throw welcomeFailed.err;
  }

  /** Tells the coordinator, in a DM, that the round could not be posted in its channel. */
  async tellCoordinatorPostFailed(round: Round): Promise<void> {
    const client = await this.deps.clients.forTenant(round.tenant);
    const coordinator = round.coordinators[0];
    if (!coordinator) return;
    const text = t(round.locale, 'slack.errors.postFailed', { channel: channelRef(round.channel.id) });
    await this.post(client, coordinator, { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
  }

  private async scheduleCardRetry(round: Round, factorId: string): Promise<void> {
    const job: Job = {
      // Same id as the calendar's own opening job, so a retry never duplicates one.
      id: `${round.tenant}:${round.id}:factor-open:${factorId}`,
      kind: 'factor-open',
      tenant: round.tenant,
      roundId: round.id,
      dueAt: this.deps.now() + CARD_RETRY_MS,
      payload: { factorId },
      attempts: 0,
    };
    await this.deps.store.scheduleJobs([job]);
  }

  requestUpdate(tenant: string, roundId: string, factorId: string): void {
    this.updater?.request(cardKey(tenant, roundId, factorId));
  }

  /** Re-reads the round and edits one card in place (called by the coalescer). */
  async updateCard(key: string): Promise<void> {
    const [tenant, roundId, factorId] = parseCardKey(key);
    const refs = await this.deps.store.getCardRefs(tenant, roundId);
    const ref = refs[factorId];
    if (!ref) return;
    // Cards show counts and tallies only: neither the answers nor the per-member votes are read.
    const state = await this.deps.service.state(tenant, roundId, CARD_READ);
    const payload = withFreshBlockIds(await this.cardPayload(state, factorId));
    const client = await this.deps.clients.forTenant(tenant);
    await client.chat.update({ channel: ref.channelId, ts: ref.messageId, text: payload.text ?? '', blocks: payload.blocks as never });
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

  async sendReminder(round: Round, memberId: string, factorIds: string[]): Promise<void> {
    const client = await this.deps.clients.forTenant(round.tenant);
    const state = await this.deps.service.state(round.tenant, round.id, { answers: false });
    const view = buildReminder(state, factorIds);
    const refs = await this.deps.store.getCardRefs(round.tenant, round.id);
    const permalinks: Record<string, string> = {};
    for (const id of factorIds) {
      const ref = ownValue(refs, id);
      const url = ref ? await this.permalink(client, round, id, ref) : null;
      if (url) permalinks[id] = url;
    }
    const payload = renderReminder(view, permalinks, (due) => t(round.locale, 'card.due', { date: due }));
    // Posting to a user id opens (or reuses) the DM with the bot.
    await this.post(client, memberId, payload);
  }

  /** Action-plan reminders as a DM to the owner: each action with a Done button. */
  async sendActionReminder(round: Round, memberId: string, actions: Action[]): Promise<void> {
    if (actions.length === 0) return;
    const client = await this.deps.clients.forTenant(round.tenant);
    const pack = this.deps.packs.get(round.packId, round.locale);
    await this.post(client, memberId, renderActionReminder(round, pack, actions));
  }

  async digestView(round: Round, kind: DigestView['kind']): Promise<{ state: RoundState; view: DigestView; baseline: RoundState | null }> {
    const state = await this.deps.service.state(round.tenant, round.id, digestReadOptions(round));
    // The baseline, the previous round and the action plan this round follows up, as on every platform.
    const inputs = await this.deps.service.digestInputs(round);
    const view = buildDigest(state, { kind, ...inputs, now: this.deps.now(), reportUrl: this.deps.reportLinks.url(round.tenant, round.id) });
    return { state, view, baseline: inputs.baseline ?? null };
  }

  renderDigest(view: DigestView): SurfacePayload {
    return renderDigest(view, { seeMoreLabel: t(view.locale, 'slack.seeMore') });
  }

  async sendWeeklyDigest(round: Round, managerId: string): Promise<void> {
    const client = await this.deps.clients.forTenant(round.tenant);
    const { view } = await this.digestView(round, 'weekly');
    await this.post(client, managerId, this.renderDigest(view));
  }

  /** Posts a digest in the round's channel (the `digest` command), with the chart when the round is closed. */
  async postDigestInChannel(round: Round, view: DigestView, state?: RoundState, baseline?: RoundState | null): Promise<void> {
    const client = await this.deps.clients.forTenant(round.tenant);
    await this.post(client, round.channel.id, this.renderDigest(view));
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

  /**
   * The summary in the channel (with the chart) and to each manager. Each recipient is recorded once
   * delivered, so a retried job continues where it failed instead of posting the channel summary twice.
   */
  async postFinalDigest(round: Round): Promise<void> {
    const client = await this.deps.clients.forTenant(round.tenant);
    const { state, view, baseline } = await this.digestView(round, 'final');
    const payload = this.renderDigest(view);
    const once = async (recipient: string, send: () => Promise<void>) => {
      const key = `slack-final|${round.tenant}|${round.id}|${recipient}`;
      if (await this.deps.store.getRecord('sent', key)) return;
      await send();
      await this.deps.store.putRecord('sent', key, { at: this.deps.now() });
    };
    await once('channel', async () => {
      await this.post(client, round.channel.id, payload);
      await this.postChart(client, round, view, state, baseline);
    });
    for (const managerId of round.managers) await once(managerId, async () => void (await this.post(client, managerId, payload)));
    // The cards lose their buttons and say the round is closed.
    for (const factorId of Object.keys(await this.deps.store.getCardRefs(round.tenant, round.id))) this.requestUpdate(round.tenant, round.id, factorId);
  }

  /** A date in the round's timezone and language. */
  date(round: Round, iso: string): string {
    return formatDate(iso, round.calendar.timezone, round.locale);
  }
}
