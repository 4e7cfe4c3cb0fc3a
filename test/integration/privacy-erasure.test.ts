// Privacy requests and data lifecycle on the playground over real Redis: a person's export and erasure (checked by
// scanning every key under the test prefix and reading every value), forgetting a tenant on uninstall, and the
// retention purge of closed rounds by the scheduler.
import { ChannelPlanSchema, PLAN_COLLECTION, planRecordId } from '../../src/core/plan-model.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrivacyCommand } from '../../src/cli/modes.js';
import { t } from '../../src/core/i18n.js';
import { PlaygroundApi } from '../helpers/playground-api.js';
import { COORD, settings } from '../helpers/world.js';

const MONTH_MS = 30 * 24 * 3600 * 1000;

let pg: PlaygroundApi;
let named: string;
let anonymous: string;
let cecilia: string[]; // every form Cecilia's id takes in the store: her id and her keyed hash in the anonymous round

function collector() {
  const sink: string[] = [];
  return { sink, stream: { write: (c: string | Buffer) => sink.push(String(c)) } };
}

/** Keys, hash fields and values under the test prefix that mention any of `needles` (key names included). */
async function mentions(needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const { key, field, content } of await pg.dump()) {
    for (const n of needles) if (key.includes(n) || content.includes(n)) hits.push(`${key}${field ? ` [${field}]` : ''} ⇒ ${n}`);
  }
  return hits;
}

/**
 * Interaction dedupe keys (`…:ix:<hash>`) outlive a deleted round by design: they expire by themselves within
 * 15 minutes, hold only "1", and their names are keyed hashes of the platform's interaction ids.
 */
function isExpiringDedupeKey(d: { key: string; content: string; ttlMs: number }): boolean {
  return /:ix:[0-9a-f]{32}$/.test(d.key) && d.content === '1' && d.ttlMs > 0 && d.ttlMs <= 15 * 60 * 1000;
}

beforeAll(async () => {
  // Maja (the playground's manager) is the privacy admin.
  pg = await PlaygroundApi.open({ PRIVACY_ADMINS: 'u-maja' });

  // A named round: Cecilia votes, answers with evidence, misses a factor (so she is reminded), owns an action.
  ({ roundId: named } = await pg.start('u-cora', { pacing: 'all-at-once', title: 'Omgång med namn' }));
  for (const [who, f, level] of [
    ['u-anna', 'f01', 'partly'],
    ['u-bo', 'f01', 'partly'],
    ['u-cecilia', 'f01', 'not-in-place'],
    ['u-cora', 'f01', 'partly'],
    ['u-cecilia', 'f02', 'in-place'],
  ] as const) {
    expect((await pg.vote(who, named, f, level)).ok).toBe(true);
  }
  expect((await pg.answer('u-cecilia', named, 'f01', { 'f01-q1': 'Jag har inte sett något uttalande.' }, 'https://kommun.example/cecilias-lista')).ok).toBe(true);
  expect((await pg.answer('u-anna', named, 'f01', { 'f01-q1': 'Uttalandet från 2024.' })).ok).toBe(true);
  await pg.command('u-cora', '/assess context national-legislation Cecilia följer den nya lagen åt oss');
  await pg.advance('week', 7); // reminders to Cecilia, weekly digests, the close by the calendar
  await pg.command('u-cora', '/assess action add 1 u-cecilia 2099-01-01 quick Cecilia presenterar uttalandet för nämnden');

  // An anonymous round a little later, where she votes again.
  ({ roundId: anonymous } = await pg.start('u-cora', { pacing: 'all-at-once', anonymous: 'true' }, '/assess start again'));
  for (const who of ['u-anna', 'u-bo', 'u-cecilia']) expect((await pg.vote(who, anonymous, 'f01', 'in-place')).ok).toBe(true);
  expect((await pg.answer('u-cecilia', anonymous, 'f01', { 'f01-q1': 'Anonymt svar från henne.' })).ok).toBe(true);
  await pg.command('u-cora', '/assess close confirm');

  // What the Teams adapter keeps about her (a 1:1 conversation reference), someone else, and another tenant.
  await pg.store.putRecord('teams-ref', 'user|playground|u-cecilia', { kind: 'user', tenant: 'playground', userId: 'u-cecilia', name: 'Cecilia', serviceUrl: 'https://smba.example', botId: 'b', channelId: 'msteams', savedAt: '2026-01-01T00:00:00Z' });
  await pg.store.putRecord('teams-ref', 'user|playground|u-bo', { kind: 'user', tenant: 'playground', userId: 'u-bo', name: 'Bo', serviceUrl: 'https://smba.example', botId: 'b', channelId: 'msteams', savedAt: '2026-01-01T00:00:00Z' });
  await pg.store.putRecord('teams-ref', 'user|T-other|u-cecilia', { kind: 'user', tenant: 'T-other', userId: 'u-cecilia', serviceUrl: 'https://smba.example', botId: 'b', channelId: 'msteams', savedAt: '2026-01-01T00:00:00Z' });

  const anonRound = (await pg.store.getRound('playground', anonymous))!;
  cecilia = ['u-cecilia', 'Cecilia', pg.app.service.memberKey(anonRound, 'u-cecilia')];
}, 180_000);

afterAll(async () => {
  await pg.close();
});

describe('privacy requests', () => {
  it('exports what is kept about a person (named rounds in full, anonymous rounds without responses)', async () => {
    const out = collector();
    const err = collector();
    expect(await runPrivacyCommand(['export', '--tenant', 'playground', '--user', 'u-cecilia'], out.stream, err.stream, pg.env)).toBe(0);
    const data = JSON.parse(out.sink.join('')) as {
      names: string[];
      rounds: { roundId: string; roles: string[]; votes: { factorId: string; level: string }[]; answers: { texts: Record<string, string> }[]; actions: { role: string[] }[] }[];
      records: { collection: string; id: string }[];
    };
    expect(data.names).toEqual(['Cecilia']);
    const first = data.rounds.find((r) => r.roundId === named)!;
    expect(first.roles).toEqual(['participant']);
    expect(first.votes).toEqual([
      { factorId: 'f01', panel: 'team', level: 'not-in-place' },
      { factorId: 'f02', panel: 'team', level: 'in-place' },
    ]);
    expect(first.answers[0]!.texts['f01-q1']).toBe('Jag har inte sett något uttalande.');
    // Actions live in the channel's plan (core/plan-model.ts), exported as its record: she owns the one action.
    const plan = data.records.find((r) => r.collection === 'action-plans') as unknown as { value: { actions: { owner: boolean; text: string }[] } };
    expect(plan.value.actions).toMatchObject([{ owner: true, text: 'Cecilia presenterar uttalandet för nämnden' }]);
    expect(data.rounds.find((r) => r.roundId === anonymous)!.votes).toEqual([]);
    const collections = data.records.map((r) => r.collection);
    expect(collections).toContain('teams-ref');
    expect(collections).toContain('sent'); // she was reminded
    expect(collections).toContain('playground-messages');
    expect(data.records.some((r) => r.id.includes('T-other'))).toBe(false); // another tenant is another request

    // Someone's data is for them or an admin: Bo may export himself, not Cecilia.
    expect(await pg.reply('u-bo', '/assess privacy export u-cecilia')).toContain(t('sv', 'errors.PRIVACY_NOT_ALLOWED'));
    expect(await pg.reply('u-bo', '/assess privacy export')).toContain('Personuppgifter för u-bo');
  });

  it('erases a person: nothing about her is left under the prefix, and the tallies are unchanged', async () => {
    expect((await mentions(cecilia)).length).toBeGreaterThan(10); // the scan does find her before
    const countsBefore = (await pg.store.getSnapshot('playground', named))!.counts;
    const anonCountsBefore = (await pg.store.getSnapshot('playground', anonymous))!.counts;

    expect(await pg.reply('u-bo', '/assess privacy erase u-cecilia confirm')).toContain(t('sv', 'errors.PRIVACY_NOT_ALLOWED'));
    // Her coordinator may not erase her either: that takes an admin.
    expect(await pg.reply('u-cora', '/assess privacy erase u-cecilia confirm')).toContain(t('sv', 'errors.PRIVACY_NOT_ALLOWED'));
    expect(await pg.reply('u-maja', '/assess privacy erase u-cecilia')).toContain('Det går inte att ångra. Skriv `/assess privacy erase u-cecilia confirm`');
    expect((await mentions(['u-cecilia'])).length).toBeGreaterThan(0); // asking is not doing
    const done = await pg.reply('u-maja', '/assess privacy erase u-cecilia confirm');
    expect(done).toContain('Personen är raderad ur 2 omgångar. Borttagna svar: 2. Avidentifierade röster: 3.');

    // Every key and every value under the prefix, read back: nothing names her, in any form (another tenant aside),
    // except the audit trail of the requests made about her, which her erasure keeps on purpose.
    const left = (await mentions(cecilia)).filter((hit) => !hit.includes('T-other'));
    expect(left.filter((hit) => !hit.includes(':rec:privacy-audit'))).toEqual([]);
    expect(left.length).toBeGreaterThan(0);
    const audit = await pg.app.service.privacy.audit.list('playground');
    expect(audit.map((e) => [e.actor, e.action, e.outcome])).toEqual([
      ['u-bo', 'export', 'refused'],
      ['u-bo', 'erase', 'refused'],
      ['u-cora', 'erase', 'refused'],
      ['u-maja', 'erase', 'allowed'],
    ]);
    // Another tenant's record is another tenant's business.
    expect(await pg.store.getRecord('teams-ref', 'user|T-other|u-cecilia')).not.toBeNull();
    expect(await pg.store.getRecord('teams-ref', 'user|playground|u-bo')).not.toBeNull();

    const after = (await pg.store.getSnapshot('playground', named))!;
    expect(after.counts).toEqual(countsBefore);
    expect((await pg.store.getSnapshot('playground', anonymous))!.counts).toEqual(anonCountsBefore);
    expect(Object.values(after.answers.f01!).map((a) => a.texts['f01-q1'])).toEqual(['Uttalandet från 2024.']);
    const round = after.round;
    expect(round.participants).toHaveLength(4);
    expect(round.participants.filter((p) => p.startsWith('erased-'))).toHaveLength(1);
    expect(round.contextNotes[0]!.comment).toBe('[borttaget] följer den nya lagen åt oss');
    // The channel's plan keeps the action under a pseudonym, her name gone from its text.
    const plan = ChannelPlanSchema.parse(await pg.store.getRecord(PLAN_COLLECTION, planRecordId('playground', round.channel.id)));
    expect(plan.actions[0]!.text).toBe('[borttaget] presenterar uttalandet för nämnden');
    expect(plan.actions[0]!.owner).toMatch(/^erased-/);
    // Her votes stay in the tally under the pseudonym, so she is not "still to vote".
    const state = await pg.app.service.state('playground', named);
    expect(pg.app.service.pendingMembers(state, 'f01')).toEqual([]);

    // Running it again finds nothing more.
    const out = collector();
    expect(await runPrivacyCommand(['erase', '--tenant', 'playground', '--user', 'u-cecilia', '--yes'], out.stream, collector().stream, pg.env)).toBe(0);
    expect(JSON.parse(out.sink.join(''))).toMatchObject({ votes: 0, answers: 0 });
    const refused = collector();
    expect(await runPrivacyCommand(['erase', '--tenant', 'playground', '--user', 'u-bo'], out.stream, refused.stream, pg.env)).toBe(2);
    expect(refused.sink.join('')).toContain('--yes');
  });
});

describe('data lifecycle', () => {
  it('purges closed rounds after RETENTION_MONTHS, on the scheduler, and not before', async () => {
    const jobs = await pg.store.listJobs('playground');
    const purges = jobs.filter((j) => j.kind === 'retention-purge');
    expect(purges.map((j) => j.roundId).sort()).toEqual([named, anonymous].sort());
    const closedAt = Date.parse((await pg.store.getRound('playground', named))!.closedAt!);
    const due = purges.find((j) => j.roundId === named)!.dueAt;
    expect(due - closedAt).toBeGreaterThan(23 * MONTH_MS);
    expect(due - closedAt).toBeLessThan(25 * MONTH_MS);

    pg.clock.advance(22 * MONTH_MS);
    await pg.app.scheduler.drain();
    expect((await pg.store.listRounds('playground')).map((r) => r.id).sort()).toEqual([named, anonymous].sort());

    pg.clock.advance(3 * MONTH_MS);
    await pg.app.scheduler.drain();
    expect(await pg.store.listRounds('playground')).toEqual([]);
    expect(await pg.store.getSnapshot('playground', named)).toBeNull();
    // Nothing of the rounds is left: no round keys, no jobs, no delivery markers, no playground messages about them.
    const left = (await pg.dump()).filter(({ key, content }) => key.includes(named) || key.includes(anonymous) || content.includes(named) || content.includes(anonymous));
    expect(left.filter((d) => !isExpiringDedupeKey(d)).map((l) => l.key)).toEqual([]);
  });

  it('forgets a tenant after an uninstall: its rounds, tokens and references, and nothing of anyone else', async () => {
    const service = pg.app.service;
    const round = await service.startRound({ tenant: 'T-gone', platform: 'slack', settings: settings(), actor: COORD });
    await service.castVote({ tenant: 'T-gone', roundId: round.id, factorId: 'f01', actor: COORD, level: 'partly', interactionId: 'i-1' });
    await pg.store.putRecord('slack-installations', 'T-gone', { team: { id: 'T-gone' }, bot: { token: 'xoxb-gone' } });
    await pg.store.putRecord('teams-ref', 'conv|T-gone|C1', { kind: 'conversation', tenant: 'T-gone', key: 'C1', ref: {}, savedAt: '2026-01-01T00:00:00Z' });
    await pg.store.putRecord('slack-installations', 'T-stays', { team: { id: 'T-stays' }, bot: { token: 'xoxb-stays' } });

    const result = await service.privacy.forgetTenant('T-gone');
    expect(result).toEqual({ rounds: 1, records: 2 });
    const left = (await pg.dump()).filter(({ key, content }) => key.includes('T-gone') || content.includes('T-gone') || content.includes('xoxb-gone'));
    expect(left.filter((d) => !isExpiringDedupeKey(d)).map((l) => l.key)).toEqual([]);
    expect(await pg.store.getRecord('slack-installations', 'T-stays')).not.toBeNull();
    expect(await pg.store.listTenants()).not.toContain('T-gone');
  });
});
