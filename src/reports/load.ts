// Reads a round and the round it is compared with (its baseline, else the previous round) for reports.
import type { AssessmentService, RoundState } from '../core/service.js';

export interface ReportStates {
  state: RoundState;
  baseline: RoundState | null;
}

/** Throws ROUND_NOT_FOUND for an unknown round; a missing comparison round just means no comparison. */
export async function loadReportStates(service: AssessmentService, tenant: string, roundId: string): Promise<ReportStates> {
  const state = await service.state(tenant, roundId);
  const compareId = state.round.baselineRoundId ?? state.round.previousRoundId;
  if (!compareId || compareId === roundId) return { state, baseline: null };
  const snapshot = await service.store.getSnapshot(tenant, compareId);
  return { state, baseline: snapshot ? service.stateFromSnapshot(snapshot) : null };
}
