// The factor card's view model: the statement, guiding questions, examples, tally and the vote buttons.
import type { Locale } from '../../content/schema.js';
import { formatDate } from '../calendar.js';
import { t, tn } from '../i18n.js';
import { LEVELS, type Level } from '../model.js';
import type { RoundState } from '../read-model.js';
import { resultsVisible } from '../anonymity.js';
import type { FactorComparison } from '../tally.js';
import { levelLabel, pad, tallyLine, TREND_SYMBOL, type ButtonView } from './shared.js';

export interface QuestionView {
  id: string;
  label: string;
  text: string;
  details: string[];
}

export interface FactorCardView {
  locale: Locale;
  tenant: string;
  roundId: string;
  factorId: string;
  /** "01 · Offentliga åtaganden" */
  header: string;
  /** The toolkit's scope (its footnote 1: diversity that comes from immigration), under the header; absent when the pack has none. */
  scopeNote?: string;
  statement: string;
  rationale: string;
  questionsTitle: string;
  /** Investigate the questions, answer them, then vote: the order the toolkit asks for. */
  questionsIntro: string;
  /** The question the vote buttons answer ("Stämmer påståendet för er kommun?"). */
  votePrompt: string;
  questions: QuestionView[];
  examplesTitle: string;
  examples: { title: string; summary: string }[];
  /** "5 av 12 har röstat · 3 har svarat · 2 bevislänkar" */
  progressLine: string;
  /** "På plats 2 · Delvis 3 · …", or a note that results are hidden until enough responses. */
  tallyLine: string;
  dueLine: string;
  trendLine?: string;
  /** The viewer's own vote, when the platform can show per-user cards (Teams refresh). */
  myVoteLine?: string;
  myVote?: Level;
  voteButtons: ButtonView[];
  answerButton: ButtonView;
  examplesButton: ButtonView;
  closed: boolean;
  closedLine?: string;
}

/** What a factor card is built from: a full RoundState, or the parts a vote's one round trip returns. */
export type FactorCardState = Pick<RoundState, 'round' | 'pack' | 'tallies' | 'answerStats' | 'windows'>;

export function buildFactorCard(
  state: FactorCardState,
  factorId: string,
  opts: { viewerId?: string; myVote?: Level | null; baseline?: FactorComparison[] } = {},
): FactorCardView {
  const { round, pack } = state;
  const locale = round.locale;
  const factor = pack.keyFactors.find((f) => f.id === factorId);
  if (!factor) throw new Error(`unknown factor ${factorId}`);
  const tally = state.tallies.find((x) => x.factorId === factorId)!;
  const stats = state.answerStats[factorId] ?? { answers: 0, evidence: 0, links: [] };
  const window = state.windows.find((w) => w.factorId === factorId);
  const value = JSON.stringify({ r: round.id, f: factorId });
  const visible = resultsVisible(round, tally);
  // Below the threshold nothing about the factor shows: no answer or link counts, no trend against an earlier round.
  const comparison = visible ? opts.baseline?.find((c) => c.factorId === factorId) : undefined;
  const closed = round.status !== 'open';
  const view: FactorCardView = {
    locale,
    tenant: round.tenant,
    roundId: round.id,
    factorId,
    header: `${pad(factor.number)} · ${factor.theme}`,
    ...(pack.scopeNote ? { scopeNote: pack.scopeNote } : {}),
    statement: factor.statement,
    rationale: factor.rationale,
    questionsTitle: t(locale, 'card.questionsTitle'),
    questionsIntro: t(locale, 'card.questionsIntro', { answer: t(locale, 'card.answerButton') }),
    votePrompt: t(locale, 'card.votePrompt'),
    questions: factor.questions.map((q, i) => ({ id: q.id, label: `${i + 1}.`, text: q.text, details: q.details ?? [] })),
    examplesTitle: t(locale, 'card.examplesTitle'),
    examples: factor.examples.map((e) => ({ title: e.country ? `${e.place}, ${e.country}` : e.place, summary: e.summary })),
    progressLine: [
      t(locale, 'card.voted', { voted: tally.voters, eligible: tally.eligible }),
      ...(visible ? [tn(locale, 'plural.answered', stats.answers), tn(locale, 'plural.links', stats.evidence)] : []),
    ].join(' · '),
    tallyLine: tallyLine(locale, round, tally),
    dueLine: window ? t(locale, 'card.due', { date: formatDate(window.dueAt, round.calendar.timezone, locale) }) : '',
    voteButtons: LEVELS.map((level) => ({
      actionId: 'vote' as const,
      label: levelLabel(locale, level),
      value: JSON.stringify({ r: round.id, f: factorId, l: level }),
      ...(opts.myVote === level ? { style: 'primary' as const } : {}),
    })),
    answerButton: { actionId: 'answer', label: t(locale, 'card.answerButton'), value },
    examplesButton: { actionId: 'examples', label: t(locale, 'card.examplesButton'), value },
    closed,
  };
  if (comparison && comparison.trend !== 'n/a') {
    view.trendLine = t(locale, `trend.${comparison.trend}`, { symbol: TREND_SYMBOL[comparison.trend] });
  }
  if (opts.myVote) {
    view.myVote = opts.myVote;
    view.myVoteLine = t(locale, 'card.yourVote', { level: levelLabel(locale, opts.myVote) });
  }
  if (closed) view.closedLine = t(locale, 'card.closed');
  return view;
}
