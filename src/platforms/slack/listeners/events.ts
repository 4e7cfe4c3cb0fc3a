// Events API: the App Home tab, and uninstalls/revocations that delete the installation and schedule forgetting the workspace.
import type { Listeners } from './router.js';
import type { Locale } from '../../../content/schema.js';
import { formatDate } from '../../../core/calendar.js';
import { WHOLE_TENANT } from '../../../core/uninstall.js';
import { factorHeader } from '../../../core/views/shared.js';
import type { SlackContext } from '../context.js';
import { EventEnvelopeSchema, tenantOfEvent } from '../payloads.js';
import { renderHome, type HomeRound } from '../render/home.js';
import { hasOwnKey, ownValue } from '../../../core/own.js';

/** How long a delivered event id is remembered; Slack retries for about five minutes. */
export const EVENT_DEDUPE_MS = 10 * 60 * 1000;

/** The person's open rounds in this workspace, with the open factors still missing their vote or answer. */
export async function homeRounds(s: SlackContext, tenant: string, userId: string, locale: Locale): Promise<HomeRound[]> {
  const now = s.app.clock.now();
  const rounds = await s.app.service.openRoundsOf(tenant, userId);
  const out: HomeRound[] = [];
  for (const round of rounds) {
    const state = await s.app.service.state(tenant, round.id);
    const key = s.app.service.memberKey(round, userId);
    const participates = round.participants.includes(userId) || (round.mode === 'peer-review' && round.reviewers.includes(userId));
    const open = state.windows.filter((w) => Date.parse(w.opensAt) <= now);
    let voted = 0;
    let answered = 0;
    const items: HomeRound['items'] = [];
    for (const w of open) {
      const hasVote = hasOwnKey(state.snapshot.votes[w.factorId], key);
      const answer = ownValue(state.snapshot.answers[w.factorId], key);
      const hasAnswer = answer !== undefined && (Object.keys(answer.texts).length > 0 || answer.evidence.length > 0);
      if (hasVote) voted += 1;
      if (hasAnswer) answered += 1;
      if (!hasVote || !hasAnswer) {
        items.push({
          header: factorHeader(state, w.factorId),
          due: formatDate(w.dueAt, round.calendar.timezone, locale),
          missingVote: !hasVote,
          missingAnswer: !hasAnswer,
        });
      }
    }
    out.push({
      title: round.title ?? state.pack.shortTitle,
      channelId: round.channel.id,
      closes: formatDate(round.calendar.closesAt, round.calendar.timezone, locale),
      openCount: open.length,
      voted,
      answered,
      laterCount: state.windows.length - open.length,
      items,
      participates,
    });
  }
  return out;
}

/** Who a request came from, as Bolt's context (or the direct vote route) has it. */
export interface RequestTenant {
  isEnterpriseInstall?: boolean | undefined;
  enterpriseId?: string | undefined;
  teamId?: string | undefined;
  retryNum?: number | undefined;
}

/**
 * A request from a workspace is the workspace using the app: an uninstall's pending forget is cancelled (see
 * core/uninstall.ts). Done after the ack, and from a per-process cache, so the vote path waits for nothing.
 */
export function workspaceActive(s: SlackContext, context: RequestTenant): void {
  const tenant = context.isEnterpriseInstall ? context.enterpriseId : (context.teamId ?? context.enterpriseId);
  if (tenant && context.retryNum === undefined) s.background.run('uninstall grace', () => s.app.uninstalls.cancelIfPending(tenant));
}

export function registerEvents(app: Listeners, s: SlackContext): void {
  // Slack retries an event it thinks we missed; the same event id is handled once.
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && eventId.length > 0) {
      // Without the store an event may run twice rather than not at all; the listeners themselves are idempotent.
      const first = await s.app.store.setIfNotExists(`slack:event:${eventId}`, EVENT_DEDUPE_MS).catch((err: unknown) => {
        s.app.logger.warn({ err, eventId }, 'Slack event dedupe unavailable; handling the event');
        return true;
      });
      if (!first) return;
    }
    await next();
  });

  app.event('app_home_opened', async ({ body, event, context }) => {
    if (event.tab !== 'home') return;
    const envelope = EventEnvelopeSchema.safeParse(body);
    if (!envelope.success) return;
    const tenant = tenantOfEvent(envelope.data);
    const client = s.clients.forToken(context.botToken ?? '');
    const user = await s.directory.userOrDefault(client, tenant, event.user);
    const locale = user.locale ?? s.defaultLocale;
    const view = renderHome(locale, await homeRounds(s, tenant, event.user, locale));
    await client.views.publish({ user_id: event.user, view: view as never });
  });

  app.use(async ({ body, context, next }) => {
    const type = (body as { event?: { type?: unknown } }).event?.type;
    if (type !== 'app_uninstalled' && type !== 'tokens_revoked') workspaceActive(s, context);
    await next();
  });

  // The token goes at once (Slack has revoked it); the workspace's rounds and names after UNINSTALL_GRACE_DAYS.
  const forget = async (body: unknown, what: string) => {
    const envelope = EventEnvelopeSchema.safeParse(body);
    if (!envelope.success) return;
    const tenant = tenantOfEvent(envelope.data);
    const job = await s.app.uninstalls.schedule(tenant, { key: WHOLE_TENANT });
    s.app.logger.info({ tenant, what, forgetAt: new Date(job.dueAt).toISOString() }, 'Slack app uninstalled; the workspace is forgotten after the grace period');
    if (!s.installations) return;
    const token = await s.installations.botToken(tenant).catch(() => null);
    await s.installations.deleteTenant(tenant);
    if (token) s.clients.forget(token);
    s.app.logger.info({ tenant, what }, 'Slack installation removed');
  };

  app.event('app_uninstalled', async ({ body }) => forget(body, 'app_uninstalled'));

  app.event('tokens_revoked', async ({ body, event }) => {
    // Only the bot token matters to us; a revoked user token leaves the installation working.
    if ((event.tokens.bot ?? []).length > 0) await forget(body, 'tokens_revoked');
  });
}
