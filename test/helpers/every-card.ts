// Every Adaptive Card the bot sends (Teams, and the playground), rendered from real rounds: a normal team, or a team of
// 300 with 120-character Teams ids, the longest answers, notes and findings the bot accepts, and a long action plan.
import type { TeamsChannelAccount } from 'botbuilder';
import {
  renderActionReminderCard,
  renderDigestCard,
  renderFactorCard,
  renderFollowUpCard,
  renderReminderCard,
  renderStartForm,
  renderTextCard,
  renderWelcomeCard,
  type AdaptiveCard,
} from '../../src/cards/adaptive.js';
import type { Locale } from '../../src/content/schema.js';
import { t } from '../../src/core/i18n.js';
import { MAX_ACTION_CHARS, MAX_ANSWER_CHARS, MAX_EVIDENCE_LINKS, MAX_NOTE_CHARS, LEVELS } from '../../src/core/model.js';
import { buildFollowUp } from '../../src/core/peer-review.js';
import { defaultSettings } from '../../src/core/settings.js';
import { compareTallies } from '../../src/core/tally.js';
import { buildDigest } from '../../src/core/views/digest.js';
import { buildFactorCard } from '../../src/core/views/factor-card.js';
import { buildReminder, buildWelcome } from '../../src/core/views/messages.js';
import { PEOPLE } from '../../src/platforms/playground/people.js';
import { startFormPeople } from '../../src/platforms/teams/people.js';
import { refreshUsers } from '../../src/platforms/teams/render.js';
import { makeService, settings } from './world.js';

export interface RenderedCard {
  name: string;
  card: AdaptiveCard;
  /** Rendered within Microsoft's advised 80 KB by the bot itself (digests, reports, forms, reminders). */
  budgeted: boolean;
}

const TENANT = '8c3a5a2e-tenant-4000-8000-000000000001';
const REPORT = `https://assess.kommun.example/reports/${TENANT}/20260302-0a1b2c3d/${'S'.repeat(43)}`;
const CHART = `https://assess.kommun.example/reports/${TENANT}/20260302-0a1b2c3d/${'S'.repeat(43)}/chart.png`;

/** A Teams conversation member id as long as real ones get (about 120 characters). */
export function teamsId(i: number): string {
  return `29:1${String(i).padStart(4, '0')}${'Xy7QaZ0kLm'.repeat(12)}`.slice(0, 120);
}

function aadId(i: number): string {
  return `6f1c7b1e-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

export interface WorldSize {
  members: number;
  /** Members who answer every factor, with the longest answers and evidence allowed. */
  answerers: number;
  long: boolean;
}

export const NORMAL: WorldSize = { members: 6, answerers: 2, long: false };
export const HUGE: WorldSize = { members: 300, answerers: 40, long: true };

function text(size: WorldSize, seed: string, max = MAX_ANSWER_CHARS): string {
  if (!size.long) return `${seed}: kort och tydligt svar med *markering* och en [länk](https://kommun.example).`;
  const words = `${seed} – "citat", **fet**, <tagg> & en [länk](https://kommun.example/x) i ett långt svar om mångfaldsarbetet. `;
  return words.repeat(Math.ceil(max / words.length)).slice(0, max).trimEnd();
}

function links(size: WorldSize, seed: number): string[] {
  if (!size.long) return [`https://kommun.example/protokoll-${seed}.pdf`];
  return Array.from({ length: MAX_EVIDENCE_LINKS }, (_, j) => `https://kommun.example/${'handlingar/'.repeat(25)}${seed}-${j}.pdf`);
}

/** Every card kind the bot renders, for one locale and one team size. */
export async function everyCard(locale: Locale, size: WorldSize): Promise<RenderedCard[]> {
  const { service, clock } = makeService();
  const ids = Array.from({ length: size.members }, (_, i) => teamsId(i));
  const names = Object.fromEntries(ids.map((id, i) => [id, `Förnamn${i} Efternamnsson-Långnamn`]));
  const coordinator = { id: ids[0]!, name: names[ids[0]!]! };
  const managers = ids.slice(-2);
  const cards: RenderedCard[] = [];
  const add = (name: string, card: AdaptiveCard, budgeted = false) => cards.push({ name: `${locale} ${name}`, card, budgeted });

  // --- an internal evaluation: votes, long answers, context notes -----------------------------------------------
  const round = await service.startRound({
    tenant: TENANT,
    platform: 'teams',
    settings: settings({ locale, channelId: '19:mangfald@thread.tacv2', participants: ids, managers, title: text(size, 'Omgång', 150) }),
    actor: coordinator,
    names,
  });
  const factorIds = round.factorIds;
  for (const [f, factorId] of factorIds.entries()) {
    for (const [i, id] of ids.entries()) {
      if (i % 6 === 5) continue; // some have not voted
      await service.castVote({ tenant: TENANT, roundId: round.id, factorId, actor: { id }, level: LEVELS[(i + f) % 4]!, interactionId: `${factorId}-${i}` });
    }
  }
  const state0 = await service.state(TENANT, round.id);
  for (const factor of state0.pack.keyFactors) {
    for (let i = 0; i < Math.min(size.answerers, ids.length); i++) {
      const texts = Object.fromEntries(factor.questions.map((q) => [q.id, text(size, `${factor.id}-${q.id}-${i}`)]));
      await service.saveAnswer({ tenant: TENANT, roundId: round.id, factorId: factor.id, actor: { id: ids[i]! }, texts, evidence: links(size, i) });
    }
  }
  for (const c of state0.pack.contextFactors) await service.noteContext(TENANT, round.id, coordinator, c.id, text(size, c.name));

  const state = await service.state(TENANT, round.id);
  const viewer = ids[0]!;
  for (const factorId of factorIds) {
    add(`factor card ${factorId} (channel copy)`, renderFactorCard(buildFactorCard(state, factorId), { userIds: refreshUsers(state.round) }));
    const saved = await service.myAnswer(state.round, factorId, viewer);
    const own = buildFactorCard(state, factorId, { viewerId: viewer, myVote: 'partly' });
    const answer = saved ? { texts: saved.texts, evidence: saved.evidence } : null;
    add(`factor card ${factorId} (own copy, saved answer)`, renderFactorCard(own, { userIds: refreshUsers(state.round), answer, notice: text(size, 'Notis', 300) }));
  }
  add('welcome', renderWelcomeCard(buildWelcome(state)));
  const cardUrls = Object.fromEntries(factorIds.map((f) => [f, `https://teams.microsoft.com/l/message/19:mangfald@thread.tacv2/${'1772431272410'.repeat(8)}?tenantId=${TENANT}&parentMessageId=${f}`]));
  add('reminder (every factor)', renderReminderCard(buildReminder(state, factorIds), { cardUrls }), true);
  add('reminder (open buttons)', renderReminderCard(buildReminder(state, factorIds)), true);
  add('weekly digest', renderDigestCard(buildDigest(state, { kind: 'weekly', now: clock.now() + 7 * 86_400_000, reportUrl: REPORT }), { chartUrl: CHART }), true);
  add('status digest', renderDigestCard(buildDigest(state, { kind: 'status', now: clock.now(), reportUrl: REPORT })), true);
  add('text reply (help)', renderTextCard(t(locale, 'modes.help')));
  add('text reply (long)', renderTextCard(text(size, 'Svar', 3500)));

  // --- the start form, as each platform gets it ------------------------------------------------------------------
  const packs = [{ id: 'integrating-cities-diversity', title: 'Integrating Cities' }];
  const defaults = defaultSettings({ now: clock.now(), timezone: 'Europe/Stockholm', locale, channelId: round.channel.id, participants: ids });
  const members = ids.map((id, i) => ({ id, name: names[id], aadObjectId: aadId(i) }) as TeamsChannelAccount);
  const fresh = startFormPeople(defaults, members);
  add('start form (Teams, everyone)', renderStartForm(fresh.defaults, { packs, locale, people: fresh.people, everyone: fresh.everyone }), true);
  const restart = startFormPeople({ ...defaults, participants: ids.slice(0, 40), managers: ids.slice(0, 30), reviewers: ids.slice(40, 70) }, members);
  add('start form (Teams, a restart\'s people)', renderStartForm(restart.defaults, { packs, locale, people: restart.people, everyone: restart.everyone }), true);
  const some = startFormPeople({ ...defaults, participants: ids.slice(0, 20), managers: ids.slice(-2) }, members);
  add('start form (Teams, some people)', renderStartForm(some.defaults, { packs, locale, people: some.people, everyone: some.everyone }), true);
  add('start form (playground)', renderStartForm({ ...defaults, participants: PEOPLE.map((p) => p.id) }, { packs, locale, people: { kind: 'list', people: PEOPLE }, everyone: false }), true);
  add('start form (Emulator)', renderStartForm({ ...defaults, participants: [ids[0]!] }, { packs, locale, people: { kind: 'typed' } }), true);

  // --- the close, the action plan and the next round that follows it up -------------------------------------------
  await service.closeRound(TENANT, round.id, coordinator);
  const closed = await service.state(TENANT, round.id);
  add('final digest', renderDigestCard(buildDigest(closed, { kind: 'final', now: clock.now(), reportUrl: REPORT }), { chartUrl: CHART }), true);
  const closedCard = renderFactorCard(buildFactorCard(closed, 'f01'), { userIds: refreshUsers(closed.round) });
  add('factor card (closed)', closedCard);
  const goals = closed.tallies.filter((x) => x.verdict === 'partly' || x.verdict === 'not-in-place').map((x) => x.factorId);
  const actionCount = size.long ? 40 : 2;
  for (let i = 0; i < actionCount; i++) {
    await service.addAction({
      tenant: TENANT,
      channelId: round.channel.id,
      actor: coordinator,
      factor: goals[i % goals.length]!,
      owner: ids[1]!,
      due: '2026-06-01',
      tag: i % 2 === 0 ? 'quick' : 'long',
      text: text(size, `Åtgärd ${i}`, MAX_ACTION_CHARS),
    });
  }
  const planned = (await service.state(TENANT, round.id)).round;
  const plan = (await service.channelPlan(TENANT, round.channel.id))!;
  const actions = plan.actions;
  const pack = service.packs.get(planned.packId, planned.locale);
  add('action reminder', renderActionReminderCard(planned, pack, actions), true);
  add('action reminder (done)', renderActionReminderCard(planned, pack, [{ ...actions[0]!, status: 'done' }], { notice: t(locale, 'modes.plan.markedDone', { id: 'A1', text: actions[0]!.text }) }), true);
  const next = await service.startRound({
    tenant: TENANT,
    platform: 'teams',
    settings: { ...settings({ locale, channelId: round.channel.id, participants: ids, managers }), startDate: '2026-05-04', closeDate: '2026-06-15' },
    actor: coordinator,
    names,
  });
  const nextState = await service.state(TENANT, next.id);
  const baseline = compareTallies(nextState.tallies, closed.tallies);
  add('factor card (trend since the last round)', renderFactorCard(buildFactorCard(nextState, 'f01', { baseline }), { userIds: refreshUsers(next) }));
  add('weekly digest (action plan followed up)', renderDigestCard(buildDigest(nextState, { kind: 'weekly', baseline: closed, plan, now: clock.now(), reportUrl: REPORT })), true);

  // --- a peer review: the panel's verdicts, findings, recommendations and notes ------------------------------------
  const panel = [900, 901, 902].map(teamsId);
  const peer = await service.startRound({
    tenant: TENANT,
    platform: 'teams',
    settings: settings({ locale, mode: 'peer-review', channelId: '19:granskning@thread.tacv2', participants: ids, managers, reviewers: panel.slice(0, 2) }),
    actor: coordinator,
    names,
  });
  await service.inviteReviewers(TENANT, peer.id, coordinator, { lead: panel[2], names: Object.fromEntries(panel.map((id, i) => [id, `Granskare ${i}`])) });
  for (const [f, factorId] of peer.factorIds.entries()) {
    for (const [i, id] of ids.entries()) {
      if (i % 3 === 2) continue;
      await service.castVote({ tenant: TENANT, roundId: peer.id, factorId, actor: { id }, level: LEVELS[(i + f) % 4]!, interactionId: `p-${factorId}-${i}` });
    }
  }
  await service.startReview(TENANT, peer.id, coordinator);
  for (const [f, factorId] of peer.factorIds.entries()) {
    for (const [i, id] of panel.entries()) {
      await service.castVote({ tenant: TENANT, roundId: peer.id, factorId, actor: { id }, level: LEVELS[(i + f + 1) % 4]!, interactionId: `r-${factorId}-${i}` });
      await service.saveFindings({ tenant: TENANT, roundId: peer.id, factorId, actor: { id }, findings: text(size, `Iakttagelse ${factorId}`), recommendations: text(size, `Rekommendation ${factorId}`) });
    }
  }
  for (let i = 0; i < (size.long ? 30 : 2); i++) {
    await service.addReviewNote(TENANT, peer.id, { id: panel[i % 3]! }, { kind: i % 2 === 0 ? 'interview' : 'focus-group', text: text(size, `Anteckning ${i}`, MAX_NOTE_CHARS), factorIds: [peer.factorIds[i % 13]!] });
  }
  const reviewed = await service.state(TENANT, peer.id);
  add('peer review digest', renderDigestCard(buildDigest(reviewed, { kind: 'status', now: clock.now(), reportUrl: REPORT })), true);
  const followUp = { ...buildFollowUp(reviewed, new Date(clock.now()).toISOString()), links: { html: REPORT.replace('/reports/', '/followup/'), markdown: `${REPORT.replace('/reports/', '/followup/')}?format=md` } };
  add('follow-up report', renderFollowUpCard(followUp), true);
  add('factor card (reviewer\'s own copy)', renderFactorCard(buildFactorCard(reviewed, 'f01', { viewerId: panel[0], myVote: 'in-place' }), { userIds: refreshUsers(reviewed.round) }));
  return cards;
}
