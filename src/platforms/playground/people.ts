// The simulated team of the local playground: a coordinator, members and a manager.
import type { Locale } from '../../content/schema.js';

export interface PlaygroundPerson {
  id: string;
  name: string;
  /** Reviewers are peers from other cities, invited to a peer review; they are not channel members of the team. */
  role: 'coordinator' | 'member' | 'manager' | 'reviewer';
}

export const PLAYGROUND_TENANT = 'playground';
export const PLAYGROUND_CHANNEL = { id: 'C-PLAYGROUND', name: 'mangfald-utvardering' };

export const PEOPLE: PlaygroundPerson[] = [
  { id: 'u-cora', name: 'Cora', role: 'coordinator' },
  { id: 'u-anna', name: 'Anna', role: 'member' },
  { id: 'u-bo', name: 'Bo', role: 'member' },
  { id: 'u-cecilia', name: 'Cecilia', role: 'member' },
  { id: 'u-maja', name: 'Maja', role: 'manager' },
  { id: 'u-pia', name: 'Pia', role: 'reviewer' },
  { id: 'u-erik', name: 'Erik', role: 'reviewer' },
];

/** The team: who `/assess start` proposes as participants (not managers, not visiting reviewers). */
export function teamIds(): string[] {
  return PEOPLE.filter((p) => p.role === 'coordinator' || p.role === 'member').map((p) => p.id);
}

export function personName(id: string): string {
  return PEOPLE.find((p) => p.id === id)?.name ?? id;
}

export const PLAYGROUND_LOCALE: Locale = 'sv';
