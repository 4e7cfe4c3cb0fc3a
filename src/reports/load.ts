// Reads a round and the round it is compared with (its baseline, else the previous round) for digests and reports.
import type { Round } from '../core/model.js';
import type { AssessmentService, RoundState } from '../core/service.js';

export interface ReportStates {
  state: RoundState;
  baseline: RoundState | null;
}

/**
 * The comparison round's tallies only: its settings and vote counts, one small read per factor, never its
 * per-member votes or answers. Comparisons need nothing more, and this stays cheap however many took part.
 */
export async function loadComparisonState(service: AssessmentService, round: Round): Promise<RoundState | null> {
  const compareId = round.baselineRoundId ?? round.previousRoundId;
  if (!compareId || compareId === round.id) return null;
  const before = await service.store.getRound(round.tenant, compareId);
  if (!before) return null;
  const counts = await Promise.all(before.factorIds.map((f) => service.store.getCounts(round.tenant, compareId, f)));
  return service.stateFromSnapshot({
    round: before,
    counts: Object.fromEntries(before.factorIds.map((f, i) => [f, counts[i]!])),
    votes: {},
    answers: {},
  });
}

/** Throws ROUND_NOT_FOUND for an unknown round; a missing comparison round just means no comparison. */
export async function loadReportStates(service: AssessmentService, tenant: string, roundId: string): Promise<ReportStates> {
  const state = await service.state(tenant, roundId);
  return { state, baseline: await loadComparisonState(service, state.round) };
}
