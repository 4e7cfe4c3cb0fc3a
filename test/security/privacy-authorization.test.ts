// Privacy requests answer only to the right people (issue 14, item 1): a person for themselves, a workspace admin or
// owner (Slack users.info) or a PRIVACY_ADMINS entry for anyone, a coordinator for what their own named rounds hold.
// Driven with real HMAC-signed Slack requests and real Bot Framework activities; every request about someone else is
// audited, and a refusal stores nothing else.
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runPrivacyCommand } from '../../src/cli/modes.js';
import { t } from '../../src/core/i18n.js';
import { slackText } from '../../src/platforms/slack/mrkdwn.js';
import { CHANNEL as TEAMS_CHANNEL, PEOPLE, TENANT, channelMessage, fixture } from '../fixtures/teams/activities.js';
import { fakeConnector } from '../fixtures/teams/harness.js';
import { REDIS_URL, settings } from '../helpers/world.js';
import { ANNA, BO, CHANNEL, CORA, SECRET, TEAM_A, prefixContents, responses, sendCommand, sendVote, startRound, startSecApp, type SecApp } from './harness.js';
import { interactionBody, postSigned } from '../helpers/slack-sign.js';

const EVA = 'U0EVA'; // coordinator of a throwaway round of her own
const DAN = 'U0DAN'; // in the workspace, in no round
const ADMIN = 'U0ADMIN';
const OWNER = 'U0OWNER';
const SECRET_ANSWER = 'Annas hemliga svar om budgeten';
const BUILT_INS = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
const refused = t('sv', 'errors.PRIVACY_NOT_ALLOWED');
/** The store's record collection the audit trail lives in. */
const PRIVACY_AUDIT = 'privacy-audit';

let s: SecApp;
let named: string;
let anonymous: string;

interface ExportJson {
  userId: string;
  rounds: { roundId: string; votes: { factorId: string; level: string }[]; answers: { texts: Record<string, string> }[] }[];
  records: { collection: string }[];
}

/** `/assess privacy <args>` from `user`, signed; the one reply it gets. */
async function privacy(user: string, args: string): Promise<string> {
  s.fake.reset();
  const res = await sendCommand(s, { text: `privacy ${args}`, user_id: user, user_name: user.toLowerCase() });
  expect(res.status).toBe(200);
  await s.slack.settled();
  const said = responses(s);
  expect(said).toHaveLength(1);
  expect(s.fake.responses[0]!.body.response_type).toBe('ephemeral');
  return said[0]!;
}

/** Everything stored except the audit trail, which is the one thing a refusal adds. */
async function storedExceptAudit(): Promise<Record<string, string>> {
  const all = await prefixContents(s.store);
  return Object.fromEntries(Object.entries(all).filter(([key]) => !key.endsWith(`:rec:${PRIVACY_AUDIT}`)));
}

/** GETs the export link a reply carries, from the server itself. */
async function download(reply: string): Promise<{ status: number; text: string }> {
  const url = /https:\/\/assess\.malmo\.example(\/privacy-export\/\S+)/.exec(reply);
  expect(url, reply).not.toBeNull();
  const res = await fetch(`${s.base}${url![1]}`);
  return { status: res.status, text: await res.text() };
}

async function exported(reply: string): Promise<ExportJson> {
  const res = await download(reply);
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as ExportJson;
}

interface AuditEntry {
  tenant: string;
  at: string;
  actor: string;
  subject: string;
  action: string;
  outcome: string;
  basis: string;
  platform?: string;
  rounds?: number;
}

/** A tenant's audit trail as stored, oldest first (ids start with the time). */
async function audit(tenant = TEAM_A): Promise<AuditEntry[]> {
  const all = await s.store.listRecords(PRIVACY_AUDIT);
  return Object.keys(all)
    .sort()
    .map((id) => all[id] as unknown as AuditEntry)
    .filter((e) => e.tenant === tenant);
}

async function auditAbout(subject: string): Promise<AuditEntry[]> {
  return (await audit()).filter((e) => e.subject === subject);
}

/** Anna's answer, saved through the answer modal as Slack submits it. */
async function answerAsAnna(roundId: string): Promise<void> {
  const view = {
    type: 'view_submission',
    team: { id: TEAM_A },
    user: { id: ANNA, name: 'anna.berg' },
    view: {
      id: 'V0ANSWER',
      callback_id: 'assess-answer',
      private_metadata: JSON.stringify({ t: TEAM_A, r: roundId, f: 'f01', c: CHANNEL }),
      state: { values: { 'q:f01-q1': { value: { type: 'plain_text_input', value: SECRET_ANSWER } }, evidence: { value: { type: 'plain_text_input', value: 'https://kommun.example/anna' } } } },
    },
  };
  const res = await postSigned(`${s.base}/slack/events`, interactionBody(view), SECRET, { timestamp: Math.floor(s.clock.now() / 1000) });
  expect(res.status).toBe(200);
  await s.slack.settled();
}

beforeAll(async () => {
  s = await startSecApp({ env: { PRIVACY_ADMINS: PEOPLE.cecilia.id } });
  s.fake.addUser(EVA, 'Eva Strand').addUser(DAN, 'Dan Ek').addUser(ADMIN, 'Ada Admin', { isAdmin: true }).addUser(OWNER, 'Olle Ägare', { isOwner: true });
  named = (await startRound(s)).id;
  await sendVote(s, { user: ANNA, roundId: named, factorId: 'f01', level: 'partly' });
  await answerAsAnna(named);
  // Cora also runs an anonymous round Anna takes part in: outside what a coordinator may export.
  anonymous = (
    await s.app.service.startRound({
      tenant: TEAM_A,
      platform: 'slack',
      settings: settings({ channelId: 'C0ANON', participants: [CORA, ANNA, BO], anonymous: true, startDate: '2026-01-12', closeDate: '2026-02-23' }),
      actor: { id: CORA, name: 'Cora Lind' },
    })
  ).id;
  await s.app.service.castVote({ tenant: TEAM_A, roundId: anonymous, factorId: 'f01', actor: { id: ANNA }, level: 'in-place', interactionId: 'anon-1' });
  // The attack: anyone can start a throwaway round and so become "a coordinator".
  await s.app.service.startRound({
    tenant: TEAM_A,
    platform: 'slack',
    settings: settings({ channelId: 'C0EVA', participants: [EVA], startDate: '2026-01-12', closeDate: '2026-02-23' }),
    actor: { id: EVA, name: 'Eva Strand' },
  });
  expect((await s.store.getSnapshot(TEAM_A, named))!.answers.f01?.[ANNA]?.texts['f01-q1']).toBe(SECRET_ANSWER);
});

afterAll(async () => {
  await s.close();
});

beforeEach(() => {
  s.fake.reset();
});

describe('someone else\'s data, on Slack', () => {
  it.each([
    ['another member of the round', BO, 'export'],
    ['another member of the round', BO, 'erase'],
    ['someone in no round at all', DAN, 'export'],
    ['someone in no round at all', DAN, 'erase'],
    ['a coordinator of another round', EVA, 'erase'],
    ['the coordinator of Anna\'s round', CORA, 'erase'],
  ])('%s (%s) is refused to %s Anna: audited, and nothing else is stored', async (_who, asker, action) => {
    const before = await storedExceptAudit();
    const auditBefore = (await auditAbout(ANNA)).length;
    expect(await privacy(asker, `${action} <@${ANNA}> confirm`)).toBe(refused);
    expect(await storedExceptAudit()).toEqual(before);
    const aboutAnna = await auditAbout(ANNA);
    expect(aboutAnna).toHaveLength(auditBefore + 1);
    expect(aboutAnna.at(-1)).toMatchObject({ tenant: TEAM_A, actor: asker, subject: ANNA, action, outcome: 'refused', basis: 'none', platform: 'slack', at: new Date(s.clock.now()).toISOString() });
    expect((await s.store.getSnapshot(TEAM_A, named))!.answers.f01?.[ANNA]?.texts['f01-q1']).toBe(SECRET_ANSWER);
  });

  it('a coordinator of a throwaway round gets nothing of Anna, and cannot replace the real coordinator', async () => {
    const reply = await privacy(EVA, `export ${ANNA}`);
    expect(reply).not.toContain(SECRET_ANSWER);
    const data = await exported(reply);
    expect(data.rounds).toEqual([]);
    expect(data.records).toEqual([]);
    expect(await privacy(EVA, `erase ${CORA} confirm`)).toBe(refused);
    expect((await s.store.getRound(TEAM_A, named))!.coordinators).toEqual([CORA]);
  });

  it('the coordinator sees only what her own named rounds hold about Anna, and no other records', async () => {
    const reply = await privacy(CORA, `export <@${ANNA}|anna>`);
    expect(reply.startsWith(t('sv', 'modes.privacy.exportedScoped', { user: ANNA, rounds: 1, url: '@' }).split('@')[0]!)).toBe(true);
    const data = await exported(reply);
    expect(data.rounds.map((r) => r.roundId)).toEqual([named]);
    expect(data.rounds[0]!.answers[0]!.texts['f01-q1']).toBe(SECRET_ANSWER);
    expect(data.records).toEqual([]);
    expect((await auditAbout(ANNA)).filter((e) => e.action === 'export').at(-1)).toMatchObject({ actor: CORA, outcome: 'allowed', basis: 'coordinator', rounds: 1 });
    // What the link handed out shows was checked again when it was used, and that is on record too.
    expect((await auditAbout(ANNA)).filter((e) => e.action === 'download').at(-1)).toMatchObject({ actor: CORA, outcome: 'allowed', basis: 'coordinator', rounds: 1 });
  });

  it('a workspace admin or owner (users.info of the one asking) may export anyone; the audit never holds the data', async () => {
    for (const asker of [ADMIN, OWNER]) {
      const reply = await privacy(asker, `export ${ANNA}`);
      expect(s.fake.callsTo('users.info').map((c) => c.body.user)).toContain(asker);
      const data = await exported(reply);
      expect(data.rounds.map((r) => r.roundId).sort()).toEqual([named, anonymous].sort());
      // An anonymous round keeps no readable link between a person and their responses, not even for an admin.
      expect(data.rounds.find((r) => r.roundId === anonymous)!.votes).toEqual([]);
      expect(data.rounds.find((r) => r.roundId === named)!.votes).toEqual([{ factorId: 'f01', panel: 'team', level: 'partly' }]);
      expect((await auditAbout(ANNA)).filter((e) => e.action === 'export').at(-1)).toMatchObject({ actor: asker, outcome: 'allowed', basis: 'admin' });
    }
    const stored = JSON.stringify(await s.store.listRecords(PRIVACY_AUDIT));
    expect(stored).not.toContain(SECRET_ANSWER);
    expect(stored).not.toContain('kommun.example/anna');
  });

  it('the built-in property names as user ids find nobody, leak nothing and store nothing', async () => {
    for (const name of BUILT_INS) {
      const before = await storedExceptAudit();
      // `privacy export constructor` used to list every round in the workspace.
      const data = await exported(await privacy(EVA, `export ${name}`));
      expect(data.rounds).toEqual([]);
      expect(data.records).toEqual([]);
      const asAdmin = await exported(await privacy(ADMIN, `export ${name}`));
      expect(asAdmin.rounds).toEqual([]);
      expect(asAdmin.records).toEqual([]);
      expect(await privacy(ADMIN, `erase ${name} confirm`)).toBe(
        t('sv', 'modes.privacy.erased', { rounds: t('sv', 'modes.privacy.rounds.other', { count: 0 }), answers: 0, votes: 0, records: 0 }),
      );
      expect(await storedExceptAudit()).toEqual(before);
      // The same names as the person asking, about themselves: nothing of anyone else, and not even an audit entry.
      const all = await prefixContents(s.store);
      const own = await exported(await privacy(name, 'export'));
      expect(own).toMatchObject({ userId: name, rounds: [], records: [] });
      expect(await privacy(name, 'erase confirm')).toContain(t('sv', 'modes.privacy.rounds.other', { count: 0 }));
      expect(await privacy(name, `export ${ANNA}`)).toBe(refused);
      expect(await storedExceptAudit()).toEqual(Object.fromEntries(Object.entries(all).filter(([k]) => !k.endsWith(`:rec:${PRIVACY_AUDIT}`))));
    }
    expect((await s.store.getRound(TEAM_A, named))!.participants).toEqual([CORA, ANNA, BO]);
  });

  it('the export never goes into the chat: a summary, and a sealed link that lasts an hour', async () => {
    const reply = await privacy(ANNA, 'export');
    expect(reply).not.toContain(SECRET_ANSWER);
    expect(reply).not.toContain('{');
    const token = /\/privacy-export\/(\S+)/.exec(reply)![1]!;
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain(ANNA); // whose data it is stays unreadable
    expect((await exported(reply)).rounds.find((r) => r.roundId === named)!.answers[0]!.texts['f01-q1']).toBe(SECRET_ANSWER);
    // A person's own requests are theirs: not in the audit trail.
    expect((await auditAbout(ANNA)).some((e) => e.actor === ANNA)).toBe(false);
    const forged = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    expect((await fetch(`${s.base}/privacy-export/${forged}`)).status).toBe(403);
    expect((await fetch(`${s.base}/privacy-export/x`)).status).toBe(403);
    s.clock.advance(61 * 60 * 1000);
    try {
      const late = await download(reply);
      expect(late.status).toBe(403);
      expect(late.text).toContain(t('sv', 'modes.privacy.linkInvalid'));
    } finally {
      s.clock.advance(-61 * 60 * 1000);
    }
  });

  it('an admin erases Anna; the trail of requests about her stays, and can be read on the command line', async () => {
    const before = await prefixContents(s.store);
    expect(await privacy(ADMIN, `erase ${ANNA}`)).toBe(slackText(t('sv', 'modes.privacy.confirmErase', { user: ANNA })));
    expect(await prefixContents(s.store)).toEqual(before); // asking is not doing, and not yet on record
    expect(await privacy(ADMIN, `erase ${ANNA} confirm`)).toContain(t('sv', 'modes.privacy.rounds.other', { count: 2 }));
    expect((await s.store.getSnapshot(TEAM_A, named))!.answers.f01?.[ANNA]).toBeUndefined();
    const aboutAnna = await auditAbout(ANNA);
    expect(aboutAnna.filter((e) => e.outcome === 'refused').length).toBeGreaterThanOrEqual(6);
    expect(aboutAnna.at(-1)).toMatchObject({ actor: ADMIN, action: 'erase', outcome: 'allowed', basis: 'admin' });

    const out: string[] = [];
    const err: string[] = [];
    const env = { REDIS_URL, REDIS_PREFIX: s.store.keys.prefix, ANONYMITY_SECRET: 'security-test-secret', LOG_LEVEL: 'silent' };
    const sink = (into: string[]) => ({ write: (c: string | Buffer) => into.push(String(c)) });
    expect(await runPrivacyCommand(['audit', '--tenant', TEAM_A], sink(out), sink(err), env)).toBe(0);
    const lines = out.join('').trim().split('\n');
    expect(lines.some((l) => /\bexport\s+refused\s+U0BO -> U0ANNA\s+\(none, slack\)/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/\berase\s+allowed\s+U0ADMIN -> U0ANNA\s+\(admin, slack\)/);
    out.length = 0;
    expect(await runPrivacyCommand(['audit', '--tenant', TEAM_A, '--json'], sink(out), sink(err), env)).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual(await audit());
  });
});

describe('someone else\'s data, on Teams: only PRIVACY_ADMINS', () => {
  let teamsRound: string;

  beforeAll(async () => {
    fakeConnector();
    const res = await fetch(`${s.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fixture('conversation-update-bot-added.json')) });
    expect(res.status).toBe(200);
    await s.teams!.flush();
    teamsRound = (
      await s.app.service.startRound({
        tenant: TENANT,
        platform: 'teams',
        settings: settings({ channelId: TEAMS_CHANNEL, participants: [PEOPLE.cora.id, PEOPLE.anna.id], startDate: '2026-01-12', closeDate: '2026-02-23' }),
        actor: { id: PEOPLE.cora.id, name: PEOPLE.cora.name },
      })
    ).id;
    await s.app.service.castVote({ tenant: TENANT, roundId: teamsRound, factorId: 'f02', actor: { id: PEOPLE.anna.id }, level: 'in-place', interactionId: 'teams-1' });
  });

  async function ask(from: (typeof PEOPLE)[keyof typeof PEOPLE], text: string): Promise<string> {
    nock.cleanAll();
    const connector = fakeConnector();
    const res = await fetch(`${s.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(channelMessage(from, `assess privacy ${text}`)) });
    expect(res.status).toBe(200);
    await s.teams!.flush();
    const replies = connector.calls.filter((c) => c.method === 'POST' && c.path.includes('/activities'));
    expect(replies).toHaveLength(1);
    return String(replies[0]!.body.text);
  }

  it('a member who is not listed is refused, audited, and nothing else changes', async () => {
    const before = await storedExceptAudit();
    expect(await ask(PEOPLE.bo, `export ${PEOPLE.anna.id}`)).toBe(refused);
    const after = await storedExceptAudit();
    // Every Teams turn refreshes how to reach its conversation (a stored reference); nothing else may change.
    expect(Object.keys({ ...before, ...after }).filter((k) => after[k] !== before[k] && !k.endsWith(':rec:teams-ref'))).toEqual([]);
    expect((await audit(TENANT)).at(-1)).toMatchObject({ actor: PEOPLE.bo.id, subject: PEOPLE.anna.id, outcome: 'refused', platform: 'teams' });
  });

  it('the one listed in PRIVACY_ADMINS may export anyone', async () => {
    const data = await exported(await ask(PEOPLE.cecilia, `export ${PEOPLE.anna.id}`));
    expect(data.rounds.find((r) => r.roundId === teamsRound)!.votes).toEqual([{ factorId: 'f02', panel: 'team', level: 'in-place' }]);
    expect((await audit(TENANT)).filter((e) => e.action === 'export').at(-1)).toMatchObject({ actor: PEOPLE.cecilia.id, outcome: 'allowed', basis: 'admin', platform: 'teams' });
  });

  afterAll(() => {
    nock.cleanAll();
  });
});
