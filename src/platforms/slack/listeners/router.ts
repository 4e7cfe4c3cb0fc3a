// Bolt sees one listener per kind (action, view, event); this router picks the module handlers behind it.
//
// Bolt runs every incoming request through the middleware chain of every registered listener, copying the listener
// arguments at each step, so its cost grows with the number of listeners (it was a tenth of a vote's CPU with eleven
// of them). The modules therefore register on a small router, and Bolt sees one listener per kind, which picks the
// module handlers by the same constraints Bolt would match (action_id, callback_id, event type).
import type { App } from '@slack/bolt';

/** The part of Bolt's App the listener modules register on. */
export type Listeners = Pick<App, 'use' | 'action' | 'view' | 'event' | 'command'>;

type Constraint = string | RegExp;
type Handler = (args: unknown) => Promise<void> | void;

function matches(constraint: Constraint, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  return typeof constraint === 'string' ? constraint === value : constraint.test(value);
}

function isConstraint(x: unknown): x is Constraint {
  return typeof x === 'string' || x instanceof RegExp;
}

/** Runs every handler whose constraint matches, like Bolt does for its own listeners. */
async function dispatch(routes: ReadonlyArray<readonly [Constraint, Handler]>, value: unknown, args: unknown): Promise<void> {
  const hits = routes.filter(([c]) => matches(c, value));
  if (hits.length === 1) return hits[0]![1](args);
  await Promise.all(hits.map(async ([, handler]) => handler(args)));
}

/** Collects the modules' listeners and registers one Bolt listener per kind that dispatches to them. */
export function router(app: App): Listeners {
  const actions: [Constraint, Handler][] = [];
  const views: [Constraint, Handler][] = [];
  const events: [Constraint, Handler][] = [];
  const add = (into: [Constraint, Handler][], kind: string) => (constraint: unknown, ...handlers: unknown[]) => {
    // The modules register plain handlers on action ids, callback ids and event types; anything else is a bug here.
    if (!isConstraint(constraint) || handlers.length !== 1 || typeof handlers[0] !== 'function') {
      throw new Error(`Slack ${kind} listeners take one action id, callback id or event type and one handler`);
    }
    into.push([constraint, handlers[0] as Handler]);
  };
  app.action(/^/, (args) => dispatch(actions, (args.action as { action_id?: unknown }).action_id, args));
  app.view(/^/, (args) => dispatch(views, args.view.callback_id, args));
  app.event(/^/, (args) => dispatch(events, args.event.type, args));
  return {
    use: app.use.bind(app),
    command: app.command.bind(app),
    action: add(actions, 'action'),
    view: add(views, 'view'),
    event: add(events, 'event'),
  };
}
