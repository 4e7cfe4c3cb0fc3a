// Small formatting helpers shared by the chart and the report formats.
import { DateTime } from 'luxon';
import type { Locale } from '../content/schema.js';
import { formatDateWithYear } from '../core/calendar.js';

/** "januari 2026" / "January 2026", in the round's timezone. */
export function monthYear(iso: string, zone: string, locale: Locale): string {
  return DateTime.fromISO(iso, { setZone: true })
    .setZone(zone)
    .setLocale(locale === 'sv' ? 'sv-SE' : 'en-GB')
    .toLocaleString({ month: 'long', year: 'numeric' });
}

/** "måndag 23 februari 2026" / "Monday 23 February 2026", in the round's timezone: the bot's one date style. */
export function longDate(iso: string, zone: string, locale: Locale): string {
  return formatDateWithYear(iso, zone, locale);
}

export function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** A file-name-safe ASCII slug: "Kulturell mångfald" → "kulturell-mangfald". */
export function slug(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return s || 'report';
}
