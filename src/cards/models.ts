// One typed data model per card template in cards/*.json; every field is present (null when absent).

export interface FactorCardModel {
  roundId: string;
  factorId: string;
  header: string;
  /** The toolkit's scope sentence (its footnote 1), under the header; null when the pack has none. */
  scopeNote: string | null;
  statement: string;
  rationale: string;
  questionsTitle: string;
  questionsIntro: string;
  votePrompt: string;
  questions: { label: string; text: string; details: string }[];
  progressLine: string;
  tallyLine: string;
  dueLine: string;
  trendLine: string | null;
  myVoteLine: string | null;
  closedLine: string | null;
  notice: string | null;
  closed: boolean;
  votes: { title: string; level: string; style: 'positive' | 'default' }[];
  answer: {
    title: string;
    hint: string;
    fields: { id: string; label: string; value: string }[];
    evidenceLabel: string;
    evidenceHint: string;
    evidenceValue: string;
    save: string;
  };
  examples: { button: string; title: string; items: { title: string; summary: string }[] };
  refresh: { title: string; userIds: string[] } | null;
}

export interface DigestCardModel {
  title: string;
  subtitle: string;
  headline: string;
  chart: { url: string; alt: string } | null;
  factors: { header: string; line: string; links: string; color: 'Default' | 'Good' | 'Warning' | 'Attention' }[];
  moreFactors: string | null;
  sections: { title: string; lines: string[] }[];
  pendingLine: string | null;
  footer: string;
  reportLinks: { label: string; url: string }[];
}

export interface ReminderCardModel {
  text: string;
  factors: { title: string; url: string | null; r: string; f: string }[];
}

/** A 1:1 reminder of action-plan actions, each with a "done" button. */
export interface ActionReminderCardModel {
  text: string;
  /** Done actions keep their line (marked done) and lose the button. */
  actions: { line: string; hint: string; done: string; r: string; a: string; open: boolean }[];
  /** How many more actions there are than the card has room for, and where to see them; null when all are shown. */
  more: string | null;
}

export interface WelcomeCardModel {
  title: string;
  lines: string[];
}

export interface TextCardModel {
  text: string;
}

export interface StartFormModel {
  labels: Record<
    | 'heading' | 'intro' | 'title' | 'toolkit' | 'locale' | 'mode' | 'participants' | 'participantsHint' | 'managers' | 'idsHint'
    | 'pacing' | 'staggerEveryDays' | 'startDate' | 'closeDate' | 'timezone' | 'reminderDaysBefore' | 'reminderTime'
    | 'digestWeekday' | 'digestTime' | 'anonymous' | 'baseline' | 'submit' | 'required' | 'range1to30' | 'range0to30'
    | 'reviewers' | 'reviewersHint' | 'reviewerIdsHint' | 'minResponses' | 'minResponsesHint' | 'range3to50'
    | 'minAnswers' | 'minAnswersHint' | 'range3to100' | 'everyone' | 'country' | 'countryHint' | 'modeHint',
    string
  >;
  values: {
    title: string;
    packId: string;
    locale: string;
    mode: string;
    /** "true" when everyone in the channel takes part: then no participant is listed on the form. */
    everyone: string;
    /** Comma-separated ids for a multi-select, newline-separated for a text box. */
    participants: string;
    managers: string;
    /** Peer reviewers, in the same format as participants. */
    reviewers: string;
    pacing: string;
    staggerEveryDays: number;
    startDate: string;
    closeDate: string;
    timezone: string;
    /** Whose public holidays the calendar skips (ISO code). */
    country: string;
    reminderDaysBefore: number;
    reminderTime: string;
    digestWeekday: string;
    digestTime: string;
    anonymous: string;
    isBaseline: string;
    minResponses: number;
    minAnswers: number;
    channelId: string;
    channelName: string;
  };
  packs: { id: string; title: string }[];
  locales: { id: string; title: string }[];
  modes: { id: string; title: string }[];
  pacings: { id: string; title: string }[];
  countries: { id: string; title: string }[];
  /** The toolkit's questions for choosing a way of working, one line each; empty when the pack has none. */
  modeHints: { text: string }[];
  weekdays: { id: string; title: string }[];
  /**
   * Where people are picked from: Teams' people picker (`directory`: the organisation's directory, so the form does not
   * grow with the team; `choices` only names the people already filled in), a fixed list (the playground), or ids
   * typed into text boxes (the Emulator).
   */
  people: { source: 'directory' | 'list' | 'typed'; dataset: string; choices: { id: string; title: string }[] };
}

/** The peer review's follow-up report: both verdicts per factor in a table, then the panel's findings and recommendations. */
export interface FollowUpCardModel {
  title: string;
  intro: string;
  columns: { factor: string; self: string; peer: string };
  /** `warning` where the team and the panel differ. */
  rows: { header: string; self: string; peer: string; style: 'default' | 'warning' }[];
  details: { header: string; peerLine: string | null; sections: { title: string; lines: string[] }[] }[];
  notesTitle: string;
  notes: string[];
  /** What the card leaves out, pointing at the full report; null when it shows everything. */
  more: string | null;
  links: { label: string; url: string }[];
}
