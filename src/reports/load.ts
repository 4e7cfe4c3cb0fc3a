// Reads a round and the round it is compared with (its baseline, else the previous round) for a report.
import type { Round } from '../core/model.js';
import type { RoundState } from '../core/read-model.js';

export interface ReportStates {
  state: RoundState;
  baseline: RoundState | null;
}

/** The part of the core's read model a report reads from. */
export interface ReportReader {
  state(tenant: string, roundId: string): Promise<RoundState>;
  /** The comparison round's tallies only (see ReadModel.comparisonState). */
  comparisonState(round: Round): Promise<RoundState | null>;
}

/** Throws ROUND_NOT_FOUND for an unknown round; a missing comparison round just means no comparison. */
export async function loadReportStates(read: ReportReader, tenant: string, roundId: string): Promise<ReportStates> {
  const state = await read.state(tenant, roundId);
  return { state, baseline: await read.comparisonState(state.round) };
}
