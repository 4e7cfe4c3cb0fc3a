// The simulated team of the local playground: a coordinator, members and a manager.
import type { Locale } from '../../content/schema.js';

export interface PlaygroundPerson {
  id: string;
  name: string;
  role: 'coordinator' | 'member' | 'manager';
}

export const PLAYGROUND_TENANT = 'playground';
export const PLAYGROUND_CHANNEL = { id: 'C-PLAYGROUND', name: 'mangfald-utvardering' };

export const PEOPLE: PlaygroundPerson[] = [
  { id: 'u-cora', name: 'Cora', role: 'coordinator' },
  { id: 'u-anna', name: 'Anna', role: 'member' },
  { id: 'u-bo', name: 'Bo', role: 'member' },
  { id: 'u-cecilia', name: 'Cecilia', role: 'member' },
  { id: 'u-maja', name: 'Maja', role: 'manager' },
];

export function personName(id: string): string {
  return PEOPLE.find((p) => p.id === id)?.name ?? id;
}

export const PLAYGROUND_LOCALE: Locale = 'sv';
