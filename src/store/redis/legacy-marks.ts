// Migration 4: delivery markers move from the deployment-wide `<P>:rec:sent` hash into each round's own `sent` hash.
import { channelMark, escapePart, MARK_TTL_MS, memberMark, onceMark, progressMark } from '../../core/delivery/marks.js';
import { Keys } from '../keys.js';
import type { RedisClient } from './client.js';
import { pairs } from './replies.js';

const JOB_ID = /^(.+):([^:|]+):(factor-open|reminder|weekly-digest|final-digest|action-reminder)(?::[^|]*)?$/;

/** Where an old marker id goes: its round and its new field; null for one nothing reads any more (dropped). */
export function legacyMark(id: string): { tenant: string; roundId: string; field: string } | null {
  const platformFinal = /^(?:slack|teams)-final\|(.+)\|([^|]+)\|(.+)$/.exec(id);
  if (platformFinal) {
    const [, tenant, roundId, recipient] = platformFinal as unknown as [string, string, string, string];
    const job = `${tenant}:${roundId}:final-digest`;
    return { tenant, roundId, field: recipient === 'channel' ? channelMark(job) : memberMark(job, recipient) };
  }
  const tooLarge = /^teams-too-large\|(.+)\|([^|]+)\|(.+)$/.exec(id);
  if (tooLarge) {
    const [, tenant, roundId, key] = tooLarge as unknown as [string, string, string, string];
    return { tenant, roundId, field: onceMark(`too-large:${key}`) };
  }
  const bar = id.lastIndexOf('|');
  if (bar < 0) return null;
  const job = id.slice(0, bar);
  const recipient = id.slice(bar + 1);
  const m = JOB_ID.exec(job);
  if (!m) return null;
  const field = recipient === 'channel' ? channelMark(job) : recipient === 'progress' ? progressMark(job) : memberMark(job, recipient);
  return { tenant: m[1]!, roundId: m[2]!, field };
}

/**
 * Moves every marker of `<P>:rec:sent` into its round's marker hash (with the markers' TTL; a round that is gone gets
 * none), page by page, then deletes the old hash. Safe to run again: a field moved twice is written twice.
 */
export async function moveLegacyMarks(redis: RedisClient, prefix: string): Promise<void> {
  const keys = new Keys(prefix);
  const legacy = keys.records('sent');
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(legacy, cursor, 'COUNT', 500);
    cursor = next;
    const byRound = new Map<string, { tenant: string; roundId: string; fields: Record<string, string> }>();
    for (const [id, json] of pairs(flat)) {
      const to = legacyMark(id);
      if (!to) continue;
      const k = `${escapePart(to.tenant)}|${escapePart(to.roundId)}`;
      let group = byRound.get(k);
      if (!group) byRound.set(k, (group = { tenant: to.tenant, roundId: to.roundId, fields: {} }));
      group.fields[to.field] = json;
    }
    for (const { tenant, roundId, fields } of byRound.values()) {
      const rk = keys.round(tenant, roundId);
      if ((await redis.exists(rk.round)) === 0) continue;
      await redis.hset(rk.marks, fields);
      await redis.pexpire(rk.marks, MARK_TTL_MS);
    }
  } while (cursor !== '0');
  await redis.del(legacy);
}
