// The "Answer the questions" modal: one text box per guiding question (prefilled with the saved answer) and the evidence links.
import { z } from 'zod';
import { MAX_ANSWER_CHARS, type Answer } from '../../../core/model.js';
import { t } from '../../../core/i18n.js';
import type { FactorCardView } from '../../../core/views/factor-card.js';
import { splitLinks } from '../../../core/services/voting.js';
import { fitSurface, type SurfacePayload } from '../limits.js';
import { esc, truncate } from '../mrkdwn.js';
import { context, plain, section, type Block } from '../render/blocks.js';
import { VALUE, ViewState, type ViewStateValues } from './view-state.js';

export const ANSWER_CALLBACK = 'assess-answer';
export const EVIDENCE_BLOCK = 'evidence';
const QUESTION_PREFIX = 'q:';

export const AnswerMetaSchema = z.strictObject({
  t: z.string().min(1).max(200),
  r: z.string().min(1).max(200),
  f: z.string().min(1).max(200),
  c: z.string().min(1).max(200),
});
export type AnswerMeta = z.infer<typeof AnswerMetaSchema>;

export function questionBlockId(questionId: string): string {
  return `${QUESTION_PREFIX}${questionId}`;
}

export function buildAnswerModal(view: FactorCardView, saved: Answer | null, meta: AnswerMeta): SurfacePayload {
  const l = view.locale;
  const blocks: Block[] = [section(`*${esc(view.header)}*\n${esc(view.statement)}`), context(esc(t(l, 'answer.answerHint')))];
  for (const q of view.questions) {
    const initial = saved?.texts[q.id];
    blocks.push({
      type: 'input',
      block_id: questionBlockId(q.id),
      optional: true,
      label: plain(`${q.label} ${q.text}`, 2000),
      ...(q.details.length > 0 ? { hint: plain(q.details.map((d) => `◦ ${d}`).join('  '), 2000) } : {}),
      element: {
        type: 'plain_text_input',
        action_id: VALUE,
        multiline: true,
        max_length: MAX_ANSWER_CHARS,
        ...(initial ? { initial_value: truncate(initial, MAX_ANSWER_CHARS) } : {}),
      },
    });
  }
  const links = saved?.evidence ?? [];
  blocks.push({
    type: 'input',
    block_id: EVIDENCE_BLOCK,
    optional: true,
    label: plain(t(l, 'answer.evidenceLabel'), 2000),
    hint: plain(t(l, 'answer.evidenceHint'), 2000),
    element: {
      type: 'plain_text_input',
      action_id: VALUE,
      multiline: true,
      max_length: 3000,
      placeholder: plain('https://', 150),
      ...(links.length > 0 ? { initial_value: links.join('\n') } : {}),
    },
  });
  return fitSurface('modal', {
    type: 'modal',
    callback_id: ANSWER_CALLBACK,
    title: plain(t(l, 'answer.modalTitle'), 24),
    submit: plain(t(l, 'answer.save'), 24),
    close: plain(t(l, 'answer.cancel'), 24),
    private_metadata: JSON.stringify(meta),
    blocks,
  });
}

export interface AnswerSubmission {
  texts: Record<string, string>;
  evidence: string[];
}

/** The texts per question and the evidence links; too-long texts are refused on their own field. */
export function parseAnswerSubmission(values: ViewStateValues, questionIds: string[], locale: 'sv' | 'en'): { ok: true; value: AnswerSubmission } | { ok: false; errors: Record<string, string> } {
  const s = new ViewState(values);
  const texts: Record<string, string> = {};
  const errors: Record<string, string> = {};
  for (const id of questionIds) {
    const text = s.text(questionBlockId(id));
    if (text.trim().length > MAX_ANSWER_CHARS) {
      errors[questionBlockId(id)] = t(locale, 'errors.ANSWER_TOO_LONG', { length: text.trim().length, max: MAX_ANSWER_CHARS });
    }
    texts[id] = text;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { texts, evidence: splitLinks(s.text(EVIDENCE_BLOCK)) } };
}
