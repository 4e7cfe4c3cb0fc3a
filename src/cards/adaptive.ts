// Renders the core's platform-neutral view models as Adaptive Cards (schema 1.5) from the templates in cards/*.json.
import { actionLine, factorLabel } from '../core/action-plan.js';
import type { ContentPack } from '../content/schema.js';
import { t, tn } from '../core/i18n.js';
import type { Action, Round } from '../core/model.js';
import type { DigestView } from '../core/views/digest-model.js';
import type { FactorCardView } from '../core/views/factor-card.js';
import type { ReminderView, WelcomeView } from '../core/views/messages.js';
import type { FollowUpView } from '../core/peer-review.js';
import type { ActionReminderCardModel, DigestCardModel, FactorCardModel, FollowUpCardModel, ReminderCardModel } from './models.js';
import { expand } from './templates.js';
import type { AdaptiveCard } from './types.js';
import { withSubmitFallbacks } from './fallbacks.js';
import { ShapeCache } from './shape-cache.js';
import { cardMessageSize, MAX_REFRESH_USERS, TEAMS_MESSAGE_ADVICE } from './validate.js';

export type { AdaptiveCard, CardAction, CardElement, CardVerb } from './types.js';
export { CARD_VERBS, ADAPTIVE_CARD_VERSION } from './types.js';
export {
  ACTIVITY_ENVELOPE_ALLOWANCE,
  validateAdaptiveCard,
  cardMessageSize,
  teamsMessageSize,
  teamsCardProblems,
  withoutTeamsExtensions,
  MAX_REFRESH_USERS,
  TEAMS_MESSAGE_ADVICE,
  TEAMS_MESSAGE_LIMIT,
} from './validate.js';
export { withSubmitFallbacks } from './fallbacks.js';
export { renderStartForm, parseStartForm, StartFormError } from './start-form.js';

/**
 * People's text (round titles, context notes, display names) shown in Adaptive Card markdown must not become a link we
 * did not make: a zero-width space between `]` and `(` keeps `[label](url)` literal and looks the same.
 */
export function inertMarkdown(text: string): string {
  return text.replace(/\]\(/g, ']\u200B(');
}

/** Every string of a card model made inert, except under the keys holding links and images we built ourselves. */
function inertModel<T>(value: T, ours: ReadonlySet<string>): T {
  if (typeof value === 'string') return inertMarkdown(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => inertModel(v, ours)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ours.has(k) ? v : inertModel(v, ours)])) as T;
  }
  return value;
}

const DIGEST_OWN_LINKS = new Set(['links', 'reportLinks', 'chart']);
const NO_OWN_LINKS = new Set<string>();

export interface FactorCardOptions {
  /** Teams users whose copy refreshes automatically (capped at 60 by Teams). */
  userIds?: string[];
  /** The viewer's saved answer, to prefill the answer form so a half-finished answer can be continued. */
  answer?: { texts: Record<string, string>; evidence: string[] } | null;
  /** A line only this viewer sees, e.g. the vote confirmation or "answer saved". */
  notice?: string;
}

export function factorCardModel(view: FactorCardView, opts: FactorCardOptions = {}): FactorCardModel {
  const { locale } = view;
  const userIds = (opts.userIds ?? []).slice(0, MAX_REFRESH_USERS);
  return {
    roundId: view.roundId,
    factorId: view.factorId,
    header: view.header,
    scopeNote: view.scopeNote ?? null,
    statement: view.statement,
    rationale: view.rationale,
    questionsTitle: view.questionsTitle,
    questionsIntro: view.questionsIntro,
    votePrompt: view.votePrompt,
    questions: view.questions.map((q) => ({ label: q.label, text: q.text, details: q.details.map((d) => `• ${d}`).join('\n') })),
    progressLine: view.progressLine,
    tallyLine: view.tallyLine,
    dueLine: view.dueLine,
    trendLine: view.trendLine ?? null,
    myVoteLine: view.myVoteLine ?? null,
    closedLine: view.closed ? (view.closedLine ?? null) : null,
    notice: opts.notice ?? null,
    closed: view.closed,
    votes: view.voteButtons.map((b) => {
      const value = JSON.parse(b.value) as { l: string };
      return { title: b.label, level: value.l, style: b.style === 'primary' || view.myVote === value.l ? 'positive' : 'default' };
    }),
    answer: {
      title: view.answerButton.label,
      hint: t(locale, 'answer.answerHint'),
      fields: view.questions.map((q) => ({ id: `q:${q.id}`, label: `${q.label} ${q.text}`, value: opts.answer?.texts[q.id] ?? '' })),
      evidenceLabel: t(locale, 'answer.evidenceLabel'),
      evidenceHint: t(locale, 'answer.evidenceHint'),
      evidenceValue: (opts.answer?.evidence ?? []).join('\n'),
      save: t(locale, 'answer.save'),
    },
    examples: { button: view.examplesButton.label, title: view.examplesTitle, items: view.examples },
    refresh: view.closed ? null : { title: t(locale, 'cards.refresh'), userIds },
  };
}

/** A factor card: statement, questions, live tally, the viewer's vote, four vote buttons, answer form and examples. */
export function renderFactorCard(view: FactorCardView, opts: FactorCardOptions = {}): AdaptiveCard {
  return factorCards.get(factorCardModel(view, opts)) as AdaptiveCard;
}

/** The factor card expanded from its model; renderFactorCard runs it once per shape of the model (see ShapeCache). */
export function expandFactorCard(model: FactorCardModel): AdaptiveCard {
  const card = expand('factor-card', model);
  // Without user ids the refresh block still lets 1:1 chats refresh; an empty list would mean "nobody".
  if (!card.refresh) delete card.refresh; // a closed card: `$when` leaves null behind
  else if (!card.refresh.userIds || card.refresh.userIds.length === 0) delete card.refresh.userIds;
  return withSubmitFallbacks(card);
}

const factorCards = new ShapeCache<FactorCardModel>(expandFactorCard);

/** Longest text shown for one digest line; the full text is in the report. */
const MAX_LINE_CHARS = 500;
const MAX_SECTION_LINES = 25;
const MAX_LINK_CHARS = 400;
/** Digests aim at Microsoft's advice for the whole message (cardMessageSize counts the envelope too). */
const DIGEST_BUDGET = TEAMS_MESSAGE_ADVICE;

function clip(text: string, max = MAX_LINE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

function clipLines(locale: FactorCardView['locale'], lines: string[], max = MAX_SECTION_LINES): string[] {
  const shown = lines.slice(0, max).map((l) => clip(l));
  if (lines.length > max) shown.push(t(locale, 'cards.digest.moreLines', { count: lines.length - max }));
  return shown;
}

function markdownLink(url: string): string | null {
  if (url.length > MAX_LINK_CHARS) return null;
  try {
    const u = new URL(url);
    // Brackets and parentheses would break the markdown link syntax.
    if (/[()[\]\s]/.test(url)) return null;
    return `[${u.hostname}](${url})`;
  } catch {
    return null;
  }
}

const VERDICT_COLOR = { 'in-place': 'Good', partly: 'Warning', 'not-in-place': 'Attention', 'dont-know': 'Default' } as const;

export function digestCardModel(view: DigestView, opts: { chartUrl?: string } = {}, factorLimit = view.factors.length): DigestCardModel {
  const { locale } = view;
  const sections: DigestCardModel['sections'] = [];
  if (view.dueSoonTitle && view.dueSoon) {
    sections.push({ title: view.dueSoonTitle, lines: view.dueSoon.length > 0 ? clipLines(locale, view.dueSoon) : [t(locale, 'digest.nothing')] });
  }
  if (view.disputed.length > 0) sections.push({ title: view.disputedTitle, lines: clipLines(locale, view.disputed) });
  if (view.context.length > 0) sections.push({ title: view.contextTitle, lines: clipLines(locale, view.context) });
  const factors = view.factors.slice(0, factorLimit).map((f) => ({
    header: clip(`${f.header}${f.disputed ? ' ⚠' : ''}`, 200),
    line: clip(f.line),
    links: f.links.map(markdownLink).filter((l): l is string => l !== null).join(' · '),
    color: f.verdict ? VERDICT_COLOR[f.verdict] : ('Default' as const),
  }));
  const hidden = view.factors.length - factors.length;
  const chartUrl = opts.chartUrl ?? view.chartUrl;
  const moreFactors =
    hidden > 0
      ? t(locale, 'digest.moreFactors', { count: hidden + (view.moreCount ?? 0) })
      : view.moreCount > 0
        ? (view.moreLine ?? t(locale, 'digest.moreFactors', { count: view.moreCount }))
        : null;
  return {
    title: clip(view.title, 200),
    subtitle: view.subtitle,
    headline: view.headline,
    chart: chartUrl ? { url: chartUrl, alt: clip(view.chartAlt, 2000) } : null,
    factors,
    moreFactors,
    sections,
    pendingLine: view.pendingLine ? clip(view.pendingLine, 1500) : null,
    footer: view.footer,
    reportLinks: view.reportLinks,
  };
}

/**
 * The sections a round's way of working adds (the peers' recommendations, where the team and the peers differ, the
 * action plan), after the digest's own; each shows at most `maxLines` lines, then how many more the full report has,
 * as a link to it. People's text is made inert here; the link is ours.
 */
export function modeSections(view: DigestView, maxLines = MAX_SECTION_LINES): DigestCardModel['sections'] {
  const url = view.fullReportUrl && !/[()[\]\s]/.test(view.fullReportUrl) ? view.fullReportUrl : null;
  return (view.sections ?? []).map((s) => {
    const lines = s.lines.slice(0, maxLines).map((l) => inertMarkdown(clip(l)));
    const more = s.lines.length - lines.length;
    if (more > 0) {
      const text = t(view.locale, 'cards.digest.moreLines', { count: more });
      lines.push(url ? `[${text}](${url})` : text);
    }
    return { title: inertMarkdown(clip(s.title, 200)), lines };
  });
}

/**
 * The weekly, status or final digest: headline, one line per factor, what to discuss, context, the way of working's
 * sections, chart and report links. The chart image is `opts.chartUrl`, else the view's own signed chart link.
 */
export function renderDigestCard(view: DigestView, opts: { chartUrl?: string } = {}): AdaptiveCard {
  let limit = view.factors.length;
  let sectionLines = MAX_SECTION_LINES;
  const render = () => {
    const model = inertModel(digestCardModel(view, opts, limit), DIGEST_OWN_LINKS);
    model.sections.push(...modeSections(view, sectionLines));
    return expand('digest-card', model);
  };
  let card = render();
  // Lines are already clipped; a very large toolkit or a long peer review can still overflow, so show fewer factors
  // and section lines (each saying how many more the report has) until it fits.
  while (cardMessageSize(card) > DIGEST_BUDGET && (limit > 1 || sectionLines > 1)) {
    limit = Math.max(1, Math.floor(limit * 0.75));
    sectionLines = Math.max(1, Math.floor(sectionLines * 0.75));
    card = render();
  }
  return card;
}

/** Lines per findings, recommendations or evidence list before the card starts shortening. */
const FOLLOW_UP_LINES = 10;

export function followUpCardModel(view: FollowUpView, maxLines = FOLLOW_UP_LINES, maxDetails = view.factors.length): FollowUpCardModel {
  const { locale } = view;
  let clipped = false;
  const capped = (lines: string[]): string[] => {
    if (lines.length <= maxLines) return lines;
    clipped = true;
    return [...lines.slice(0, maxLines), t(locale, 'cards.digest.moreLines', { count: lines.length - maxLines })];
  };
  const withDetails = view.factors.filter((f) => f.findings.length + f.recommendations.length + f.evidence.length > 0);
  if (withDetails.length > maxDetails) clipped = true;
  const details = withDetails.slice(0, maxDetails).map((f) => {
    const sections: FollowUpCardModel['details'][number]['sections'] = [];
    if (f.findings.length > 0) sections.push({ title: view.titles.findings, lines: capped(f.findings.map((x) => `• ${inertMarkdown(clip(x))}`)) });
    if (f.recommendations.length > 0) sections.push({ title: view.titles.recommendations, lines: capped(f.recommendations.map((x) => `• ${inertMarkdown(clip(x))}`)) });
    if (f.evidence.length > 0) {
      // Our own link syntax around the team's checked links; one that could break it is shown as text.
      sections.push({ title: view.titles.evidence, lines: capped(f.evidence.map((l) => `• ${markdownLink(l) ?? inertMarkdown(clip(l, MAX_LINK_CHARS))}`)) });
    }
    return { header: f.header, peerLine: f.peerLine, sections };
  });
  const notes = capped(view.notes.map((n) => `• ${inertMarkdown(clip(`${n.kind}${n.about ? ` (${n.about})` : ''}: ${n.text}`))}`));
  const links = view.links
    ? [
        { label: t(locale, 'modes.report.openHtml'), url: view.links.html },
        { label: t(locale, 'modes.report.downloadMd'), url: view.links.markdown },
      ]
    : [];
  return {
    title: inertMarkdown(clip(view.title, 200)),
    intro: view.intro,
    columns: view.columns,
    rows: view.factors.map((f) => ({ header: f.header, self: f.self, peer: f.peer ?? '–', style: f.differs ? 'warning' : 'default' })),
    details,
    notesTitle: view.titles.notes,
    notes,
    more: clipped ? t(locale, 'report.digest.shortened') : null,
    links,
  };
}

/**
 * The peer review's follow-up report as a card: both verdicts per factor in a Table (Adaptive Cards 1.5), then the
 * panel's findings, recommendations and the team's evidence per factor, and the interviews held. A long review is
 * shortened to Microsoft's advised message size, saying so; the links lead to the whole report.
 */
export function renderFollowUpCard(view: FollowUpView): AdaptiveCard {
  let lines = FOLLOW_UP_LINES;
  let details = view.factors.length;
  let card = expand('follow-up-card', followUpCardModel(view, lines, details));
  while (cardMessageSize(card) > TEAMS_MESSAGE_ADVICE && (lines > 1 || details > 0)) {
    if (lines > 1) lines = Math.max(1, Math.floor(lines * 0.6));
    else details = Math.floor(details * 0.6);
    card = expand('follow-up-card', followUpCardModel(view, lines, details));
  }
  return card;
}

export function reminderCardModel(view: ReminderView, opts: { cardUrls?: Record<string, string> } = {}): ReminderCardModel {
  return {
    text: view.text,
    factors: view.factors.map((f) => {
      const value = JSON.parse(f.button.value) as { r: string; f: string };
      return { title: f.button.label, url: opts.cardUrls?.[f.factorId] ?? null, r: value.r, f: value.f };
    }),
  };
}

/** A 1:1 reminder naming the waiting factors, with a button per factor (a link to the card, or "show it here"). */
export function renderReminderCard(view: ReminderView, opts: { cardUrls?: Record<string, string> } = {}): AdaptiveCard {
  return withSubmitFallbacks(expand('reminder-card', reminderCardModel(view, opts)));
}

/** What an action reminder card shows: the owner's actions, each with its line, how to mark it done and a button. */
export function actionReminderCardModel(
  round: Round,
  pack: Pick<ContentPack, 'keyFactors'>,
  actions: Action[],
  opts: { notice?: string } = {},
  shown = actions.length,
): ActionReminderCardModel {
  const locale = round.locale;
  const more = actions.length - shown;
  return {
    // The heading names the actions by id; each one's full line follows.
    text: opts.notice ?? tn(locale, 'modes.reminder.action', actions.length, { list: actions.map((a) => a.id).join(', ') }),
    actions: actions.slice(0, shown).map((a) => ({
      line: clip(actionLine(locale, round, a, { withFactor: factorLabel(pack, a.factorId) })),
      hint: t(locale, 'cards.actionReminder.hint', { id: a.id }),
      done: t(locale, 'cards.actionReminder.done'),
      r: round.id,
      a: a.id,
      open: a.status === 'open',
    })),
    more: more > 0 ? t(locale, 'cards.actionReminder.more', { count: more }) : null,
  };
}

/**
 * A 1:1 reminder of action-plan actions, each with a "Done" button (Universal Action `action-done`, Submit fallback).
 * Someone owning a long plan gets as many as fit Microsoft's advised message size, and how to see the rest.
 */
export function renderActionReminderCard(
  round: Round,
  pack: Pick<ContentPack, 'keyFactors'>,
  actions: Action[],
  opts: { notice?: string } = {},
): AdaptiveCard {
  const render = (shown: number) => withSubmitFallbacks(expand('action-reminder-card', inertModel(actionReminderCardModel(round, pack, actions, opts, shown), NO_OWN_LINKS)));
  let shown = actions.length;
  let card = render(shown);
  while (cardMessageSize(card) > TEAMS_MESSAGE_ADVICE && shown > 1) {
    shown = Math.max(1, Math.floor(shown * 0.75));
    card = render(shown);
  }
  return card;
}

export function renderWelcomeCard(view: WelcomeView): AdaptiveCard {
  return expand('welcome-card', inertModel({ title: view.title, lines: view.lines }, NO_OWN_LINKS));
}

/** Plain text as a card, for confirmations and errors that should look like the rest of the bot. */
export function renderTextCard(text: string): AdaptiveCard {
  return expand('text-card', { text: inertMarkdown(text) });
}

/**
 * A command's reply with a button that sends a command as the person who presses it (`close confirm`). In Teams the
 * button is a messageBack: the command arrives as if typed, and goes through the same router and checks.
 */
export function renderConfirmCard(text: string, confirm: { label: string; command: string }): AdaptiveCard {
  const card = renderTextCard(text);
  return {
    ...card,
    actions: [
      {
        type: 'Action.Submit',
        title: confirm.label,
        style: 'destructive',
        data: { command: confirm.command, msteams: { type: 'messageBack', text: confirm.command, displayText: confirm.command } },
      },
    ],
  };
}
