// Plural agreement in every text the bot says: each string rendered with counts 0, 1 and 2 never reads "1 omgångar",
// "2 omgång", "1 rounds" or "2 round"; a number before a countable noun needs a plural group (<key>.one/.other).
import { describe, expect, it } from 'vitest';
import type { Locale } from '../../src/content/schema.js';
import { everyWorkingDays } from '../../src/core/calendar.js';
import { AppError } from '../../src/core/errors.js';
import { allKeys, ordinal, t } from '../../src/core/i18n.js';

/** Countable nouns as they follow a number, singular and plural. Nouns with one form for both (svar, granskare) are left out. */
const NOUNS: Record<Locale, { singular: string[]; plural: string[] }> = {
  sv: {
    singular: ['omgång', 'person', 'faktor', 'nyckelfaktor', 'påstående', 'åtgärd', 'anteckning', 'bevislänk', 'länk', 'röst', 'post', 'klar', 'snabb vinst', 'långsiktig', 'dag', 'arbetsdag', 'vecka', 'medlem', 'rekommendation', 'iakttagelse', 'påminnelse', 'miljöfaktor'],
    plural: ['omgångar', 'personer', 'faktorer', 'nyckelfaktorer', 'påståenden', 'åtgärder', 'anteckningar', 'bevislänkar', 'länkar', 'röster', 'poster', 'klara', 'snabba vinster', 'långsiktiga', 'dagar', 'arbetsdagar', 'veckor', 'medlemmar', 'rekommendationer', 'iakttagelser', 'påminnelser', 'miljöfaktorer'],
  },
  en: {
    singular: ['round', 'person', 'factor', 'key factor', 'statement', 'action', 'note', 'evidence link', 'link', 'vote', 'record', 'quick win', 'day', 'working day', 'week', 'member', 'reviewer', 'reminder', 'answer', 'card', 'factor card', 'recommendation', 'finding', 'context factor'],
    plural: ['rounds', 'people', 'persons', 'factors', 'key factors', 'statements', 'actions', 'notes', 'evidence links', 'links', 'votes', 'records', 'quick wins', 'days', 'working days', 'weeks', 'members', 'reviewers', 'reminders', 'answers', 'cards', 'factor cards', 'recommendations', 'findings', 'context factors'],
  },
};

/** Limits and lengths that are configuration, never 0, 1 or 2 (a cap of 10 links, 3,000 characters). */
const NOT_COUNTS = new Set(['max', 'length']);
/** Placeholders that are words, never numbers: the command as each platform writes it, an ordinal. */
const WORDS: Record<string, string> = { cmd: '/assess', nth: '3:e' };

const PLURAL_FORM = /\.(one|two|few|other)$/;

/** Every key, with plural groups (x.one, x.other) collapsed to the group's own key. */
function renderableKeys(locale: Locale): string[] {
  return [...new Set(allKeys(locale).map((k) => k.replace(PLURAL_FORM, '')))];
}

function placeholders(locale: Locale, key: string): string[] {
  const forms = allKeys(locale).filter((k) => k === key || (k.startsWith(`${key}.`) && PLURAL_FORM.test(k.slice(key.length))));
  return [...new Set(forms.flatMap((k) => [...t(locale, k).matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)))];
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe.each<Locale>(['sv', 'en'])('plural agreement (%s)', (locale) => {
  const { singular, plural } = NOUNS[locale];
  // A noun that is the first word of a longer one ("factor cards") is not the noun itself.
  const one = new RegExp(`(^|[^\\d,.])1 (${plural.map(escape).join('|')})(?![\\p{L}]|\\s+cards?\\b)`, 'iu');
  const many = new RegExp(`(^|[^\\d,.])[02] (${singular.map(escape).join('|')})(?![\\p{L}]|\\s+cards?\\b)`, 'iu');

  it('no string reads "1 <plural>" or "0/2 <singular>" with counts 0, 1 and 2', () => {
    const problems: string[] = [];
    let rendered = 0;
    for (const key of renderableKeys(locale)) {
      const names = placeholders(locale, key);
      if (!names.some((n) => !NOT_COUNTS.has(n) && !(n in WORDS))) continue;
      for (const n of [0, 1, 2]) {
        // Every placeholder gets the count: a name or date standing where a number could is harmless to the check.
        const params = Object.fromEntries(names.map((name) => [name, WORDS[name] ?? (NOT_COUNTS.has(name) ? 10 : n)]));
        const text = t(locale, key, { ...params, count: n });
        rendered += 1;
        if ((n === 1 && one.test(text)) || (n !== 1 && many.test(text))) problems.push(`${key} (${n}): ${text}`);
      }
    }
    expect(rendered).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  });

  it('the check itself catches the mistakes it is for', () => {
    expect(one.test(locale === 'sv' ? 'Utvecklingen över 1 omgångar' : 'Progress over 1 rounds')).toBe(true);
    expect(many.test(locale === 'sv' ? '2 omgång' : '2 round')).toBe(true);
    expect(one.test(locale === 'sv' ? 'Utvecklingen över 1 omgång' : 'Progress over 1 round')).toBe(false);
    expect(one.test(locale === 'sv' ? '21 omgångar' : '21 rounds')).toBe(false);
  });

  it('the texts the issue named now agree in number', () => {
    const sv = locale === 'sv';
    expect(t(locale, 'modes.history.title', { count: 1 })).toBe(sv ? 'Utvecklingen över 1 omgång (poäng 0–100):' : 'Progress over 1 round (score 0–100):');
    expect(t(locale, 'modes.history.title', { count: 3 })).toBe(sv ? 'Utvecklingen över 3 omgångar (poäng 0–100):' : 'Progress over 3 rounds (score 0–100):');
    expect(t(locale, 'modes.plan.done', { count: 1 })).toBe(sv ? '1 klar' : '1 done');
    expect(t(locale, 'modes.plan.done', { count: 2 })).toBe(sv ? '2 klara' : '2 done');
    expect(t(locale, 'commands.reminded', { count: 1 })).toBe(sv ? 'Påminnelse skickad till 1 person.' : 'Reminder sent to 1 person.');
  });

  it('ordinals and "every n working days" read naturally', () => {
    const sv = locale === 'sv';
    expect([1, 2, 3, 11, 21, 22].map((n) => ordinal(locale, n))).toEqual(sv ? ['1:a', '2:a', '3:e', '11:e', '21:a', '22:a'] : ['1st', '2nd', '3rd', '11th', '21st', '22nd']);
    expect([1, 2, 3].map((n) => everyWorkingDays(locale, n))).toEqual(
      sv ? ['varje arbetsdag', 'varannan arbetsdag', 'var 3:e arbetsdag'] : ['every working day', 'every other working day', 'every 3rd working day'],
    );
  });
});

describe.each<Locale>(['sv', 'en'])('errors speak of what was typed, not of a form (%s)', (locale) => {
  it('no error message a typed command can get mentions a form', () => {
    const errors = allKeys(locale).filter((k) => k.startsWith('errors.'));
    expect(errors.length).toBeGreaterThan(20);
    for (const key of errors) expect(t(locale, key), key).not.toMatch(/formulär|\bform\b/i);
  });

  it('a bad id after `privacy export` reads as a plain correction', () => {
    const message = new AppError('INVALID_INPUT', { detail: t(locale, 'modes.privacy.badUser') }).userMessage(locale);
    expect(message).toBe(locale === 'sv' ? 'Det där stämmer inte riktigt: skriv personens id, till exempel U0123ABC' : "That isn't quite right: write the person's id, for example U0123ABC");
  });
});
