// Renders the App Home tab: the person's open rounds in this workspace and what is still waiting for them.
import type { Locale } from '../../../content/schema.js';
import { t, tn } from '../../../core/i18n.js';
import { fitSurface, type SurfacePayload } from '../limits.js';
import { channelRef, esc } from '../mrkdwn.js';
import { context, divider, header, section, sectionsFromLines, type Block } from './blocks.js';

export interface HomeFactorItem {
  header: string;
  due: string;
  missingVote: boolean;
  missingAnswer: boolean;
}

export interface HomeRound {
  title: string;
  channelId: string;
  closes: string;
  /** Factors open now, and how many of them this person voted on / answered. */
  openCount: number;
  voted: number;
  answered: number;
  /** Factors that open later (staggered calendars). */
  laterCount: number;
  items: HomeFactorItem[];
  /** False for managers and coordinators who do not vote themselves. */
  participates: boolean;
}

/** Rounds shown in full; more are counted in one line (a home tab holds at most 100 blocks). */
export const HOME_MAX_ROUNDS = 10;

export function renderHome(locale: Locale, rounds: HomeRound[]): SurfacePayload {
  const blocks: Block[] = [header(t(locale, 'slack.home.title'))];
  if (rounds.length === 0) blocks.push(section(esc(t(locale, 'slack.home.empty'))));
  for (const r of rounds.slice(0, HOME_MAX_ROUNDS)) {
    blocks.push(divider());
    blocks.push(section(t(locale, 'slack.home.round', { title: `*${esc(r.title)}*`, channel: channelRef(r.channelId), closes: esc(r.closes) })));
    if (r.participates) {
      blocks.push(context(esc(t(locale, 'slack.home.progress', { voted: r.voted, answered: r.answered, open: r.openCount }))));
      if (r.items.length === 0) blocks.push(section(esc(t(locale, 'slack.home.allDone'))));
      else {
        const lines = r.items.map((i) => {
          const missing = [i.missingVote ? t(locale, 'slack.home.missingVote') : null, i.missingAnswer ? t(locale, 'slack.home.missingAnswer') : null]
            .filter((x): x is string => x !== null)
            .join(', ');
          return `• ${esc(t(locale, 'slack.home.item', { factor: i.header, due: i.due, missing }))}`;
        });
        blocks.push(...sectionsFromLines(lines));
      }
    }
    if (r.laterCount > 0) blocks.push(context(esc(tn(locale, 'slack.home.later', r.laterCount))));
  }
  if (rounds.length > HOME_MAX_ROUNDS) blocks.push(context(esc(t(locale, 'slack.home.moreRounds', { count: rounds.length - HOME_MAX_ROUNDS }))));
  return fitSurface('home', { type: 'home', blocks });
}
