// Between Teams' people picker (directory ids) and the channel's members (the conversation ids the bot reaches people by).
import type { TeamsChannelAccount } from 'botbuilder';
import type { FormPerson, PeopleSource } from '../../cards/start-form.js';
import { notInChannelError } from '../../cards/start-form.js';
import { AppError } from '../../core/errors.js';
import { t } from '../../core/i18n.js';
import type { RoundSettings, RoundSettingsInput } from '../../core/settings.js';

/**
 * People filled into one field of the form at most. The picker names each of them in the card, so this keeps the
 * form's size bounded whatever the size of the team.
 */
export const MAX_PREFILLED_PER_FIELD = 25;

export interface StartFormPeople {
  /** The defaults with participants, managers and reviewers as directory ids (what the picker shows and submits). */
  defaults: RoundSettings;
  people: PeopleSource;
  everyone: boolean;
}

/**
 * The start form's people for Teams. When the proposed participants are the whole channel (a new round), "everyone"
 * is on and nobody is listed. A restart's own choice of people is filled in as long as it stays small; a larger one
 * becomes "everyone", the product's default.
 */
export function startFormPeople(defaults: RoundSettings, members: TeamsChannelAccount[]): StartFormPeople {
  const byId = new Map(members.map((m) => [m.id, m]));
  const known = new Map<string, FormPerson>();
  const toDirectory = (ids: string[]): string[] => {
    const out: string[] = [];
    for (const id of ids) {
      const m = byId.get(id);
      if (!m?.aadObjectId) continue;
      known.set(m.aadObjectId, { id: m.aadObjectId, ...(m.name ? { name: m.name } : {}) });
      out.push(m.aadObjectId);
    }
    return out;
  };
  const proposed = new Set(defaults.participants);
  let everyone = members.length === 0 || members.every((m) => proposed.has(m.id));
  let participants: string[] = [];
  if (!everyone) {
    participants = toDirectory(defaults.participants);
    if (participants.length > MAX_PREFILLED_PER_FIELD || participants.length === 0) everyone = true;
  }
  if (everyone) {
    participants = [];
    known.clear();
  }
  const managers = toDirectory(defaults.managers.slice(0, MAX_PREFILLED_PER_FIELD));
  const reviewers = toDirectory((defaults.reviewers ?? []).slice(0, MAX_PREFILLED_PER_FIELD));
  return {
    defaults: { ...defaults, participants, managers, reviewers },
    people: { kind: 'directory', known: [...known.values()] },
    everyone,
  };
}

/**
 * Ids from the form as the channel's member ids. The picker submits directory (AAD object) ids; a typed form or an
 * older card may carry member ids already. Anything else names someone who is not in the channel.
 */
export function toMemberIds(ids: string[], members: TeamsChannelAccount[]): { ids: string[]; missing: number } {
  const byDirectoryId = new Map(members.filter((m) => m.aadObjectId).map((m) => [m.aadObjectId!.toLowerCase(), m.id]));
  const memberIds = new Set(members.map((m) => m.id));
  const out: string[] = [];
  let missing = 0;
  for (const id of ids) {
    const mapped = memberIds.has(id) ? id : byDirectoryId.get(id.toLowerCase());
    if (mapped) out.push(mapped);
    else missing += 1;
  }
  return { ids: [...new Set(out)], missing };
}

/**
 * In Teams the form's people are directory ids from the people picker: each becomes the channel member the bot can
 * reach (the settings are rewritten in place). Someone who is not in the channel stops the start (nothing is stored)
 * with a sentence saying so. `members` is null when Teams could not list them.
 */
export function pickedAsMembers(settings: RoundSettingsInput, members: TeamsChannelAccount[] | null): TeamsChannelAccount[] {
  const locale = settings.locale;
  const fields = ['participants', 'managers', 'reviewers'] as const;
  if (!members || members.length === 0) {
    if (fields.some((f) => (settings[f] ?? []).length > 0)) throw new AppError('INVALID_INPUT', { detail: t(locale, 'teams.membersUnavailable') });
    return [];
  }
  const missing: Partial<Record<(typeof fields)[number], number>> = {};
  for (const field of fields) {
    const mapped = toMemberIds(settings[field] ?? [], members);
    if (mapped.missing > 0) missing[field] = mapped.missing;
    if (field !== 'reviewers' || settings.reviewers) settings[field] = mapped.ids;
  }
  if (Object.keys(missing).length > 0) throw notInChannelError(locale, missing);
  return members;
}
