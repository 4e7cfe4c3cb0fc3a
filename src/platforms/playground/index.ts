// The local playground: a web page that simulates a channel with a few colleagues, rendering the same Adaptive Cards Teams gets.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { PlatformAdapter } from '../adapter.js';
import type { PlaygroundDeps } from './deps.js';
import type { CommandReply } from '../../commands/types.js';
import { OffsetClock } from '../../infra/clock.js';
import { LocaleSchema } from '../../content/schema.js';
import { AppError, toAppError } from '../../core/errors.js';
import { allKeys, t, tn } from '../../core/i18n.js';
import type { Round } from '../../core/model.js';
import type { ChatMessage, ChatPort } from '../../core/delivery/port.js';
import { digestReadOptions } from '../../core/read-model.js';
import { answerFieldsOf, decodeCardValue, decodeVoteValue, interactionId, type InteractionReply } from '../../core/interactions/index.js';
import { actionLine } from '../../core/action-plan.js';
import type { RoundSettings, RoundSettingsInput } from '../../core/settings.js';
import { renderText, type TextDialect } from '../../core/text-format.js';
import { buildFollowUp } from '../../core/peer-review.js';
import { followUpUrl } from '../../infra/report-links.js';
import { buildDigest } from '../../core/views/digest.js';
import { buildReminder, buildWelcome } from '../../core/views/messages.js';
import { factorHeader } from '../../core/views/shared.js';
import type { DigestView } from '../../core/views/digest-model.js';
import {
  parseStartForm,
  renderDigestCard,
  renderFactorCard,
  renderFollowUpCard,
  renderReminderCard,
  renderConfirmCard,
  renderStartForm,
  renderTextCard,
  renderWelcomeCard,
} from '../../cards/adaptive.js';
import { PEOPLE, PLAYGROUND_CHANNEL, PLAYGROUND_TENANT, personName, teamIds } from './people.js';
import { PLAYGROUND_MESSAGES, PlaygroundMessageSchema, playgroundPrivacySource, type PlaygroundMessage } from './timeline.js';

const COLLECTION = PLAYGROUND_MESSAGES;

/** The playground is typed into like Slack (`/assess …`) and draws the Adaptive Cards Teams gets, whose text is Markdown. */
const PLAYGROUND_DIALECT: TextDialect = { command: '/assess', markup: 'markdown' };
export { PlaygroundMessageSchema, type PlaygroundMessage };

const PersonId = z.enum(PEOPLE.map((p) => p.id) as [string, ...string[]]);
const CommandBody = z.strictObject({ as: PersonId, text: z.string().max(2000) });
const ActionBody = z.strictObject({
  as: PersonId,
  verb: z.enum(['vote', 'answer', 'start', 'refresh', 'open-card']),
  data: z.record(z.string(), z.unknown()).default({}),
  messageId: z.string().optional(),
});
const ClockBody = z.strictObject({ advance: z.enum(['hour', 'day', 'week']) });
const StateQuery = z.object({ as: PersonId.default('u-cora') });

const STEP_MS = { hour: 3600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;

function publicDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'public');
}

export async function registerPlayground(ctx: PlaygroundDeps): Promise<PlatformAdapter | null> {
  const { service, interactions, store, http, commands, scheduler, packs } = ctx;
  const clock = ctx.clock instanceof OffsetClock ? ctx.clock : null;

  let sequence = 0;
  async function post(msg: Omit<PlaygroundMessage, 'id' | 'at' | 'ephemeral'> & { ephemeral?: boolean }): Promise<PlaygroundMessage> {
    const full = PlaygroundMessageSchema.parse({ ...msg, id: randomUUID(), at: ctx.clock.now() });
    // Records are keyed by id; the time prefix keeps the timeline in order when listed, and the sequence number keeps
    // messages of the same millisecond (thirteen cards posted at once) in the order they were posted.
    sequence += 1;
    await store.putRecord(COLLECTION, `${String(full.at).padStart(15, '0')}-${String(sequence).padStart(9, '0')}-${full.id}`, full);
    return full;
  }

  async function timeline(): Promise<PlaygroundMessage[]> {
    const all = await store.listRecords(COLLECTION);
    return Object.keys(all)
      .sort()
      .map((k) => PlaygroundMessageSchema.safeParse(all[k]))
      .filter((r) => r.success)
      .map((r) => r.data);
  }

  async function postOpenCards(round: Round): Promise<void> {
    for (const factorId of service.openFactorIds(round)) {
      await post({ audience: 'channel', type: 'factor-card', roundId: round.id, factorId });
    }
  }

  /** A digest as of now: kept with the message, so an old digest keeps showing the data of its own date. */
  async function digestAsOfNow(round: Round, kind: DigestView['kind']): Promise<DigestView> {
    // A peer review's digest quotes the panel's findings, which are answers.
    const state = await service.state(PLAYGROUND_TENANT, round.id, digestReadOptions(round));
    return buildDigest(state, {
      kind,
      ...(await service.digestInputs(state.round)),
      now: ctx.clock.now(),
      reportUrl: ctx.reportLinks.url(PLAYGROUND_TENANT, round.id),
    });
  }

  // The playground's chat port: messages go on the timeline and are drawn when read, so an edit has nothing to do.
  const port: ChatPort = {
    capabilities: { edit: false, ephemeral: true, perUserRefresh: true, chartUpload: false, permalinks: false },
    pace: { perSecond: 1000, concurrency: 8 },
    async post(round, message) {
      return (await post({ audience: 'channel', ...timelineEntry(round, message) })).id;
    },
    async edit() {
      // Cards are drawn from the store whenever the timeline is read.
    },
    async dm(round, userId, message) {
      await post({ audience: userId, ...timelineEntry(round, message) });
      return true;
    },
    async ephemeral(round, userId, message) {
      await post({ audience: userId, ephemeral: true, ...timelineEntry(round, message) });
    },
  };

  function timelineEntry(round: Round, message: ChatMessage): Omit<PlaygroundMessage, 'id' | 'at' | 'ephemeral' | 'audience'> {
    switch (message.kind) {
      case 'factor-card':
        return { type: 'factor-card', roundId: round.id, factorId: message.view.factorId };
      case 'welcome':
        return { type: 'welcome', roundId: round.id };
      case 'reminder':
        // Every waiting factor, not only those with a button: the reminder is drawn again from them.
        return { type: 'reminder', roundId: round.id, factorIds: message.view.factorIds ?? message.view.factors.map((f) => f.factorId) };
      case 'digest':
        // Kept as sent, so an old digest shows the data of its own date.
        return { type: 'digest', digestKind: message.view.kind, roundId: round.id, view: message.view };
      case 'action-reminder': {
        const pack = packs.get(round.packId, round.locale);
        const list = message.actions.map((a) => actionLine(round.locale, round, a, { withFactor: factorHeader({ pack }, a.factorId) })).join('; ');
        return { type: 'text', text: tn(round.locale, 'modes.reminder.action', message.actions.length, { list }) };
      }
    }
  }
  ctx.messengers.register('playground', port);

  // The timeline names people (who a message is for, and names inside texts): part of a privacy request.
  service.privacy.register(playgroundPrivacySource(store));

  /** The shared digest card, sections included, with the same text-safety and size limits Teams gets. */
  function digestCard(view: DigestView, chartUrl: string): Record<string, unknown> {
    return renderDigestCard(view, { chartUrl });
  }

  async function render(msg: PlaygroundMessage, viewer: string): Promise<Record<string, unknown>> {
    if (msg.type === 'text') {
      const body = renderText(msg.text ?? '', PLAYGROUND_DIALECT);
      return msg.confirm ? renderConfirmCard(body, msg.confirm) : renderTextCard(body);
    }
    if (msg.type === 'start-form') {
      // Our own record: the defaults replyToCommand stored when it posted the form.
      const settings = JSON.parse(msg.text ?? '{}') as RoundSettings;
      // The same form Teams gets, with the pretend colleagues as a fixed list where Teams has its people picker (the
      // browser renderer has no directory to search).
      const team = new Set(teamIds());
      const proposed: string[] = Array.isArray(settings.participants) ? settings.participants : [];
      const everyone = proposed.length === team.size && proposed.every((id) => team.has(id));
      return renderStartForm(settings, {
        packs: packs.ids().map((id) => {
          const pack = packs.get(id, settings.locale ?? 'sv');
          return { id, title: pack.title, usageModes: pack.usageModes };
        }),
        locale: settings.locale ?? 'sv',
        people: { kind: 'list', people: PEOPLE.map((p) => ({ id: p.id, name: p.name })) },
        everyone,
      });
    }
    // Cards, reminders and the welcome need counts and answer stats only: the answers are not read.
    const state = await service.state(PLAYGROUND_TENANT, msg.roundId!, { answers: false });
    switch (msg.type) {
      case 'factor-card': {
        const myVote = await service.myVote(state.round, msg.factorId!, viewer);
        // The same facts as on Slack and Teams, the trend against the baseline included (core/interactions).
        const view = await interactions.facts.view(state, msg.factorId!, { id: viewer, myVote });
        const answer = await service.myAnswer(state.round, msg.factorId!, viewer);
        return renderFactorCard(view, { answer });
      }
      case 'reminder':
        return renderReminderCard(buildReminder(state, msg.factorIds ?? []));
      case 'welcome':
        return renderWelcomeCard(buildWelcome(state));
      case 'follow-up': {
        const full = await service.state(PLAYGROUND_TENANT, state.round.id);
        const url = followUpUrl(ctx.reportLinks, PLAYGROUND_TENANT, state.round.id);
        return renderFollowUpCard({ ...buildFollowUp(full, service.nowIso()), links: { html: url, markdown: `${url}?format=md` } });
      }
      case 'digest': {
        // The digest as it was sent (digests from before the snapshot was kept are drawn from today's data).
        const view = msg.view ? (msg.view as DigestView) : await digestAsOfNow(state.round, msg.digestKind ?? 'status');
        return digestCard(view, `/playground/chart/${encodeURIComponent(state.round.id)}.png`);
      }
    }
    return renderTextCard('');
  }

  async function replyToCommand(as: string, reply: CommandReply): Promise<void> {
    if (reply.type === 'text') {
      await post({
        audience: reply.visibility === 'channel' ? 'channel' : as,
        ephemeral: reply.visibility === 'ephemeral',
        type: 'text',
        text: reply.text,
        ...(reply.confirm ? { confirm: reply.confirm } : {}),
      });
    } else if (reply.type === 'start-form') {
      // The playground starts today rather than next Monday, so the first card shows up at once; the round keeps
      // the length the form proposed (six weeks, or the last round's length for `start again`).
      const today = DateTime.fromMillis(ctx.clock.now(), { zone: reply.defaults.timezone });
      const days = Math.max(1, Math.round(DateTime.fromISO(reply.defaults.closeDate).diff(DateTime.fromISO(reply.defaults.startDate), 'days').days));
      const defaults = {
        ...reply.defaults,
        startDate: today.toISODate()!,
        closeDate: today.plus({ days }).toISODate()!,
        managers: reply.defaults.managers.length > 0 ? reply.defaults.managers : PEOPLE.filter((p) => p.role === 'manager').map((p) => p.id),
      };
      await post({ audience: as, ephemeral: true, type: 'start-form', text: JSON.stringify(defaults) });
    } else if (reply.type === 'follow-up') {
      // Rendered from the round when the page asks, like the digest, so it always shows the latest findings.
      await post({ audience: as, ephemeral: true, type: 'follow-up', roundId: reply.round.id });
    } else {
      await post({
        audience: reply.visibility === 'channel' ? 'channel' : as,
        ephemeral: reply.visibility === 'ephemeral',
        type: 'digest',
        digestKind: reply.view.kind,
        roundId: reply.round.id,
        view: reply.view,
      });
    }
  }

  function localeOf(body: unknown): 'sv' | 'en' {
    const parsed = LocaleSchema.safeParse((body as { locale?: unknown } | undefined)?.locale);
    return parsed.success ? parsed.data : ctx.config.DEFAULT_LOCALE;
  }

  http.get('/', async (_req, reply) => {
    reply.type('text/html; charset=utf-8');
    return readFileSync(join(publicDir(), 'index.html'), 'utf8');
  });
  http.get('/playground/app.js', async (_req, reply) => {
    reply.type('text/javascript; charset=utf-8');
    return readFileSync(join(publicDir(), 'app.js'), 'utf8');
  });
  http.get('/playground/style.css', async (_req, reply) => {
    reply.type('text/css; charset=utf-8');
    return readFileSync(join(publicDir(), 'style.css'), 'utf8');
  });
  http.get('/vendor/adaptivecards.js', async (_req, reply) => {
    const require = createRequire(import.meta.url);
    reply.type('text/javascript; charset=utf-8');
    return readFileSync(require.resolve('adaptivecards/dist/adaptivecards.min.js'), 'utf8');
  });

  http.get('/vendor/markdown-it.js', async (_req, reply) => {
    const require = createRequire(import.meta.url);
    reply.type('text/javascript; charset=utf-8');
    return readFileSync(join(dirname(require.resolve('markdown-it')), '..', 'dist', 'markdown-it.min.js'), 'utf8');
  });

  http.get('/playground/chart/:roundId.png', async (req, reply) => {
    const { roundId } = req.params as { roundId: string };
    try {
      const state = await service.state(PLAYGROUND_TENANT, roundId);
      const baseline = await service.baselineState(state.round);
      const chart = await import('../../reports/chart.js');
      reply.type('image/png');
      return await chart.renderScoreChartPng(state, baseline);
    } catch {
      return reply.code(404).send();
    }
  });

  http.get('/playground/state', async (req, reply) => {
    const query = StateQuery.safeParse(req.query);
    if (!query.success) return reply.code(400).send({ error: query.error.issues[0]?.message });
    const viewer = query.data.as;
    const msgs = (await timeline()).filter((m) => m.audience === 'channel' ? true : m.audience === viewer);
    const rendered = [];
    for (const m of msgs) {
      try {
        rendered.push({ id: m.id, at: m.at, audience: m.audience, ephemeral: m.ephemeral, type: m.type, card: await render(m, viewer) });
      } catch (err) {
        ctx.logger.warn({ err, id: m.id }, 'playground message could not be rendered');
      }
    }
    const active = await service.activeRoundId(PLAYGROUND_TENANT, PLAYGROUND_CHANNEL.id);
    const locale = ctx.config.DEFAULT_LOCALE;
    const strings = Object.fromEntries(
      allKeys(locale)
        .filter((k) => k.startsWith('playground.'))
        .map((k) => [k.slice('playground.'.length), t(locale, k)]),
    );
    return {
      locale,
      strings,
      timezone: ctx.config.DEFAULT_TIMEZONE,
      now: ctx.clock.now(),
      canAdvance: clock !== null,
      channel: PLAYGROUND_CHANNEL,
      people: PEOPLE,
      activeRoundId: active,
      messages: rendered,
    };
  });

  http.post('/playground/command', async (req, reply) => {
    const body = CommandBody.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ error: t(localeOf(req.body), 'errors.INVALID_INPUT', { detail: body.error.issues[0]?.message ?? '' }) });
    const { as, text } = body.data;
    const out = await commands.run(
      {
        tenant: PLAYGROUND_TENANT,
        platform: 'playground',
        channelId: PLAYGROUND_CHANNEL.id,
        channelName: PLAYGROUND_CHANNEL.name,
        actor: { id: as, name: personName(as) },
        locale: ctx.config.DEFAULT_LOCALE,
        timezone: ctx.config.DEFAULT_TIMEZONE,
        channelMembers: async () => teamIds(),
      },
      text,
    );
    interactions.observed({ platform: 'playground', kind: 'command', outcome: out.type });
    await replyToCommand(as, out);
    // A close schedules the final digest now; wait for it so the page shows it at once.
    await scheduler.drain(5);
    return { ok: true };
  });

  http.post('/playground/action', async (req, reply) => {
    const body = ActionBody.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ error: t(ctx.config.DEFAULT_LOCALE, 'errors.INVALID_INPUT', { detail: body.error.issues[0]?.message ?? '' }) });
    const { as, verb, data, messageId } = body.data;
    const actor = { id: as, name: personName(as) };
    const fallbackLocale = ctx.config.DEFAULT_LOCALE;
    const answer = (reply: InteractionReply) =>
      reply.ok ? { ok: true, message: reply.text } : reply.error?.code === 'INTERNAL' ? failed(reply.error) : refuse(reply.text);
    const refuse = (text: string) => reply.code(400).send({ ok: false, error: renderText(text, { ...PLAYGROUND_DIALECT, markup: 'plain' }) });
    const failed = (err: unknown) => {
      ctx.logger.error({ err }, 'playground action failed');
      return refuse(toAppError(err).userMessage(fallbackLocale));
    };
    // The page's buttons carry the same card values as Slack's and Teams' (core/interactions/codec.ts).
    const value = decodeCardValue(data);
    const asked = { platform: 'playground' as const, tenant: PLAYGROUND_TENANT, actor, fallbackLocale, from: { conversationId: PLAYGROUND_CHANNEL.id, direct: false } };
    if (verb === 'start') {
      let settings: RoundSettingsInput;
      try {
        const parsed = parseStartForm({ ...data, channelId: PLAYGROUND_CHANNEL.id, channelName: PLAYGROUND_CHANNEL.name });
        // What the form has no field for (reviewers, minimum responses) comes from the values it was opened with.
        settings = { ...(messageId ? await formDefaults(messageId) : {}), ...parsed };
      } catch (err) {
        const e = err instanceof z.ZodError ? new AppError('INVALID_INPUT', { detail: err.issues[0]?.message ?? '' }) : toAppError(err);
        interactions.observed({ platform: 'playground', kind: 'start', outcome: e.code.toLowerCase() as Lowercase<string> });
        return e.code === 'INTERNAL' ? failed(err) : refuse(e.userMessage(fallbackLocale));
      }
      return answer(
        await interactions.startRound({
          ...asked,
          form: settings,
          // "Everyone in this channel": the pretend team (the manager and visiting reviewers are not part of it).
          directory: { members: async () => teamIds(), names: () => Object.fromEntries(PEOPLE.map((p) => [p.id, p.name])) },
          // The page shows the welcome and the cards as soon as it is answered: posted before the answer.
          post: async (round) => {
            if (messageId) await removeMessage(messageId);
            await post({ audience: 'channel', type: 'welcome', roundId: round.id });
            await postOpenCards(round);
          },
        }),
      );
    }
    if (!value) {
      interactions.observed({ platform: 'playground', kind: verb, outcome: 'invalid' });
      return refuse(t(fallbackLocale, 'errors.INVALID_INPUT', { detail: 'r, f' }));
    }
    if (verb === 'vote') {
      const vote = decodeVoteValue(data);
      if (!vote) {
        interactions.observed({ platform: 'playground', kind: 'vote', outcome: 'invalid' });
        return refuse(t(fallbackLocale, 'errors.INVALID_INPUT', { detail: 'l' }));
      }
      // One store round trip: the page redraws every card from the store when it next asks for the state.
      return answer(await interactions.vote({ ...asked, value: vote, interactionId: interactionId('playground', as, undefined, randomUUID) }));
    }
    if (verb === 'answer') return answer(await interactions.saveAnswer({ ...asked, value, fields: answerFieldsOf(data) }));
    const opened = await interactions.openCard({ ...asked, value, purpose: verb === 'open-card' ? 'open-card' : 'refresh' });
    if (!opened.ok) return answer(opened);
    // The reminder's "Open" button: the factor's card, shown to the person who pressed it.
    if (verb === 'open-card') await post({ audience: as, ephemeral: true, type: 'factor-card', roundId: value.r, factorId: value.f });
    return { ok: true };
  });

  const FormExtras = z.object({ reviewers: z.array(z.string()).optional(), minResponses: z.number().int().optional(), minAnswers: z.number().int().optional() });

  async function formDefaults(id: string): Promise<z.infer<typeof FormExtras>> {
    const msg = (await timeline()).find((m) => m.id === id && m.type === 'start-form');
    if (!msg?.text) return {};
    const extras = FormExtras.safeParse(JSON.parse(msg.text));
    if (!extras.success) return {};
    return {
      ...(extras.data.reviewers ? { reviewers: extras.data.reviewers } : {}),
      ...(extras.data.minResponses ? { minResponses: extras.data.minResponses } : {}),
      ...(extras.data.minAnswers ? { minAnswers: extras.data.minAnswers } : {}),
    };
  }

  async function removeMessage(id: string): Promise<void> {
    const all = await store.listRecords(COLLECTION);
    for (const key of Object.keys(all)) if (key.endsWith(`-${id}`)) await store.deleteRecord(COLLECTION, key);
  }

  http.post('/playground/clock', async (req, reply) => {
    const body = ClockBody.safeParse(req.body);
    if (!body.success || !clock) return reply.code(400).send({ error: 'clock' });
    // Step an hour at a time so every reminder, digest and close fires at its own moment, in order.
    const target = clock.now() + STEP_MS[body.data.advance];
    while (clock.now() < target) {
      clock.advance(Math.min(STEP_MS.hour, target - clock.now()));
      await scheduler.drain(20);
    }
    return { ok: true, now: clock.now() };
  });

  return {
    name: 'playground',
    async ready() {
      return { ok: true };
    },
  };
}
