// Fan-out to many people: paced to the platform's rate limits, resumable through the round's markers, and stopping
// at a time budget so a long fan-out never outlives the scheduler's job lease (the job continues in a fresh lease).
import PQueue from 'p-queue';
import type { StoredRecord } from '../ports.js';
import type { ChatPace } from './port.js';
import { memberMark, progressMark, type RoundMarks } from './marks.js';

export interface FanOutOptions {
  pace: ChatPace;
  /** Stop starting sends once this returns true (the job's time budget); what is left runs in the job's next lease. */
  outOfTime: () => boolean;
  /** Time kept in a marker (the round's clock). */
  now: () => number;
}

/** `complete` false: the budget ran out first; the rest are still to be sent. */
export interface FanOutResult {
  sent: number;
  complete: boolean;
}

function queue(pace: ChatPace): PQueue {
  return new PQueue({
    concurrency: Math.max(1, Math.floor(pace.concurrency)),
    intervalCap: Math.max(1, Math.floor(pace.perSecond)),
    interval: 1000,
  });
}

/**
 * Sends to each recipient unless this job's marker says it already did (all markers read in one go), marking each
 * one sent. The first failure stops the fan-out and is thrown once the sends in flight have finished and been marked,
 * so the retried job resumes with whoever is left.
 */
export async function fanOutNamed(marks: RoundMarks, job: string, recipients: string[], send: (recipient: string) => Promise<void>, opts: FanOutOptions): Promise<FanOutResult> {
  const fields = recipients.map((r) => memberMark(job, r));
  const done = await marks.get(fields);
  const todo = recipients.filter((_, i) => done[fields[i]!] === undefined);
  const q = queue(opts.pace);
  let failure: { err: unknown } | null = null;
  let sent = 0;
  let complete = true;
  for (const recipient of todo) {
    if (failure) break;
    if (opts.outOfTime()) {
      complete = false;
      break;
    }
    // Waits while the queue is full, so the budget is checked as the sends actually start.
    await q.onSizeLessThan(1);
    if (failure) break;
    void q.add(async () => {
      if (failure) return;
      try {
        await send(recipient);
        await marks.put({ [memberMark(job, recipient)]: { at: opts.now() } });
        sent += 1;
      } catch (err) {
        failure ??= { err };
      }
    });
  }
  await q.onIdle();
  if (failure) throw (failure as { err: unknown }).err;
  return { sent, complete };
}

/** Sends to each recipient, paced, without markers (a reminder asked for now, not a job); the first failure is thrown. */
export async function fanOutPaced(recipients: string[], send: (recipient: string) => Promise<void>, pace: ChatPace): Promise<FanOutResult> {
  const q = queue(pace);
  let failure: { err: unknown } | null = null;
  let sent = 0;
  for (const recipient of recipients) {
    if (failure) break;
    await q.onSizeLessThan(1);
    void q.add(async () => {
      if (failure) return;
      try {
        await send(recipient);
        sent += 1;
      } catch (err) {
        failure ??= { err };
      }
    });
  }
  await q.onIdle();
  if (failure) throw (failure as { err: unknown }).err;
  return { sent, complete: true };
}

function progressOf(value: StoredRecord | undefined): { sent: number; of: number } | null {
  const sent = value?.sent;
  const of = value?.of;
  if (!Number.isInteger(sent) || !Number.isInteger(of) || (sent as number) < 0 || (of as number) < 0) return null;
  return { sent: sent as number, of: of as number };
}

/**
 * Delivery progress of an anonymous round's job, with no per-member value anywhere: who was reminded is who had not
 * voted, and even a keyed hash of them could be matched to a person by whoever holds the key. The marker holds two
 * counts: how many of the recipients (in a fixed order) were sent to, and how many recipients there were. A retry
 * works the list out again; people who voted in the meantime have dropped out of it, and at most that many of them
 * were among those already sent to, so skipping (sent − dropped) never skips anyone not yet reminded (someone added to
 * the round meanwhile comes last in the participant order). The price, on a retry only: up to `dropped` people may be
 * reminded a second time. No time is kept. One at a time, in order, so the count is always a prefix; paced all the same.
 */
export async function fanOutCounted(marks: RoundMarks, job: string, recipients: string[], send: (recipient: string) => Promise<void>, opts: FanOutOptions): Promise<FanOutResult> {
  const field = progressMark(job);
  const mark = progressOf((await marks.get([field]))[field]);
  const dropped = mark ? Math.max(0, mark.of - recipients.length) : 0;
  const start = mark ? Math.min(recipients.length, Math.max(0, mark.sent - dropped)) : 0;
  const q = queue({ ...opts.pace, concurrency: 1 });
  let sent = 0;
  for (let i = start; i < recipients.length; i++) {
    if (opts.outOfTime()) return { sent, complete: false };
    await q.add(() => send(recipients[i]!));
    await marks.put({ [field]: { sent: i + 1, of: recipients.length } });
    sent += 1;
  }
  return { sent, complete: true };
}
