// Reads a round and the round it is compared with (its baseline, else the previous round) for a report.
import type { Round } from '../core/model.js';
import type { RoundState } from '../core/read-model.js';
import type { ChannelPlan } from '../core/plan-model.js';

export interface ReportStates {
  state: RoundState;
  baseline: RoundState | null;
  /** The round's channel's action plan (reports show it in full). */
  plan: ChannelPlan | null;
}

/** The part of the core's read model a report reads from. */
export interface ReportReader {
  state(tenant: string, roundId: string): Promise<RoundState>;
  /** The comparison round's tallies only (see ReadModel.comparisonState). */
  comparisonState(round: Round): Promise<RoundState | null>;
  /** The channel's action plan; a reader without plans leaves it out. */
  channelPlan?(tenant: string, channelId: string): Promise<ChannelPlan | null>;
}

/** Throws ROUND_NOT_FOUND for an unknown round; a missing comparison round just means no comparison. */
export async function loadReportStates(read: ReportReader, tenant: string, roundId: string): Promise<ReportStates> {
  const state = await read.state(tenant, roundId);
  const [baseline, plan] = await Promise.all([read.comparisonState(state.round), read.channelPlan ? read.channelPlan(tenant, state.round.channel.id) : null]);
  return { state, baseline, plan };
}
