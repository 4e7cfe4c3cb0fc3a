// The score chart in Slack: rendered by src/reports/chart.ts and uploaded next to the summary, with the digest's alt text.
import type { webApi } from '@slack/bolt';
import type { RoundState } from '../../core/read-model.js';

export type ChartRenderer = (state: RoundState, baseline: RoundState | null) => Promise<Buffer>;

/** The single place the chart module is reached; loaded lazily so starting the app does not pull in Vega. */
export async function loadChartRenderer(): Promise<ChartRenderer> {
  const { renderScoreChartPng } = await import('../../reports/chart.js');
  return renderScoreChartPng;
}

export async function uploadChart(
  client: webApi.WebClient,
  opts: { channelId: string; png: Buffer; title: string; altText: string; filename: string },
): Promise<void> {
  await client.filesUploadV2({
    channel_id: opts.channelId,
    file: opts.png,
    filename: opts.filename,
    title: opts.title,
    alt_text: opts.altText.slice(0, 1000),
  });
}
