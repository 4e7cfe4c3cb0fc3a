// View models that show the toolkit's own framing where it helps: the help text, the way-of-working choice, the context factors.
import type { ContentPack, Locale, UsageModeId } from '../content/schema.js';
import { t } from './i18n.js';
import type { ContextNote } from './model.js';

/** One way of working with the toolkit's question for it ("Vill ni ha en enkel granskning …?"). */
export interface ModeHint {
  id: UsageModeId;
  /** The bot's name for the way of working, as the start form lists it. */
  title: string;
  /** The toolkit's question that points to this way of working; empty when the pack has none. */
  question: string;
}

/** The three "Vill ni ha …?" questions of the toolkit, one per way of working, in the pack's order. */
export function modeHints(pack: Pick<ContentPack, 'usageModes'>, locale: Locale): ModeHint[] {
  return pack.usageModes.map((u) => ({ id: u.id, title: t(locale, `modes.${u.id}`), question: u.question ?? '' }));
}

/** The hint under the start form's way-of-working choice: each way of working after the question it answers. */
export function modeHintLines(pack: Pick<ContentPack, 'usageModes'>, locale: Locale): string[] {
  return modeHints(pack, locale)
    .filter((m) => m.question !== '')
    .map((m) => t(locale, 'guide.modeHint', { question: m.question, mode: m.title }));
}

export interface HelpView {
  locale: Locale;
  title: string;
  /** What the toolkit is: its scope, the standard and the three parts the guidelines are made of. */
  about: string[];
  modesTitle: string;
  modes: ModeHint[];
  /** The commands (platform-neutral text with `{cmd}`). */
  commands: string;
}

/** The help a person gets with `help`: the toolkit in the toolkit's words first, then the commands. */
export function buildHelp(pack: ContentPack, locale: Locale): HelpView {
  const parts = pack.framing?.parts;
  return {
    locale,
    title: pack.title,
    about: [
      ...(pack.scopeNote ? [pack.scopeNote] : []),
      t(locale, 'guide.standard', { standard: pack.standard }),
      ...(parts ? [parts.keyFactors, parts.guidingQuestions, parts.examples] : []),
    ],
    modesTitle: t(locale, 'guide.modesTitle'),
    modes: modeHints(pack, locale),
    commands: t(locale, 'commands.help'),
  };
}

/** The help as one chat text (platform-neutral: `{cmd}` and **bold** are rendered per platform). */
export function helpText(view: HelpView): string {
  const modes = view.modes.filter((m) => m.question !== '').map((m) => `• ${t(view.locale, 'guide.modeHint', { question: m.question, mode: `**${m.title}**` })}`);
  return [`**${view.title}**`, ...view.about, '', `**${view.modesTitle}**`, ...modes, '', view.commands].join('\n');
}

export interface ContextFactorItem {
  id: string;
  name: string;
  /** What the factor can include, as the toolkit lists it. */
  examples: string[];
  /** The team's note on it, when there is one. */
  note?: string;
  /** The key factors the note ties it to ("03 · Ledning och styrning"). */
  tiedTo?: string[];
}

export interface ContextListView {
  locale: Locale;
  title: string;
  /** The toolkit's sentence introducing the context factors. */
  intro: string;
  examplesTitle: string;
  items: ContextFactorItem[];
  /** How to note one (platform-neutral text with `{cmd}`). */
  howTo: string;
}

/** `context` without arguments: every context factor with the toolkit's examples of what it includes, and the team's notes. */
export function buildContextList(pack: ContentPack, locale: Locale, notes: readonly ContextNote[] = []): ContextListView {
  // The coordinator's note and the members' own notes on the same factor, in the order they were written.
  const noted = new Map<string, string>();
  const tied = new Map<string, string[]>();
  for (const n of notes) {
    noted.set(n.contextFactorId, noted.has(n.contextFactorId) ? `${noted.get(n.contextFactorId)!} · ${n.comment}` : n.comment);
    tied.set(n.contextFactorId, [...new Set([...(tied.get(n.contextFactorId) ?? []), ...(n.factorIds ?? [])])]);
  }
  const header = (id: string) => {
    const f = pack.keyFactors.find((k) => k.id === id);
    return f ? `${String(f.number).padStart(2, '0')} · ${f.theme}` : id;
  };
  return {
    locale,
    title: t(locale, 'guide.contextTitle'),
    intro: pack.framing?.contextFactorsIntro ?? '',
    examplesTitle: pack.framing?.contextFactorsExamplesTitle ?? t(locale, 'guide.contextExamples'),
    items: pack.contextFactors.map((c) => ({
      id: c.id,
      name: c.name,
      examples: c.includes,
      ...(noted.has(c.id) ? { note: noted.get(c.id)! } : {}),
      ...((tied.get(c.id) ?? []).length > 0 ? { tiedTo: tied.get(c.id)!.map(header) } : {}),
    })),
    howTo: t(locale, 'commands.contextList'),
  };
}

/** The context list as one chat text. */
export function contextListText(view: ContextListView): string {
  const lines = [`**${view.title}**`];
  if (view.intro) lines.push(view.intro);
  lines.push('');
  for (const item of view.items) {
    lines.push(`• \`${item.id}\` **${item.name}** – ${item.examples.join('; ')}`);
    if (item.note !== undefined) lines.push(`  ${t(view.locale, 'guide.contextNoted', { note: item.note })}`);
    if (item.tiedTo) lines.push(`  ${t(view.locale, 'guide.contextTied', { factors: item.tiedTo.join(', ') })}`);
  }
  lines.push('', view.howTo);
  return lines.join('\n');
}

/**
 * `help toolkit`: the toolkit's own introduction, verbatim (the preface, the introduction and how to use it), which is
 * otherwise stored but shown nowhere.
 */
export function introText(pack: ContentPack): string {
  const f = pack.framing;
  const lines = [`**${pack.title}**`, ...(f ? [f.preface] : []), pack.introduction, ...(f?.introductionMore ?? [])];
  if (f) lines.push('', `**${f.howToUseTitle}**`, ...f.howToUse);
  return lines.join('\n');
}
