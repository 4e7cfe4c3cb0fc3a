// Renders the welcome post, reminder DMs and action-plan reminders as Block Kit messages.
import { actionLine, factorLabel } from '../../../core/action-plan.js';
import type { ContentPack } from '../../../content/schema.js';
import { t, tn } from '../../../core/i18n.js';
import type { Action, Round } from '../../../core/model.js';
import type { ReminderView, WelcomeView } from '../../../core/views/messages.js';
import { fitSurface, type SurfacePayload } from '../limits.js';
import { channelRef, esc } from '../mrkdwn.js';
import { button, context, header, section, type Block } from './blocks.js';

export const OPEN_CARD_ACTION = 'open-card';
/** The Done button of an action reminder; its value names the round and the action. */
export const ACTION_DONE_ACTION = 'action-done';

export function renderWelcome(view: WelcomeView): SurfacePayload {
  const blocks: Block[] = [header(view.title), ...view.lines.map((l) => section(esc(l)))];
  return fitSurface('message', { text: esc(view.title), blocks });
}

/** A reminder DM: what is waiting, then one line per factor with a button to its card (when we have its permalink). */
export function renderReminder(view: ReminderView, permalinks: Record<string, string>, dueLabel: (due: string) => string): SurfacePayload {
  const blocks: Block[] = [section(esc(view.text))];
  for (const f of view.factors) {
    const url = permalinks[f.factorId];
    blocks.push(
      section(`*${esc(f.label)}*\n${esc(dueLabel(f.due))}`, url ? { accessory: button(`${OPEN_CARD_ACTION}:${f.factorId}`, f.button.label, { url, value: f.button.value }) } : {}),
    );
  }
  return fitSurface('message', { text: esc(view.text), blocks });
}

/**
 * An action-plan reminder DM: which actions wait, then each action's line with a Done button while it is open, and
 * how to mark it done from the round's channel. After a click the same message is redrawn with `notice` on top.
 */
export function renderActionReminder(round: Round, pack: Pick<ContentPack, 'keyFactors'>, actions: Action[], opts: { notice?: string } = {}): SurfacePayload {
  const locale = round.locale;
  const text = opts.notice ?? tn(locale, 'modes.reminder.action', actions.length, { list: actions.map((a) => a.id).join(', ') });
  const blocks: Block[] = [section(esc(text))];
  for (const a of actions) {
    const line = esc(actionLine(locale, round, a, { withFactor: factorLabel(pack, a.factorId) }));
    if (a.status !== 'open') {
      blocks.push(section(line));
      continue;
    }
    const value = JSON.stringify({ r: round.id, a: a.id });
    blocks.push(section(line, { accessory: button(`${ACTION_DONE_ACTION}:${a.id}`, t(locale, 'slack.actionReminder.doneButton'), { value, style: 'primary' }) }));
    // The placeholder survives t() and esc(), and becomes a real channel link afterwards.
    blocks.push(context(esc(t(locale, 'slack.actionReminder.hint', { id: a.id })).replace('{channel}', channelRef(round.channel.id))));
  }
  return fitSurface('message', { text: esc(text), blocks });
}
