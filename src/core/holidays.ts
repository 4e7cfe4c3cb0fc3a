// Public holidays of a round's country, from the maintained date-holidays library, and what counts as a working day.
import { createRequire } from 'node:module';
import type { DateTime } from 'luxon';

/** Rounds stored before the setting existed, and forms that leave it out, are Swedish. */
export const DEFAULT_COUNTRY = 'SE';

/** The countries the start forms offer; any other code the library knows is accepted too. */
export const FORM_COUNTRIES = ['SE', 'NO', 'DK', 'FI', 'IS', 'DE', 'NL', 'BE', 'FR', 'ES', 'IT', 'AT', 'PL', 'IE', 'GB'] as const;

/**
 * Days off: the library's "public" holidays and its "bank" holidays, which in Sweden are midsommarafton, julafton and
 * nyårsafton, days nobody in a municipal office is at work. Observances (Mother's Day, Luciadagen) and half days
 * ("optional", such as trettondagsafton) are ordinary working days.
 */
const DAY_OFF_TYPES = new Set(['public', 'bank']);

type HolidaysClass = typeof import('date-holidays').default;

let library: HolidaysClass | undefined;

/** Loaded on first use: the holiday data is large and most commands never need it. */
function Holidays(): HolidaysClass {
  if (!library) {
    const required = createRequire(import.meta.url)('date-holidays') as HolidaysClass | { default: HolidaysClass };
    library = 'default' in required ? required.default : required;
  }
  return library;
}

let known: Set<string> | undefined;

/** Whether the library knows the country (ISO 3166-1 alpha-2, upper case). */
export function isKnownCountry(code: string): boolean {
  known ??= new Set(Object.keys(new (Holidays())().getCountries()));
  return known.has(code);
}

/** The country's own name for itself ("Sverige", "Suomi"), for the start forms. */
export function countryName(code: string): string {
  return new (Holidays())().getCountries()[code] ?? code;
}

/** country → year → local dates (YYYY-MM-DD) that are days off. */
const daysOff = new Map<string, Map<number, Set<string>>>();

function daysOffIn(country: string, year: number): Set<string> {
  let years = daysOff.get(country);
  if (!years) {
    years = new Map();
    daysOff.set(country, years);
  }
  let dates = years.get(year);
  if (!dates) {
    const holidays = isKnownCountry(country) ? new (Holidays())(country).getHolidays(year) : [];
    dates = new Set(holidays.filter((h) => DAY_OFF_TYPES.has(h.type)).map((h) => h.date.slice(0, 10)));
    years.set(year, dates);
  }
  return dates;
}

/** A public holiday (or bank holiday) of the country on this local date. */
export function isHoliday(day: DateTime, country: string = DEFAULT_COUNTRY): boolean {
  return daysOffIn(country, day.year).has(day.toISODate() ?? '');
}

/** Monday to Friday and not a holiday of the country, on the local date of `day`. */
export function isWorkingDay(day: DateTime, country: string = DEFAULT_COUNTRY): boolean {
  return day.weekday <= 5 && !isHoliday(day, country);
}
