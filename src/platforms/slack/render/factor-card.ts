// Renders a FactorCardView as a Block Kit message: header, statement, why, questions, vote buttons, live tally.
import { LEVELS } from '../../../core/model.js';
import type { FactorCardView } from '../../../core/views/factor-card.js';
import { fitSurface, type FitOptions, type SurfacePayload } from '../limits.js';
import { esc, firstLine } from '../mrkdwn.js';
import { actions, button, context, header, section, sectionsFromLines, type Block } from './blocks.js';

export const VOTE_ACTION_PREFIX = 'vote:';
export const ANSWER_ACTION = 'answer';
export const EXAMPLES_ACTION = 'examples';

/** The one line on why a factor matters: the rationale's first sentence, cut to fit a glance. */
export const RATIONALE_CHARS = 140;

export function questionLines(view: Pick<FactorCardView, 'questionsTitle' | 'questions'> & { questionsIntro?: string }): string[] {
  const lines = [`*${esc(view.questionsTitle)}*`];
  if (view.questionsIntro) lines.push(`_${esc(view.questionsIntro)}_`);
  for (const q of view.questions) {
    lines.push(`${esc(q.label)} ${esc(q.text)}`);
    for (const d of q.details) lines.push(`      ◦ ${esc(d)}`);
  }
  return lines;
}

export function renderFactorCard(view: FactorCardView, fit: FitOptions = {}): SurfacePayload {
  const blocks: Block[] = [
    header(view.header),
    // The toolkit's footnote 1 under the header, so nobody rates diversity the guidelines do not mean.
    ...(view.scopeNote ? [context(esc(view.scopeNote))] : []),
    section(`*${esc(view.statement)}*\n_${esc(firstLine(view.rationale, RATIONALE_CHARS))}_`),
    ...sectionsFromLines(questionLines(view)),
  ];
  const meta = [view.dueLine, view.trendLine ?? ''].filter((s) => s.length > 0).map(esc);
  if (meta.length > 0) blocks.push(context(...meta));
  if (!view.closed) {
    blocks.push(
      context(`*${esc(view.votePrompt)}*`),
      actions(
        view.voteButtons.map((b, i) => button(`${VOTE_ACTION_PREFIX}${LEVELS[i] ?? 'dont-know'}`, b.label, { value: b.value, ...(b.style ? { style: b.style } : {}) })),
        'vote',
      ),
    );
  }
  blocks.push(context(`*${esc(view.progressLine)}*`, esc(view.tallyLine)));
  if (view.closed) {
    if (view.closedLine) blocks.push(context(esc(view.closedLine)));
    blocks.push(actions([button(EXAMPLES_ACTION, view.examplesButton.label, { value: view.examplesButton.value })], 'more'));
  } else {
    blocks.push(
      actions(
        [
          button(ANSWER_ACTION, view.answerButton.label, { value: view.answerButton.value, style: 'primary' }),
          button(EXAMPLES_ACTION, view.examplesButton.label, { value: view.examplesButton.value }),
        ],
        'more',
      ),
    );
  }
  return fitSurface('message', { text: esc(`${view.header}: ${view.statement}`), blocks }, fit);
}

/** The city examples, shown only to the person who asked. */
export function renderExamples(view: FactorCardView, emptyText: string): SurfacePayload {
  const lines = view.examples.map((e) => `*${esc(e.title)}*\n${esc(e.summary)}`);
  const blocks: Block[] = [section(`*${esc(view.examplesTitle)}* · ${esc(view.header)}`)];
  if (lines.length === 0) blocks.push(section(esc(emptyText)));
  else for (const l of lines) blocks.push(section(l));
  return fitSurface('message', { text: esc(`${view.examplesTitle}: ${view.header}`), blocks });
}
