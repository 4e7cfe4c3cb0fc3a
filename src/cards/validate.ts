// Checks card JSON the way its hosts do: the adaptivecards renderer's parse warnings, Teams' own rules, and message size as Teams counts it.
import { createRequire } from 'node:module';
import { CARD_VERBS, type AdaptiveCard } from './types.js';

/**
 * Teams refuses a message (the whole activity JSON, not only the card) above 100 KB counted in UTF-16, with
 * `413 MessageSizeTooBig`; retrying cannot help.
 */
export const TEAMS_MESSAGE_LIMIT = 100 * 1024;
/** Microsoft advises staying under 80 KB; every card we budget (digests, reports) aims here. */
export const TEAMS_MESSAGE_ADVICE = 80 * 1024;
/**
 * What the connector adds around a card we send (from, recipient, conversation, service URL, reply id, locale,
 * channel data), measured generously so a card that fits the budget also fits once it is an activity.
 */
export const ACTIVITY_ENVELOPE_ALLOWANCE = 4 * 1024;

/** Teams refreshes a card automatically for at most 60 listed users. */
export const MAX_REFRESH_USERS = 60;

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** The people picker's data sources Teams documents for Adaptive Cards 1.5 (`choices.data` of an Input.ChoiceSet). */
export const PEOPLE_PICKER_DATASETS: readonly string[] = ['graph.microsoft.com/users', 'graph.microsoft.com/users?scope=currentContext'];

/** The size Teams gives a message: its JSON in UTF-16, two bytes per code unit (a JS string's length counts code units). */
export function teamsMessageSize(activity: unknown): number {
  return 2 * JSON.stringify(activity).length;
}

/** The size of the message that carries this card, with room for the envelope the connector adds. */
export function cardMessageSize(card: AdaptiveCard | Record<string, unknown>): number {
  return teamsMessageSize({ type: 'message', attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card }] }) + ACTIVITY_ENVELOPE_ALLOWANCE;
}

interface AcEvent {
  message: string;
}
interface AcModule {
  AdaptiveCard: new () => { parse(json: unknown, ctx: unknown): void; validateProperties(): { validationEvents: AcEvent[] } };
  SerializationContext: new (version: unknown) => { eventCount: number; getEventAt(i: number): AcEvent };
  Versions: Record<string, unknown>;
}

// The package's lib/ build uses extensionless ESM imports that Node can't resolve; its UMD bundle loads fine without a DOM.
let ac: AcModule | undefined;
function adaptiveCards(): AcModule {
  ac ??= createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AcModule;
  return ac;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The card without what only Teams knows (the top-level `msteams` and the people picker's `choices.data`), for the
 * official Adaptive Cards 1.5 schema and for renderers that predate them; `teamsCardProblems` checks those parts.
 */
export function withoutTeamsExtensions<T extends AdaptiveCard | Json>(card: T, opts: { pickerChoice?: boolean } = {}): T {
  const visit = (node: unknown, top: boolean): unknown => {
    if (Array.isArray(node)) return node.map((n) => visit(n, false));
    if (!isObject(node)) return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
      if (top && k === 'msteams') continue;
      if (k === 'choices.data' && node.type === 'Input.ChoiceSet') continue;
      out[k] = visit(v, false);
    }
    // A people picker's choices come from the directory; a renderer without it wants at least one to stand in.
    if (opts.pickerChoice && node.type === 'Input.ChoiceSet' && 'choices.data' in node && Array.isArray(out.choices) && out.choices.length === 0) {
      out.choices = [{ title: 'directory', value: 'directory' }];
    }
    return out;
  };
  return visit(card, true) as T;
}

/** Teams' own rules for what the Adaptive Card schema leaves open: verbs, refresh users, msteams, the people picker. */
export function teamsCardProblems(card: AdaptiveCard | Json): string[] {
  const problems: string[] = [];
  const msteams = card.msteams;
  if (msteams !== undefined) {
    if (!isObject(msteams)) problems.push('msteams must be an object');
    else {
      for (const key of Object.keys(msteams)) if (key !== 'width' && key !== 'entities') problems.push(`msteams.${key} is not a Teams card property`);
      if (msteams.width !== undefined && msteams.width !== 'Full') problems.push('msteams.width can only be "Full"');
    }
  }
  const refresh = card.refresh;
  if (isObject(refresh) && Array.isArray(refresh.userIds) && refresh.userIds.length > MAX_REFRESH_USERS) {
    problems.push(`refresh.userIds lists ${refresh.userIds.length} users; Teams refreshes for at most ${MAX_REFRESH_USERS}`);
  }
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${path}[${i}]`));
    if (!isObject(node)) return;
    if (node.type === 'Action.Execute') {
      const verb = node.verb;
      if (typeof verb !== 'string' || verb.length === 0) problems.push(`${path}: Action.Execute without a verb`);
      else if (!(CARD_VERBS as readonly string[]).includes(verb)) problems.push(`${path}: verb "${verb}" is not one the bot handles`);
    }
    if ('choices.data' in node) {
      const data = node['choices.data'];
      if (node.type !== 'Input.ChoiceSet') problems.push(`${path}: choices.data only belongs on an Input.ChoiceSet`);
      else if (!isObject(data) || data.type !== 'Data.Query' || typeof data.dataset !== 'string' || !PEOPLE_PICKER_DATASETS.includes(data.dataset)) {
        problems.push(`${path}: choices.data must be a Data.Query of ${PEOPLE_PICKER_DATASETS.join(' or ')}`);
      }
    }
    for (const [k, v] of Object.entries(node)) visit(v, `${path}.${k}`);
  };
  visit(card, '$');
  return problems;
}

/**
 * Parses the card as a 1.5 host would (any warning: unknown element, duplicate id, missing url…), applies Teams' rules,
 * and measures the message that will carry it.
 */
export function validateAdaptiveCard(card: AdaptiveCard | Json): { warnings: string[]; size: number } {
  const AC = adaptiveCards();
  const parsed = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext(AC.Versions.v1_5);
  parsed.parse(withoutTeamsExtensions(card, { pickerChoice: true }), ctx);
  const warnings: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) warnings.push(ctx.getEventAt(i).message);
  for (const e of parsed.validateProperties().validationEvents) warnings.push(e.message);
  warnings.push(...teamsCardProblems(card));
  const size = cardMessageSize(card);
  if (size > TEAMS_MESSAGE_LIMIT) warnings.push(`the message carrying this card is ${size} bytes in UTF-16, over Teams' limit of ${TEAMS_MESSAGE_LIMIT}`);
  return { warnings, size };
}
