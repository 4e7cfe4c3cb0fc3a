// Peer review (kollegial utvärdering) on the playground's HTTP API and real Redis: the team's self-assessment, then
// the invited panel's review; permissions both ways; the digest with both verdicts side by side; the follow-up report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peerFactorId } from '../../src/core/peer-review.js';
import { cardText, PlaygroundApi } from '../helpers/playground-api.js';

let pg: PlaygroundApi;
let roundId: string;

beforeAll(async () => {
  pg = await PlaygroundApi.open();
});

afterAll(async () => {
  await pg.close();
});

describe('peer review on the playground', () => {
  it('starts in the self-assessment phase; reviewers are invited, and cannot vote yet', async () => {
    ({ roundId } = await pg.start('u-cora', { pacing: 'all-at-once', mode: 'peer-review', title: 'Kollegial granskning' }));
    expect((await pg.store.getRound('playground', roundId))!.reviewPhase).toBe('self-assessment');

    expect(await pg.reply('u-anna', '/assess review invite u-pia')).toContain('Bara samordnaren kan göra det här. Fråga Cora.');
    expect(await pg.reply('u-cora', '/assess review invite u-anna')).toContain('Anna är med i laget och kan inte också vara granskare.');
    expect(await pg.reply('u-cora', '/assess review invite u-pia')).toContain('1 granskare inbjuden');
    expect(await pg.reply('u-cora', '/assess review lead u-erik')).toContain('Erik leder granskningen som expert.');
    const round = (await pg.store.getRound('playground', roundId))!;
    expect(round.reviewers).toEqual(['u-pia']);
    expect(round.reviewLead).toBe('u-erik');

    const early = await pg.vote('u-pia', roundId, 'f01', 'in-place');
    expect(early.status).toBe(400);
    expect(early.error).toContain('Granskningen har inte börjat än. Cora startar den med /assess review');
    expect(await pg.reply('u-pia', '/assess finding 1 Bra dokumenterat.')).toContain('Granskningen har inte börjat än');
  });

  it('the team assesses itself with evidence', async () => {
    const votes: [string, string, string][] = [
      ['u-cora', 'f01', 'partly'],
      ['u-anna', 'f01', 'partly'],
      ['u-bo', 'f01', 'in-place'],
      ['u-cecilia', 'f01', 'partly'],
      ['u-cora', 'f02', 'in-place'],
      ['u-anna', 'f02', 'in-place'],
      ['u-bo', 'f02', 'in-place'],
    ];
    for (const [who, f, level] of votes) expect((await pg.vote(who, roundId, f, level)).ok).toBe(true);
    const answered = await pg.answer('u-anna', roundId, 'f01', { 'f01-q1': 'Kommunfullmäktige antog ett uttalande 2024.' }, 'https://kommun.example/protokoll/2024-05\nhttps://kommun.example/arsrapport-2024');
    expect(answered.ok, answered.error).toBe(true);
    expect((await pg.answer('u-bo', roundId, 'f02', { 'f02-q1': 'Strategin gäller 2024–2028.' }, 'https://kommun.example/strategi')).ok).toBe(true);
  });

  it('the coordinator moves to the review: the self-assessment locks, and each side is kept out of the other\'s answers', async () => {
    expect(await pg.reply('u-anna', '/assess review')).toContain('Bara samordnaren kan göra det här');
    await pg.command('u-cora', '/assess review');
    expect(await pg.last('u-anna', 'text', 'channel')).toContain('Nu börjar granskningen. Lagets självutvärdering är låst, och 2 granskare');
    expect((await pg.store.getRound('playground', roundId))!.reviewPhase).toBe('review');
    expect(await pg.reply('u-cora', '/assess review')).toContain('Granskningen är redan igång.');

    // The team can no longer change its self-assessment…
    const teamVote = await pg.vote('u-anna', roundId, 'f01', 'in-place');
    expect(teamVote.status).toBe(400);
    expect(teamVote.error).toContain('Självutvärderingen är låst medan granskningsgruppen granskar. Fråga Cora');
    expect((await pg.answer('u-bo', roundId, 'f02', { 'f02-q1': 'ändrat' })).error).toContain('Självutvärderingen är låst');
    // …nor write the panel's findings; and reviewers cannot change the team's answers.
    expect(await pg.reply('u-anna', '/assess recommend 1 Vi rekommenderar oss själva.')).toContain('Bara inbjudna granskare kan göra det här');
    const reviewerAnswer = await pg.answer('u-pia', roundId, 'f01', { 'f01-q1': 'Skrivet av granskaren' });
    expect(reviewerAnswer.status).toBe(400);
    expect(reviewerAnswer.error).toContain('Som granskare kan du inte ändra lagets svar');
    expect((await pg.store.getMemberAnswer('playground', roundId, 'f01', 'u-anna'))!.texts['f01-q1']).toBe('Kommunfullmäktige antog ett uttalande 2024.');
    expect(await pg.store.getMemberAnswer('playground', roundId, 'f01', 'u-pia')).toBeNull();
  });

  it('reviewers read the self-assessment and its evidence, vote, and write findings, recommendations and notes', async () => {
    const overview = await pg.reply('u-pia', '/assess review show');
    expect(overview).toContain('• 01 · Offentliga åtaganden: Stämmer delvis · 1 svar · 2 bevislänkar');
    const f01 = await pg.reply('u-pia', '/assess review show 1');
    expect(f01).toContain('Kommunfullmäktige antog ett uttalande 2024.');
    expect(f01).toContain('https://kommun.example/arsrapport-2024');

    for (const [who, f, level] of [
      ['u-pia', 'f01', 'not-in-place'],
      ['u-erik', 'f01', 'not-in-place'],
      ['u-pia', 'f02', 'in-place'],
      ['u-erik', 'f02', 'partly'],
    ] as const) {
      const res = await pg.vote(who, roundId, f, level);
      expect(res.ok, res.error).toBe(true);
    }
    // The panel's votes are stored apart: the team's tally is untouched, the panel's has two votes.
    const snapshot = (await pg.store.getSnapshot('playground', roundId))!;
    expect(snapshot.counts.f01).toEqual({ 'in-place': 1, partly: 3, 'not-in-place': 0, 'dont-know': 0 });
    expect(snapshot.counts[peerFactorId('f01')]).toEqual({ 'in-place': 0, partly: 0, 'not-in-place': 2, 'dont-know': 0 });
    // Pia's card shows her own (panel) vote; the team's card line still counts the team.
    const card = (await pg.messages('u-pia')).find((m) => m.type === 'factor-card' && JSON.stringify(m.card).includes('01 · Offentliga åtaganden'))!;
    const cardText = JSON.stringify(card.card);
    expect(cardText).toContain('Din röst: Stämmer inte');
    expect(cardText).toContain('4 av 4 har röstat');

    expect(await pg.reply('u-pia', '/assess finding 1 Uttalandet finns men är okänt i förvaltningarna.')).toContain('Iakttagelsen för 01 · Offentliga åtaganden är sparad.');
    expect(await pg.reply('u-pia', '/assess recommend 1 Publicera åtagandet på webben och i introduktionen för nyanställda.')).toContain('Rekommendationen för 01');
    expect(await pg.reply('u-erik', '/assess recommend 2 Följ upp strategin årligen i nämnderna.')).toContain('Rekommendationen för 02');
    expect(await pg.reply('u-erik', '/assess review note interview 1 Intervju med HR-chefen: uttalandet används inte vid rekrytering.')).toContain('Intervju sparad (1 anteckning i');
    expect(await pg.reply('u-pia', '/assess review note focus Fokusgrupp med stadsdelarna om bemötande.')).toContain('Fokusgrupp sparad (2 anteckningar');
  });

  it('the digest shows the team\'s and the peers\' verdicts side by side, with the recommendations', async () => {
    const status = await pg.reply('u-cora', '/assess status');
    expect(status).toContain('Självutvärdering: Stämmer delvis · Granskningsgruppen: Stämmer inte (2 av 2)');
    expect(status).toContain('Självutvärdering: Stämmer · Granskningsgruppen: Stämmer delvis (2 av 2)'); // one true and one partly true score 75: partly true
    expect(status).toContain('Där laget och granskningsgruppen ser olika');
    expect(status).toContain('01 · Offentliga åtaganden: laget säger Stämmer delvis, granskningsgruppen Stämmer inte');
    expect(status).toContain('Granskningsgruppens rekommendationer');
    expect(status).toContain('01 · Offentliga åtaganden: Publicera åtagandet på webben och i introduktionen för nyanställda.');
    expect(status).toContain('02 · Strategi: Följ upp strategin årligen i nämnderna.');

    await pg.command('u-cora', '/assess close confirm');
    const summary = await pg.last('u-maja', 'digest', 'u-maja');
    expect(summary).toContain('Sammanfattning');
    expect(summary).toContain('Självutvärdering: Stämmer delvis · Granskningsgruppen: Stämmer inte (2 av 2)');
    expect(summary).toContain('Granskningsgruppens rekommendationer');
  });

  it('the follow-up report comes as a card with a table, and its link opens the whole report as HTML or Markdown', async () => {
    await pg.command('u-cora', '/assess review report');
    const msg = (await pg.messages('u-cora')).filter((m) => m.type === 'follow-up').at(-1)!;
    expect(msg).toBeDefined();
    const text = cardText(msg.card);
    expect(text).toContain('Uppföljningsrapport: Kollegial granskning');
    // Rendered natively: no Markdown headings, tables or bold markers left in what people read.
    expect(text).not.toMatch(/^#|\|---|\*\*/m);
    const table = (msg.card.body as { type: string; rows?: { cells: { items: { text: string }[] }[] }[] }[]).find((e) => e.type === 'Table')!;
    const row = (i: number) => table.rows![i]!.cells.map((c) => c.items[0]!.text);
    expect(row(0)).toEqual(['Nyckelfaktor', 'Självutvärdering', 'Granskningsgruppen']);
    expect(row(1)).toEqual(['01 · Offentliga åtaganden', 'Stämmer delvis', 'Stämmer inte (2 av 2)']);
    const links = (msg.card.actions as { type: string; url: string }[]).filter((a) => a.type === 'Action.OpenUrl');
    expect(links).toHaveLength(2);
    const link = links[0]!.url;
    expect(links[1]!.url).toBe(`${link}?format=md`);

    const res = await pg.app.http.inject({ method: 'GET', url: new URL(link).pathname });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect(res.body).toContain('<h1>Uppföljningsrapport: Kollegial granskning</h1>');
    expect(res.body).toContain('<td>01 · Offentliga åtaganden</td><td>Stämmer delvis</td><td>Stämmer inte (2 av 2)</td>');
    expect(res.body).toContain('Uttalandet finns men är okänt i förvaltningarna.');
    expect(res.body).toContain('<a href="https://kommun.example/protokoll/2024-05" rel="noopener noreferrer nofollow">');
    expect(res.body).not.toContain('<script');
    expect(res.body).not.toMatch(/Pia|Erik|u-pia|u-erik/); // the panel speaks as one

    const asFile = await pg.app.http.inject({ method: 'GET', url: `${new URL(link).pathname}?format=md` });
    expect(asFile.headers['content-disposition']).toMatch(/^attachment; filename="follow-up-[\w.-]+\.md"$/);
    const report = asFile.body;
    expect(report).toContain('# Uppföljningsrapport: Kollegial granskning');
    expect(report).toContain('| 01 · Offentliga åtaganden | Stämmer delvis | Stämmer inte (2 av 2) |');
    expect(report).toContain('Uttalandet finns men är okänt i förvaltningarna.');
    expect(report).toContain('- <https://kommun.example/protokoll/2024-05>');
    expect(report).toContain('Intervju (01 · Offentliga åtaganden): Intervju med HR-chefen');
    expect(report).not.toMatch(/Pia|Erik|u-pia|u-erik/);
    const forged = await pg.app.http.inject({ method: 'GET', url: new URL(link).pathname.replace(/[^/]+$/, 'x'.repeat(32)) });
    expect(forged.statusCode).toBe(403);

    // The signed report (every export format goes through the same digest) carries both verdicts too.
    const url = new URL(pg.app.reportLinks.url('playground', roundId));
    const md = await pg.app.http.inject({ method: 'GET', url: `${url.pathname}?format=md` });
    expect(md.statusCode).toBe(200);
    expect(md.body).toContain('Självutvärdering: Stämmer delvis · Granskningsgruppen: Stämmer inte (2 av 2)');
    // The panel's namespaced votes do not leak into the team's rows.
    expect(md.body).not.toContain('#peer');
  });
});
