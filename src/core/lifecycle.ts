// Round lifecycle: draft → open → closed → archived, and who may do what in each state.
import { AppError, PermissionError } from './errors.js';
import type { Round, RoundStatus } from './model.js';
import { displayName } from './own.js';

const ALLOWED: Record<RoundStatus, RoundStatus[]> = {
  draft: ['open'],
  open: ['closed'],
  closed: ['archived'],
  archived: [],
};

export function canTransition(from: RoundStatus, to: RoundStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function assertTransition(round: Round, to: RoundStatus): void {
  if (!canTransition(round.status, to)) {
    throw new AppError('ILLEGAL_TRANSITION', { from: round.status, to });
  }
}

/** A round in this state accepts votes and answers. */
export function isWritable(round: Round): boolean {
  return round.status === 'open';
}

export function assertWritable(round: Round): void {
  if (round.status === 'draft') throw new AppError('ROUND_NOT_OPEN');
  if (round.status !== 'open') throw new AppError('ROUND_CLOSED');
}

function coordinatorName(round: Round): string {
  return displayName(round, round.coordinators[0] ?? '');
}

export function isCoordinator(round: Round, memberId: string): boolean {
  return round.coordinators.includes(memberId);
}

export function isParticipant(round: Round, memberId: string): boolean {
  return round.participants.includes(memberId);
}

/** Invited reviewers and the expert lead who leads them. */
export function isReviewer(round: Round, memberId: string): boolean {
  return round.reviewers.includes(memberId) || round.reviewLead === memberId;
}

/** Only coordinators start, configure or close a round. */
export function assertCoordinator(round: Round, memberId: string): void {
  if (!isCoordinator(round, memberId)) {
    throw new PermissionError('NOT_COORDINATOR', { coordinator: coordinatorName(round) });
  }
}

/** Only participants vote or answer (reviewers too, in a peer review). */
export function assertCanRespond(round: Round, memberId: string): void {
  if (isParticipant(round, memberId)) return;
  if (round.mode === 'peer-review' && isReviewer(round, memberId)) return;
  throw new PermissionError('NOT_PARTICIPANT', { coordinator: coordinatorName(round) });
}

/**
 * Who may ask for a round's report link with `export`. A named round's report lists each person's votes and answers:
 * only its coordinators and managers, the people the round already sends it to at its close. An anonymous round's report
 * names no one: anyone who may see the round.
 */
export function assertMayExport(round: Round, memberId: string): void {
  if (round.anonymous || isCoordinator(round, memberId) || round.managers.includes(memberId)) return;
  throw new PermissionError('EXPORT_NAMED_ROUND', { coordinator: coordinatorName(round) });
}
