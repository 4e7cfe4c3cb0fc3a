// The calendar day of a time in a time zone: reports of anonymous rounds give days, never times of day.
import { DateTime } from 'luxon';

/** An anonymous export's times carry the day only (in the round's timezone): a time of day can point at a person. */
export function dayOf(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { setZone: true }).setZone(zone).toISODate() ?? iso.slice(0, 10);
}
