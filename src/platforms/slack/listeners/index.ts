// Wires every Slack listener onto the Bolt app: one module per kind (commands, actions, views, events).
import type { App } from '@slack/bolt';
import type { SlackContext } from '../context.js';
import { registerActions } from './actions.js';
import { registerCommands } from './commands.js';
import { registerEvents } from './events.js';
import { registerViews } from './views.js';

export function registerListeners(app: App, s: SlackContext): void {
  registerEvents(app, s);
  registerCommands(app, s);
  registerActions(app, s);
  registerViews(app, s);
}
