// Wires every Slack listener onto the Bolt app: one module per kind (commands, actions, views, events).
import type { App } from '@slack/bolt';
import type { SlackContext } from '../context.js';
import { registerActions } from './actions.js';
import { registerCommandButtons } from './command-button.js';
import { registerCommands } from './commands.js';
import { registerEvents } from './events.js';
import { router } from './router.js';
import { registerViews } from './views.js';

export function registerListeners(app: App, s: SlackContext): void {
  const listeners = router(app);
  registerEvents(listeners, s);
  registerCommands(listeners, s);
  registerActions(listeners, s);
  registerCommandButtons(listeners, s);
  registerViews(listeners, s);
}
