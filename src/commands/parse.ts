// Reads what a person typed after /assess (or @Assess assess) into a subcommand and its arguments.

export const SUBCOMMANDS = ['start', 'status', 'remind', 'close', 'digest', 'export', 'context', 'help'] as const;
/**
 * The toolkit's ways of working and privacy requests. Kept apart from SUBCOMMANDS, which is also the Teams
 * manifest's command list (at most ten entries there).
 */
export const MODE_SUBCOMMANDS = ['baseline', 'history', 'review', 'finding', 'recommend', 'plan', 'action', 'privacy'] as const;
/** What a coordinator fixes in a running (or just closed) round: who has not answered, reopen, extend, who takes part. */
export const COORDINATOR_SUBCOMMANDS = ['pending', 'reopen', 'extend', 'participants'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number] | (typeof MODE_SUBCOMMANDS)[number] | (typeof COORDINATOR_SUBCOMMANDS)[number];
const ALL_SUBCOMMANDS: readonly string[] = [...SUBCOMMANDS, ...MODE_SUBCOMMANDS, ...COORDINATOR_SUBCOMMANDS];

/**
 * The Swedish command words, beside the English ones (both work whatever the round's language; the help lists the
 * round's). Spellings without å/ä/ö are accepted too, for keyboards without them.
 */
export const SWEDISH_WORDS: Readonly<Record<string, Subcommand>> = {
  hjälp: 'help',
  hjalp: 'help',
  starta: 'start',
  läge: 'status',
  lage: 'status',
  påminn: 'remind',
  paminn: 'remind',
  stäng: 'close',
  stang: 'close',
  sammanfattning: 'digest',
  exportera: 'export',
  miljö: 'context',
  miljo: 'context',
  väntar: 'pending',
  vantar: 'pending',
  återöppna: 'reopen',
  ateroppna: 'reopen',
  förläng: 'extend',
  forlang: 'extend',
  deltagare: 'participants',
  baslinje: 'baseline',
  historik: 'history',
  granskning: 'review',
  iakttagelse: 'finding',
  rekommendera: 'recommend',
  handlingsplan: 'plan',
  åtgärd: 'action',
  atgard: 'action',
  integritet: 'privacy',
};

/** Swedish words for a command's own arguments ("stäng bekräfta", "deltagare lägg till …"). */
const SWEDISH_ARGS: readonly [RegExp, string][] = [
  [/^(bekräfta|bekrafta)\b/i, 'confirm'],
  [/^(lägg till|lagg till|lägg|lagg)\b/i, 'add'],
  [/^(ta bort|bort)\b/i, 'remove'],
];

export interface ParsedCommand {
  name: Subcommand;
  args: string;
  /** True when the user typed something we don't know; we answer with help. */
  unknown: boolean;
}

/** Parses "start", "/assess start", "@Assess assess close", "stäng bekräfta" and the like. */
export function parseCommand(text: string): ParsedCommand {
  const cleaned = text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/^\s*\/?assess\b/i, ' ')
    .trim();
  const [first = '', ...rest] = cleaned.split(/\s+/);
  const word = first.toLowerCase();
  if (word === '') return { name: 'help', args: '', unknown: false };
  const name = ALL_SUBCOMMANDS.includes(word) ? (word as Subcommand) : Object.hasOwn(SWEDISH_WORDS, word) ? SWEDISH_WORDS[word] : undefined;
  if (name) {
    let args = rest.join(' ').trim();
    if (name === 'close' || name === 'participants') for (const [pattern, english] of SWEDISH_ARGS) args = args.replace(pattern, english);
    return { name, args, unknown: false };
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
