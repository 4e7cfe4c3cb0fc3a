// Modal submissions: the start form (round created, welcome and cards posted) and the answer form; problems are shown on the field.
import type { Listeners } from './router.js';
import { toAppError, type ErrorCode } from '../../../core/errors.js';
import { t } from '../../../core/i18n.js';
import type { InteractionReply } from '../../../core/interactions/index.js';
import type { SlackContext } from '../context.js';
import { ANSWER_CALLBACK, AnswerMetaSchema, EVIDENCE_BLOCK, parseAnswerSubmission, questionBlockId } from '../modals/answer-form.js';
import { parseStartSubmission, START_CALLBACK, StartMetaSchema } from '../modals/start-form.js';
import { ViewStateValuesSchema } from '../modals/view-state.js';
import { esc, slackPlainText } from '../mrkdwn.js';
import { parseJson, tenantOf, ViewSubmissionSchema } from '../payloads.js';
import { ownValue } from '../../../core/own.js';

/** Where a start-form error belongs when the core refuses the round. */
const START_ERROR_BLOCK: Partial<Record<ErrorCode, string>> = {
  ROUND_ALREADY_OPEN_IN_CHANNEL: 'channel',
  INVALID_CALENDAR: 'close_date',
  UNKNOWN_PACK: 'toolkit',
  INVALID_INPUT: 'toolkit',
  REVIEWER_IS_PARTICIPANT: 'reviewers',
};

export function registerViews(app: Listeners, s: SlackContext): void {
  app.view(START_CALLBACK, async ({ ack, body, context }) => {
    const parsed = ViewSubmissionSchema.safeParse(body);
    const meta = StartMetaSchema.safeParse(parseJson(parsed.success ? parsed.data.view.private_metadata : undefined));
    const values = ViewStateValuesSchema.safeParse(parsed.success ? parsed.data.view.state.values : undefined);
    const l = meta.success ? meta.data.l : s.defaultLocale;
    if (!parsed.success || !meta.success || !values.success) {
      await ack({ response_action: 'errors', errors: { title: t(l, 'slack.errors.badRequest') } });
      return;
    }
    const sub = parsed.data;
    const tenant = tenantOf(sub);
    const result = parseStartSubmission(values.data, meta.data, s.app.clock.now());
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: result.errors });
      return;
    }
    const client = s.clients.forToken(context.botToken ?? '');
    const settings = result.settings;
    // The bot never posts where it was not invited: say so on the channel field rather than fail later.
    if ((await s.directory.botIsMember(client, settings.channelId)) === false) {
      await ack({ response_action: 'errors', errors: { channel: t(l, 'slack.form.errors.notMember') } });
      return;
    }
    const reviewers = settings.reviewers ?? [];
    let participants = settings.participants ?? [];
    if (participants.length === 0) {
      // "The channel's members" means the team: invited reviewers (often guests in the channel) review it instead.
      participants = await s.directory
        .channelMembers(client, tenant, settings.channelId, [...(context.botUserId ? [context.botUserId] : []), ...reviewers])
        .catch(() => []);
      if (participants.length === 0) {
        await ack({ response_action: 'errors', errors: { participants: t(l, 'slack.form.errors.participants') } });
        return;
      }
    }
    // Someone picked both as participant and as reviewer: said on the reviewers field, with their names.
    const both = reviewers.filter((id) => participants.includes(id));
    if (both.length > 0) {
      const names = await s.directory.names(client, tenant, both);
      const member = both.map((id) => ownValue(names, id) ?? id).join(', ');
      await ack({ response_action: 'errors', errors: { reviewers: t(l, 'errors.REVIEWER_IS_PARTICIPANT', { member }) } });
      return;
    }
    const coordinator = await s.directory.userOrDefault(client, tenant, sub.user.id);
    // Acked at once with the form closed; the welcome and cards are posted after the answer (Slack waits 3 s at most).
    const started = await s.app.interactions.startRound({
      platform: 'slack',
      tenant,
      actor: { id: sub.user.id, ...(coordinator.name ? { name: coordinator.name } : {}) },
      form: { ...settings, participants },
      directory: { members: async () => participants },
      fallbackLocale: l,
      background: (name, work) => s.background.run(name, work),
      post: async (round) => {
        try {
          await s.messenger.postWelcomeAndCards(round);
        } catch (err) {
          // The round exists and its cards are queued for retry; the coordinator must not be left wondering.
          s.app.logger.warn({ err, roundId: round.id }, 'posting the welcome failed');
          await s.messenger.tellCoordinatorPostFailed(round);
        }
        const names = await s.directory.names(client, tenant, [...round.participants, ...round.managers, ...round.reviewers]);
        if (Object.keys(names).length > 0) await s.app.service.rememberNames(tenant, round.id, names);
      },
    });
    if (!started.ok || !started.round) {
      const code = started.error?.code ?? 'INTERNAL';
      if (code === 'INTERNAL') s.app.logger.error({ err: started.error }, 'starting a round failed');
      await ack({ response_action: 'errors', errors: { [START_ERROR_BLOCK[code] ?? 'title']: slackPlainText(started.text) } });
      return;
    }
    s.remember(started.round);
    await ack();
  });

  app.view(ANSWER_CALLBACK, async ({ ack, body, context }) => {
    const parsed = ViewSubmissionSchema.safeParse(body);
    const meta = AnswerMetaSchema.safeParse(parseJson(parsed.success ? parsed.data.view.private_metadata : undefined));
    const values = ViewStateValuesSchema.safeParse(parsed.success ? parsed.data.view.state.values : undefined);
    if (!parsed.success || !meta.success || !values.success || meta.data.t !== tenantOf(parsed.data)) {
      await ack({ response_action: 'errors', errors: { [EVIDENCE_BLOCK]: t(s.defaultLocale, 'slack.errors.badRequest') } });
      return;
    }
    const { t: tenant, r: roundId, f: factorId, c: channelId } = meta.data;
    const userId = parsed.data.user.id;
    let locale = s.localeOf(tenant, roundId);
    let firstBlock = EVIDENCE_BLOCK;
    let reply: InteractionReply;
    try {
      const round = s.remember(await s.app.service.getRound(tenant, roundId));
      locale = round.locale;
      const questionIds = s.app.packs.factor(round.packId, round.locale, factorId).questions.map((q) => q.id);
      firstBlock = questionIds[0] ? questionBlockId(questionIds[0]) : EVIDENCE_BLOCK;
      const submission = parseAnswerSubmission(values.data, questionIds, round.locale);
      if (!submission.ok) {
        await ack({ response_action: 'errors', errors: submission.errors });
        return;
      }
      reply = await s.app.interactions.saveAnswer({ platform: 'slack', tenant, actor: { id: userId }, value: { r: roundId, f: factorId }, fields: submission.value, fallbackLocale: locale });
    } catch (err) {
      // The round could not be read: said on the form, which stays open so nothing typed is lost.
      const e = toAppError(err);
      if (e.code === 'INTERNAL') s.app.logger.error({ err }, 'saving an answer failed');
      s.app.interactions.observed({ platform: 'slack', kind: 'answer', outcome: e.code.toLowerCase() as Lowercase<string> });
      await ack({ response_action: 'errors', errors: { [firstBlock]: slackPlainText(e.userMessage(locale)) } });
      return;
    }
    if (!reply.ok) {
      // The form stays open with the problem on the right field, so nothing typed is lost.
      const code = reply.error?.code;
      if (code === 'INTERNAL') s.app.logger.error({ err: reply.error }, 'saving an answer failed');
      const block = code === 'BAD_EVIDENCE_LINK' || code === 'TOO_MANY_EVIDENCE_LINKS' ? EVIDENCE_BLOCK : firstBlock;
      await ack({ response_action: 'errors', errors: { [block]: slackPlainText(reply.text) } });
      return;
    }
    await ack();
    if (reply.refresh) s.messenger.requestUpdate(reply.refresh.tenant, reply.refresh.roundId, reply.refresh.factorId);
    const client = s.clients.forToken(context.botToken ?? '');
    const text = esc(reply.text);
    s.background.run('answer saved note', () => client.chat.postEphemeral({ channel: channelId, user: userId, text }));
  });
}
