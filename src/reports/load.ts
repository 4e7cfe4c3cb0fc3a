// Reads a round and the round it is compared with (its baseline, else the previous round) for a report.
import type { Round } from '../core/model.js';
import type { FactorAnswers, RoundState } from '../core/read-model.js';
import type { SnapshotOptions } from '../core/ports.js';
import type { ChannelPlan } from '../core/plan-model.js';

export interface ReportStates {
  state: RoundState;
  baseline: RoundState | null;
  /** The round's channel's action plan (reports show it in full), when a plan reader was given. */
  plan?: ChannelPlan | null;
}

/** Where a report finds the channel's living action plan. */
export interface PlanReader {
  channelPlan(tenant: string, channelId: string): Promise<ChannelPlan | null>;
}

/** The part of the core's read model a report reads from. */
export interface ReportReader {
  /** The round's tallies and what `opts` asks for, in one read (the chart needs the tallies only). */
  state(tenant: string, roundId: string, opts?: SnapshotOptions): Promise<RoundState>;
  /**
   * The whole round, votes and answers read in pages (see ReadModel.reportState); with `answers: false` the answers
   * are left for factorAnswers.
   */
  reportState(tenant: string, roundId: string, opts?: { answers?: boolean }): Promise<RoundState>;
  /** Reads the round's answers a factor at a time, by name (see ReadModel.factorAnswers). */
  factorAnswers(tenant: string, roundId: string): Promise<FactorAnswers>;
  /** The comparison round's tallies only (see ReadModel.comparisonState). */
  comparisonState(round: Round): Promise<RoundState | null>;
}

/** Throws ROUND_NOT_FOUND for an unknown round; a missing comparison round just means no comparison. */
export async function loadReportStates(read: ReportReader, tenant: string, roundId: string, plans?: PlanReader): Promise<ReportStates> {
  const state = await read.reportState(tenant, roundId);
  const [baseline, plan] = await Promise.all([read.comparisonState(state.round), plans ? plans.channelPlan(tenant, state.round.channel.id) : null]);
  return { state, baseline, plan };
}

/** What the chart needs: both rounds' tallies, neither's votes nor answers. */
export async function loadChartStates(read: ReportReader, tenant: string, roundId: string): Promise<ReportStates> {
  const state = await read.state(tenant, roundId, { answers: false, votes: false });
  return { state, baseline: await read.comparisonState(state.round) };
}
