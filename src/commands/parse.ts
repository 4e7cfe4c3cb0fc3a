// Reads what a person typed after /assess (or @Assess assess) into a subcommand and its arguments.

export const SUBCOMMANDS = ['start', 'status', 'remind', 'close', 'digest', 'export', 'context', 'help'] as const;
/**
 * The toolkit's ways of working and privacy requests. Kept apart from SUBCOMMANDS, which is also the Teams
 * manifest's command list (at most ten entries there).
 */
export const MODE_SUBCOMMANDS = ['baseline', 'history', 'review', 'finding', 'recommend', 'plan', 'action', 'privacy'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number] | (typeof MODE_SUBCOMMANDS)[number];
const ALL_SUBCOMMANDS: readonly string[] = [...SUBCOMMANDS, ...MODE_SUBCOMMANDS];

export interface ParsedCommand {
  name: Subcommand;
  args: string;
  /** True when the user typed something we don't know; we answer with help. */
  unknown: boolean;
}

/** Parses "start", "/assess start", "@Assess assess close" and the like. */
export function parseCommand(text: string): ParsedCommand {
  const cleaned = text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/^\s*\/?assess\b/i, ' ')
    .trim();
  const [first = '', ...rest] = cleaned.split(/\s+/);
  const name = first.toLowerCase();
  if (name === '') return { name: 'help', args: '', unknown: false };
  if (ALL_SUBCOMMANDS.includes(name)) {
    return { name: name as Subcommand, args: rest.join(' ').trim(), unknown: false };
  }
  return { name: 'help', args: '', unknown: true };
}

/** The words of a command's arguments. */
export function words(args: string): string[] {
  return args.split(/\s+/).filter(Boolean);
}

/** "U1", "<@U1>", "<@U1|anna>" or "@U1" → "U1". */
export function mentioned(token: string): string {
  return token.trim().replace(/^<@([^>|]+)(?:\|[^>]*)?>$/, '$1').replace(/^@/, '');
}

/** Ids from a list like "U1 U2, <@U3>". */
export function ids(tokens: string[]): string[] {
  return tokens.flatMap((x) => x.split(',')).map(mentioned).filter(Boolean);
}
