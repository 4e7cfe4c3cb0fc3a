// A realistic, fully deterministic round (and its baseline) for golden files, export tests and the HTTP route tests.
import { AnonymityKeyring } from '../../src/core/anonymity-keys.js';
import { PackRegistry } from '../../src/content/registry.js';
import type { Locale } from '../../src/content/schema.js';
import { RoundSchema, type Level, type Round } from '../../src/core/model.js';
import { FINDINGS, peerFactorId, RECOMMENDATIONS } from '../../src/core/peer-review.js';
import type { Store } from '../../src/core/ports.js';
import { AssessmentService } from '../../src/core/service.js';
import type { RoundState } from '../../src/core/read-model.js';
import { MemoryStore } from '../../src/store/index.js';

export const TENANT = 'T0MALMO';
export const ROUND_ID = '20260112-7c3f9e21';
export const BASELINE_ID = '20250113-0b5e1a2c';

/** The close of the round: Monday 23 February 2026, 17:30 in Stockholm. */
export const CLOSED_AT = Date.parse('2026-02-23T16:30:00Z');
/** A weekly digest morning mid-round: Monday 2 February 2026, 08:00 in Stockholm. */
export const WEEKLY_AT = Date.parse('2026-02-02T07:00:00Z');

export const MEMBERS: [string, string][] = [
  ['U01ANNA', 'Anna Lindqvist'],
  ['U02BO', 'Bo Eriksson'],
  ['U03CORA', 'Cora Nyström'],
  ['U04DALIA', 'Dalia Hassan'],
  ['U05ERIK', 'Erik Johansson'],
  ['U06FATIMA', 'Fatima Ali'],
  ['U07GUSTAV', 'Gustav Berg'],
  ['U08HANNA', 'Hanna Sjöberg'],
  ['U09IBRAHIM', 'Ibrahim Yusuf'],
  ['U10JOHANNA', 'Johanna Karlsson'],
  ['U11KARIM', 'Karim Haddad'],
  ['U12LENA', 'Lena Holm'],
];
export const MANAGERS: [string, string][] = [
  ['U20MARIA', 'Maria Stenberg'],
  ['U21NILS', 'Nils Åberg'],
];

/** The peer panel of the peer-review variant: two reviewers from other cities and the expert lead. */
export const PANEL: [string, string][] = [
  ['U30PIA', 'Pia Lund'],
  ['U31OMAR', 'Omar Said'],
  ['U32EVA', 'Eva Strand'],
];

/** The panel's votes (one letter per panel member, in PANEL order) on the factors it reviewed. */
const PEER_VOTES: Record<string, string> = {
  f01: 'NNP',
  f02: 'PPP',
  f03: 'NN.',
  f05: 'III',
  f08: 'PNN',
  f12: 'NNN',
};

/** Findings and recommendations as reviewers write them: long, with markup characters, quotes and a link-looking text. */
const PEER_TEXTS: { member: number; factorId: string; findings?: string; recommendations?: string }[] = [
  {
    member: 0,
    factorId: 'f01',
    findings: 'Uttalandet finns men är okänt i förvaltningarna; ingen av de intervjuade kände till det.',
    recommendations: 'Publicera åtagandet på webben och i introduktionen för nyanställda.',
  },
  { member: 1, factorId: 'f01', recommendations: 'Låt kommunstyrelsen *förnya* åtagandet varje mandatperiod | följ upp i [årsredovisningen](https://evil.example).' },
  { member: 2, factorId: 'f03', findings: 'Ansvaret är otydligt mellan förvaltningarna: "alla och ingen". <script>alert("x")</script>' },
  { member: 0, factorId: 'f08', findings: 'Utbildning i interkulturell kommunikation finns för chefer, inte för handläggare.\nIngen uppföljning av effekten.' },
  { member: 2, factorId: 'f12', recommendations: 'Inför sociala hänsyn i upphandlingspolicyn och mät andelen avtal med sådana krav.' },
];

const CODE: Record<string, Level> = { I: 'in-place', P: 'partly', N: 'not-in-place', D: 'dont-know' };

/** One letter per member, in MEMBERS order: I in place, P partly, N not in place, D don't know, . no vote. */
const VOTES: Record<string, string> = {
  f01: 'IIIIIPPPI.II',
  f02: 'PPPIPPNPP.PP',
  f03: 'IINNIINNPP.D',
  f04: 'NNNPNNDNN..N',
  f05: 'IIIIPIPIIII.',
  f06: 'PPIPPPPIPP..',
  f07: 'NNNNPNN.NDNN',
  f08: 'IPNIPNIPNDD.',
  f09: 'IIIPIII.III.',
  f10: 'PPPPPPPPIPP.',
  f11: 'DDDDP.D.DD..',
  f12: 'NNPNNNN.....',
  f13: 'IIPIIPIIPI.I',
};

/** Votes on the factors that had opened by the weekly digest morning (f01–f08), fewer on the newest. */
const WEEKLY_VOTES: Record<string, string> = {
  f01: 'IIIIIPPPI.II',
  f02: 'PPPIPPNPP.PP',
  f03: 'IINNIINNPP.D',
  f04: 'NNNPNNDNN..N',
  f05: 'IIIIPIP.I...',
  f06: 'PP.P..P.....',
  f07: 'N..N........',
  f08: '............',
};

const BASELINE_VOTES: Record<string, string> = {
  f01: 'IPPPIPPNPPI.',
  f02: 'PPNPPNNPPNPP',
  f03: 'NNNNPNNNPNND',
  f04: 'NNNNNNNNNNNN',
  f05: 'IIIPIIPIIIII',
  f06: 'PPPPPPPIPPPP',
  f07: 'NNPNNNNNNNNN',
  f08: 'PPPNPPPNPPDP',
  f09: 'PPIPPPPPIPPP',
  f10: 'NNPNNNNPNNNN',
  f11: 'DDDDDDDDDDDD',
  f12: 'NNNNNNNNNNNN',
  f13: 'PPPPIPPPPPPP',
};

interface AnswerPlan {
  member: number;
  factorId: string;
  texts: Record<string, string>;
  evidence: string[];
}

/** Answers as people write them, including the awkward ones: commas, quotes, line breaks, formulas, markup. */
const ANSWERS: AnswerPlan[] = [
  {
    member: 0,
    factorId: 'f01',
    texts: {
      'f01-q1': 'Ja, mångfaldsprogrammet antogs av kommunfullmäktige 2024.',
      'f01-q3': 'Via pressmeddelanden, stadens webb och "Mångfaldsveckan" i maj.',
    },
    evidence: ['https://malmo.se/mangfaldsprogram-2024.pdf', 'https://malmo.se/press/2024-05-02-mangfaldsveckan'],
  },
  {
    member: 4,
    factorId: 'f01',
    texts: { 'f01-q2': '=HYPERLINK("http://evil.example","klicka")' },
    evidence: ['https://malmo.se/kf-protokoll-2024-03-28.pdf'],
  },
  {
    member: 1,
    factorId: 'f02',
    texts: { 'f02-q1': 'Strategin finns, men den saknar budget.\nUppföljning sker bara i årsredovisningen.' },
    evidence: ['https://malmo.se/arsredovisning-2025.pdf'],
  },
  {
    member: 3,
    factorId: 'f03',
    texts: {
      'f03-q1': 'Kommundirektören äger frågan, men ansvaret är otydligt i förvaltningarna, "på papperet" i alla fall.',
      'f03-q2': '=cmd()',
    },
    evidence: ['https://malmo.se/ledningsgrupp/protokoll-2025-11.pdf', 'https://intranat.malmo.se/styrning/delegationsordning'],
  },
  {
    member: 5,
    factorId: 'f03',
    texts: { 'f03-q1': '+46 40 34 10 00 är växeln; ingen namngiven ansvarig.', 'f03-q3': '@kommunstyrelsen borde ta beslut.' },
    evidence: [],
  },
  {
    member: 6,
    factorId: 'f03',
    texts: { 'f03-q2': '-20 % i budget för samordning 2026. <script>alert("x")</script> *inte* | bra' },
    evidence: ['https://malmo.se/budget-2026.pdf?del=2&bilaga=a'],
  },
  {
    member: 8,
    factorId: 'f04',
    texts: { 'f04-q1': 'Dialogforum med föreningar två gånger om året.\r\nInget formellt inflytande.' },
    evidence: ['https://malmo.se/dialogforum', 'https://malmo.se/dialogforum/2025-10-minnesanteckningar.pdf'],
  },
  {
    member: 2,
    factorId: 'f05',
    texts: { 'f05-q1': 'Partnerskap med Arbetsförmedlingen och tre civilsamhällesorganisationer.' },
    evidence: ['https://malmo.se/partnerskap'],
  },
  {
    member: 9,
    factorId: 'f08',
    texts: { 'f08-q2': 'Kompetensutveckling i interkulturell kommunikation för chefer, ej för alla.' },
    evidence: [],
  },
  {
    member: 10,
    factorId: 'f09',
    texts: { 'f09-q1': '\tTabb först; statistik från SCB används, men inte uppdelat på stadsdelar.' },
    evidence: ['https://www.scb.se/hitta-statistik/', 'https://malmo.se/statistik/befolkning-2025.xlsx', 'https://malmo.se/statistik/metod.pdf', 'https://malmo.se/statistik/stadsdelar.pdf'],
  },
  {
    member: 11,
    factorId: 'f13',
    texts: { 'f13-q1': 'Årlig uppföljning i mångfaldsbokslutet.' },
    evidence: ['https://malmo.se/mangfaldsbokslut-2025.pdf'],
  },
];

const CONTEXT_NOTES = [
  { contextFactorId: 'municipal-resources', comment: 'Budgeten för samordning halveras 2026.' },
  { contextFactorId: 'political-situation', comment: 'Nytt styre efter valet; oklart om programmet förnyas.' },
];

function calendar(opensAt: string, closesAt: string): Round['calendar'] {
  return {
    timezone: 'Europe/Stockholm',
    opensAt,
    closesAt,
    pacing: { kind: 'staggered', everyDays: 2, workingDaysOnly: true, answerWindowDays: 14 },
    reminders: { enabled: true, daysBefore: [2], time: '09:00' },
    digest: { enabled: true, weekday: 1, time: '08:00', showNames: true },
  };
}

function baseRound(id: string, locale: Locale, anonymous: boolean, tenant: string): Round {
  return RoundSchema.parse({
    id,
    tenant,
    platform: 'slack',
    channel: { id: 'C0MANGFALD', name: 'mangfald-utvardering' },
    packId: 'integrating-cities-diversity',
    locale,
    mode: 'internal-evaluation',
    status: 'open',
    createdAt: '2026-01-09T10:00:00.000Z',
    openedAt: '2026-01-09T10:00:00.000Z',
    coordinators: ['U03CORA'],
    participants: MEMBERS.map(([m]) => m),
    managers: MANAGERS.map(([m]) => m),
    names: Object.fromEntries([...MEMBERS, ...MANAGERS]),
    calendar: calendar('2026-01-12T08:00:00+01:00', '2026-02-23T17:00:00+01:00'),
    factorIds: Array.from({ length: 13 }, (_, i) => `f${String(i + 1).padStart(2, '0')}`),
    anonymous,
    minResponses: 3,
  });
}

export interface RealisticWorld {
  service: AssessmentService;
  store: Store;
  state: RoundState;
  baseline: RoundState;
}

export interface RealisticOptions {
  locale: Locale;
  stage?: 'final' | 'weekly';
  anonymous?: boolean;
  store?: Store;
  tenant?: string;
  /** Leave out every vote and answer (the "nobody responded" round). */
  empty?: boolean;
  /** A peer review in its review phase: the panel has voted and written findings, recommendations and notes. */
  mode?: 'internal-evaluation' | 'peer-review';
}

async function fill(service: AssessmentService, store: Store, round: Round, votes: Record<string, string>, answers: AnswerPlan[], at: string): Promise<void> {
  for (const [factorId, plan] of Object.entries(votes)) {
    for (const [i, letter] of [...plan].entries()) {
      const level = CODE[letter];
      const member = MEMBERS[i]?.[0];
      if (!level || !member) continue;
      await store.recordVote({
        tenant: round.tenant,
        roundId: round.id,
        factorId,
        memberId: service.memberKey(round, member),
        level,
        interactionId: `${round.id}:${factorId}:${member}`,
        at,
      });
    }
  }
  for (const a of answers) {
    const member = MEMBERS[a.member]![0];
    await store.saveAnswer(round.tenant, round.id, {
      factorId: a.factorId,
      memberId: service.memberKey(round, member),
      texts: a.texts,
      evidence: a.evidence,
      at,
    });
  }
}

async function fillPanel(service: AssessmentService, store: Store, round: Round): Promise<void> {
  const at = '2026-02-16T09:00:00.000Z';
  for (const [factorId, plan] of Object.entries(PEER_VOTES)) {
    for (const [i, letter] of [...plan].entries()) {
      const level = CODE[letter];
      const member = PANEL[i]?.[0];
      if (!level || !member) continue;
      const key = peerFactorId(factorId);
      await store.recordVote({ tenant: round.tenant, roundId: round.id, factorId: key, memberId: service.memberKey(round, member), level, interactionId: `${round.id}:${key}:${member}`, at });
    }
  }
  for (const [i, p] of PEER_TEXTS.entries()) {
    const texts: Record<string, string> = {};
    if (p.findings) texts[FINDINGS] = p.findings;
    if (p.recommendations) texts[RECOMMENDATIONS] = p.recommendations;
    await store.saveAnswer(round.tenant, round.id, { factorId: peerFactorId(p.factorId), memberId: service.memberKey(round, PANEL[p.member]![0]), texts, evidence: [], at: `2026-02-16T09:0${i}:00.000Z` });
  }
}

export async function realisticRound(opts: RealisticOptions): Promise<RealisticWorld> {
  const stage = opts.stage ?? 'final';
  const tenant = opts.tenant ?? TENANT;
  const now = stage === 'final' ? CLOSED_AT : WEEKLY_AT;
  const store = opts.store ?? new MemoryStore();
  const service = new AssessmentService({
    store,
    packs: PackRegistry.fromDir(),
    clock: { now: () => now },
    anonymityKeys: new AnonymityKeyring('golden-anonymity-secret'),
  });
  const anonymous = opts.anonymous ?? false;

  const baseRoundDoc: Round = {
    ...baseRound(BASELINE_ID, opts.locale, anonymous, tenant),
    createdAt: '2025-01-10T10:00:00.000Z',
    openedAt: '2025-01-10T10:00:00.000Z',
    isBaseline: true,
    calendar: calendar('2025-01-13T08:00:00+01:00', '2025-02-24T17:00:00+01:00'),
  };
  await store.createRound(baseRoundDoc);
  await fill(service, store, baseRoundDoc, BASELINE_VOTES, [], '2025-02-10T09:00:00.000Z');
  await store.updateRound(tenant, BASELINE_ID, (r) => ({ ...r, status: 'closed', closedAt: '2025-02-24T16:00:00.000Z' }));

  const peerReview = opts.mode === 'peer-review';
  const base = baseRound(ROUND_ID, opts.locale, anonymous, tenant);
  const round: Round = {
    ...base,
    baselineRoundId: BASELINE_ID,
    previousRoundId: BASELINE_ID,
    contextNotes: CONTEXT_NOTES.map((n) => ({ ...n, by: 'U03CORA', at: '2026-01-20T13:00:00.000Z' })),
    ...(peerReview
      ? {
          mode: 'peer-review' as const,
          reviewers: PANEL.slice(0, 2).map(([id]) => id),
          reviewLead: PANEL[2]![0],
          names: { ...base.names, ...Object.fromEntries(PANEL) },
          reviewPhase: 'review' as const,
          reviewStartedAt: '2026-02-09T08:00:00.000Z',
          reviewNotes: [
            { id: 'N1', kind: 'interview' as const, factorIds: ['f01'], text: 'Intervju med HR-chefen: uttalandet används inte vid rekrytering.', by: PANEL[0]![0], at: '2026-02-10T10:00:00.000Z' },
            { id: 'N2', kind: 'focus-group' as const, factorIds: [], text: 'Fokusgrupp med stadsdelarna om bemötande i kundtjänst.', by: PANEL[2]![0], at: '2026-02-11T13:00:00.000Z' },
          ],
        }
      : {}),
  };
  await store.createRound(round);
  if (!opts.empty) {
    const answers = stage === 'final' ? ANSWERS : ANSWERS.filter((a) => Number(a.factorId.slice(1)) <= 5);
    await fill(service, store, round, stage === 'final' ? VOTES : WEEKLY_VOTES, answers, '2026-01-28T09:15:00.000Z');
  }
  if (peerReview && !opts.empty) await fillPanel(service, store, round);
  if (stage === 'final') {
    await store.updateRound(tenant, ROUND_ID, (r) => ({ ...r, status: 'closed', closedAt: new Date(CLOSED_AT).toISOString() }));
  }
  return {
    service,
    store,
    state: await service.state(tenant, ROUND_ID),
    baseline: await service.state(tenant, BASELINE_ID),
  };
}

/** The stored answers of the realistic round, for checking exports against what went in. */
export const REALISTIC_ANSWERS = ANSWERS.map((a) => ({ ...a, memberId: MEMBERS[a.member]![0] }));
export const REALISTIC_VOTES = VOTES;
