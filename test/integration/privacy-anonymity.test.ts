// Anonymity leak test: an anonymous round on the playground over real Redis. No output or export of it — digest views,
// rendered Adaptive Cards, every export format, chat replies — names a member or shows their id, results stay hidden below
// the minimum, everyone still votes once, and the store keeps only keyed hashes next to votes, answers and deliveries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDigestCard, renderFactorCard, renderReminderCard } from '../../src/cards/adaptive.js';
import { EXPORT_FORMATS, exportRound } from '../../src/reports/export.js';
import { buildDigest } from '../../src/core/views/digest.js';
import { buildFactorCard } from '../../src/core/views/factor-card.js';
import { buildReminder } from '../../src/core/views/messages.js';
import { t } from '../../src/core/i18n.js';
import { PlaygroundApi, cardText } from '../helpers/playground-api.js';

const MEMBERS = { 'u-cora': 'Cora', 'u-anna': 'Anna', 'u-bo': 'Bo', 'u-cecilia': 'Cecilia' } as const;
const FORBIDDEN = [...Object.keys(MEMBERS), ...Object.values(MEMBERS)].map((w) => new RegExp(`(^|[^\\p{L}\\p{N}-])${w}(?=$|[^\\p{L}\\p{N}-])`, 'u'));

let pg: PlaygroundApi;
let roundId: string;

function leaks(text: string): string[] {
  return FORBIDDEN.filter((re) => re.test(text)).map((re) => `${re.source} in …${text.slice(Math.max(0, text.search(re) - 60), text.search(re) + 60)}…`);
}

beforeAll(async () => {
  // Maja (the playground's manager) is a privacy admin; the round keeps results from 3 responses, the lowest allowed.
  pg = await PlaygroundApi.open({ PRIVACY_ADMINS: 'u-maja' });
  ({ roundId } = await pg.start('u-cora', { pacing: 'all-at-once', anonymous: 'true', title: 'Anonym skattning', minResponses: '3' }));
  const votes: [string, string, string][] = [
    ['u-anna', 'f01', 'partly'],
    ['u-bo', 'f01', 'in-place'],
    ['u-cecilia', 'f01', 'partly'],
    ['u-cora', 'f01', 'not-in-place'],
    ['u-anna', 'f02', 'in-place'],
    ['u-bo', 'f02', 'partly'],
    // Anna changes her mind twice: still one vote.
    ['u-anna', 'f03', 'in-place'],
    ['u-anna', 'f03', 'partly'],
    ['u-anna', 'f03', 'in-place'],
  ];
  for (const [who, f, level] of votes) expect((await pg.vote(who, roundId, f, level)).ok).toBe(true);
  // Slack's interaction ids carry the user id; the dedupe key next to the votes must not.
  await pg.app.service.castVote({ tenant: 'playground', roundId, factorId: 'f04', actor: { id: 'u-bo' }, level: 'partly', interactionId: 'slack:u-bo:1767000000.000100' });
  expect((await pg.answer('u-anna', roundId, 'f01', { 'f01-q1': 'Vi har ett uttalande, men få känner till det.' }, 'https://kommun.example/uttalande')).ok).toBe(true);
  expect((await pg.answer('u-bo', roundId, 'f02', { 'f02-q1': 'Strategin saknar mål.' }, 'https://kommun.example/strategi')).ok).toBe(true);
  await pg.command('u-cora', '/assess context national-legislation Ny lag om mottagande 2026');
  // Weekly digests go out, reminders reach those who have not voted, and the round closes by its calendar.
  await pg.advance('week', 7);
  expect((await pg.store.getRound('playground', roundId))!.status).toBe('closed');
  await pg.command('u-anna', `/assess action add 1 me 2099-01-01 quick Sprid uttalandet`);
}, 120_000);

afterAll(async () => {
  await pg.close();
});

describe('anonymous rounds', () => {
  it('hide a factor\'s results until the minimum number of responses, and count each member once', async () => {
    const state = await pg.app.service.state('playground', roundId);
    const f01 = state.tallies.find((x) => x.factorId === 'f01')!;
    const f03 = state.tallies.find((x) => x.factorId === 'f03')!;
    expect(f01.voters).toBe(4);
    expect(f03.voters).toBe(1);
    expect(f03.counts['in-place']).toBe(1);
    const view = buildDigest(state, { kind: 'final', now: pg.clock.now() });
    const line = (id: string) => view.factors.find((f) => f.factorId === id)!;
    expect(line('f01').hidden).toBe(false);
    expect(line('f01').distribution.map((d) => d.count)).toEqual([1, 2, 1, 0]);
    for (const id of ['f02', 'f03']) {
      expect(line(id).hidden).toBe(true);
      expect(line(id).verdict).toBeNull();
      expect(line(id).distribution).toEqual([]);
      expect(line(id).distributionLine).toBe('Resultatet visas när minst 3 har svarat');
    }
    const md = String((await exportRound(state, null, 'md', { now: pg.clock.now() })).body);
    expect(md).toContain('Resultatet visas inte: färre än 3 har svarat');
    expect(md).not.toContain('Strategin saknar mål.'); // f02's answer is hidden with its result
  });

  it('no digest view, rendered card, export or chat reply names a member or shows their id', async () => {
    const state = await pg.app.service.state('playground', roundId);
    const inputs = await pg.app.service.digestInputs(state.round);
    const outputs: [string, string][] = [];
    for (const kind of ['weekly', 'status', 'final'] as const) {
      const view = buildDigest(state, { kind, ...inputs, now: pg.clock.now(), reportUrl: pg.app.reportLinks.url('playground', roundId) });
      outputs.push([`digest view ${kind}`, JSON.stringify(view)], [`digest card ${kind}`, JSON.stringify(renderDigestCard(view))]);
    }
    for (const factorId of state.round.factorIds) {
      for (const viewer of Object.keys(MEMBERS)) {
        const myVote = await pg.app.service.myVote(state.round, factorId, viewer);
        const card = renderFactorCard(buildFactorCard(state, factorId, { viewerId: viewer, myVote }));
        outputs.push([`factor card ${factorId} for ${viewer}`, JSON.stringify(card)]);
      }
    }
    outputs.push(['reminder card', JSON.stringify(renderReminderCard(buildReminder(state, state.round.factorIds)))]);
    for (const format of EXPORT_FORMATS) {
      const result = await exportRound(state, inputs.baseline ?? null, format, { now: pg.clock.now(), chart: false });
      outputs.push([`export ${format}`, String(result.body)]);
      // And the same export behind the signed link the bot hands out.
      const url = new URL(pg.app.reportLinks.url('playground', roundId));
      const res = await pg.app.http.inject({ method: 'GET', url: `${url.pathname}?format=${format}` });
      expect(res.statusCode).toBe(200);
      outputs.push([`report route ${format}`, res.body]);
    }
    // Everything the playground shows each person about the round (cards, digests, reminders, DMs)…
    for (const viewer of [...Object.keys(MEMBERS), 'u-maja']) {
      for (const m of await pg.messages(viewer)) {
        // The welcome post names the coordinator on purpose: who to ask, not how anyone voted.
        if (m.type === 'welcome' || m.type === 'start-form') continue;
        outputs.push([`playground ${m.type} for ${viewer}`, cardText(m.card)]);
      }
    }
    // …and the coordinator's commands.
    for (const command of ['/assess status', '/assess digest', '/assess history', '/assess plan']) {
      outputs.push([`${command} (coordinator)`, await pg.reply('u-cora', command)]);
    }

    expect(outputs.some(([what]) => what === 'playground digest for u-maja')).toBe(true); // the weekly digest reached the manager
    expect(outputs.some(([what]) => what.startsWith('playground reminder'))).toBe(true);
    expect(outputs.find(([what]) => what === '/assess plan (coordinator)')![1]).toContain('ansvarig utsedd');
    const found = outputs.flatMap(([what, text]) => leaks(text).map((l) => `${what}: ${l}`));
    expect(found).toEqual([]);
    // The check itself catches a name or an id where one appears.
    expect(leaks('{"member":"u-anna"}')).toHaveLength(1);
    expect(leaks('Bo: Stämmer')).toHaveLength(1);
    expect(leaks('Boende och Annandag')).toHaveLength(0);
  });

  it('the coordinator cannot see who voted what, not even through a privacy export; an admin\'s export has no responses', async () => {
    // An anonymous round is outside what a coordinator may export about someone.
    expect(await pg.reply('u-cora', '/assess privacy export u-anna')).toContain(t('sv', 'errors.PRIVACY_NOT_ALLOWED'));
    const reply = await pg.reply('u-maja', '/assess privacy export u-anna');
    const url = new URL(/https:\/\/\S+/.exec(reply)![0]);
    const res = await pg.app.http.inject({ method: 'GET', url: url.pathname });
    expect(res.statusCode).toBe(200);
    const json = res.json() as {
      rounds: { roundId: string; anonymous: boolean; votes: unknown[]; answers: unknown[]; note?: string }[];
    };
    const here = json.rounds.find((r) => r.roundId === roundId)!;
    expect(here.anonymous).toBe(true);
    expect(here.votes).toEqual([]);
    expect(here.answers).toEqual([]);
    expect(here.note).toContain('keyed hash');
  });

  it('the store keeps only keyed hashes of member ids next to votes, answers, vote times and deliveries', async () => {
    const dump = await pg.dump();
    const raw = Object.keys(MEMBERS);
    const roundKeys = dump.filter((d) => d.key.includes(`{r:playground:${roundId}}`) && !d.key.endsWith(':round'));
    expect(roundKeys.map((d) => d.key.split(':').pop()).sort()).toEqual(expect.arrayContaining(['answers', 'counts', 'voted-at', 'votes']));
    expect(roundKeys.filter((d) => d.key.includes(':ix:')).length).toBeGreaterThanOrEqual(10); // the dedupe keys are scanned too
    for (const { key, content } of roundKeys) {
      for (const id of raw) expect(`${key}\n${content}`, key).not.toContain(id);
    }
    const votes = roundKeys.filter((d) => d.key.endsWith(':votes')).map((d) => d.field!);
    expect(votes.length).toBeGreaterThan(0);
    for (const field of votes) expect(field).toMatch(/\|anon-[0-9a-f]{32}$/);
    // Delivery markers of reminders and digests name no member of this round either.
    // (They live with the round now, in its own `sent` hash.)
    const markers = dump.filter((d) => d.key.includes(`{r:playground:${roundId}}`) && d.key.endsWith(':sent') && d.field!.includes(`:${roundId}:`)).map((d) => d.field!);
    expect(markers.some((m) => m.includes(':reminder:'))).toBe(true);
    expect(markers.some((m) => m.includes(':weekly-digest:'))).toBe(true);
    for (const m of markers) for (const id of [...raw, 'u-maja']) expect(m).not.toContain(id);
  });
});
