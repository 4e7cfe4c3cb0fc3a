// Renders the welcome post and reminder DMs as Block Kit messages.
import type { ReminderView, WelcomeView } from '../../../core/views.js';
import { fitSurface, type SurfacePayload } from '../limits.js';
import { esc } from '../mrkdwn.js';
import { button, header, section, type Block } from './blocks.js';

export const OPEN_CARD_ACTION = 'open-card';

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
