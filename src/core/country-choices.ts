// The countries the start forms offer for a round's public holidays, named in the form's language.
import type { Locale } from '../content/schema.js';
import { DEFAULT_COUNTRY, FORM_COUNTRIES, isKnownCountry } from './holidays.js';

const names = { sv: new Intl.DisplayNames(['sv-SE'], { type: 'region' }), en: new Intl.DisplayNames(['en-GB'], { type: 'region' }) };

/**
 * The Nordic and a few other European countries, Sweden first, named by the platform's own region names ("Sverige",
 * "Sweden"). A round's country outside that list (set by `start again` from an older round) is offered too.
 */
export function countryChoices(locale: Locale, current: string = DEFAULT_COUNTRY): { id: string; title: string }[] {
  const ids: string[] = [...FORM_COUNTRIES];
  if (!ids.includes(current) && isKnownCountry(current)) ids.push(current);
  return ids.map((id) => ({ id, title: names[locale].of(id) ?? id }));
}
