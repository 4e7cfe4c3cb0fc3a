// Privacy and data lifecycle: per-user export and erasure, forgetting a tenant on uninstall, and purging rounds past retention.
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { hasOwnKey, ownValue } from './own.js';
import { isPeerFactorId } from './peer-review.js';
import { coordinatedRoundIds, PrivacyAudit } from './privacy-access.js';
import type { Round } from './model.js';
import type { PersonalDataSource, PersonRequest } from './personal-data.js';
import type { Job, Store, StoredRecord } from './ports.js';
import type { RecordsOf } from './record-scope.js';
import { erasePersonMarks, personMarks } from './delivery/marks.js';

/** How a generic record collection (Store.putRecord) relates to people and tenants. */
export interface RecordCollectionPolicy {
  collection: string;
  /** Records carry no tenant (the single-tenant playground): match on the person or round alone. */
  tenantless?: boolean;
  /**
   * What a person's erasure does with a record that mentions them: delete it (the default), or keep it because
   * the record is needed to run the workspace and its owner redacts it (e.g. an installation).
   */
  onErase?: 'delete' | 'keep';
}

/**
 * Collections every deployment may hold: dead jobs (scheduler), Teams conversation references and Slack
 * installations. Names only, so the core needs no platform code. Delivery markers are not here: they live with their
 * round (delivery/marks.ts) and are reached through it.
 */
export const DEFAULT_COLLECTIONS: RecordCollectionPolicy[] = [
  { collection: 'dead-jobs' },
  { collection: 'teams-ref' },
  { collection: 'slack-installations', onErase: 'keep' },
];

/** Splits ids like `T1:R1:reminder:…|U_ANNA` or `user|T1|29:abc` into the parts an id can be. */
function tokens(text: string): string[] {
  return [text, ...text.split('|'), ...text.split(':'), ...text.split(/[|:]/)];
}

/** True when every needle group has a member that appears as a whole token in the record id or any string in it. */
export function recordMentions(id: string, value: unknown, groups: string[][]): boolean {
  const seen = new Set<string>(tokens(id));
  const walk = (v: unknown, depth: number): void => {
    if (depth > 12) return;
    if (typeof v === 'string') for (const x of tokens(v)) seen.add(x);
    else if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        for (const part of tokens(k)) seen.add(part);
        walk(x, depth + 1);
      }
    }
  };
  walk(value, 0);
  return groups.every((group) => group.some((needle) => needle.length > 0 && seen.has(needle)));
}

/**
 * A source over one record collection, matching records by the ids they mention. It reads only the tenant's records
 * (or the purged round's) through the store's per-tenant index (core/record-scope.ts), never the whole collection,
 * except for a tenantless collection (the single-tenant playground).
 */
export function recordCollectionSource(store: Store, policy: RecordCollectionPolicy): PersonalDataSource {
  const { collection } = policy;
  const matching = async (groups: string[][], of: RecordsOf): Promise<[string, StoredRecord][]> =>
    Object.entries(await store.listRecords(collection, policy.tenantless ? undefined : of)).filter(([id, value]) => recordMentions(id, value, groups));
  const personGroups = (req: PersonRequest): string[][] => (policy.tenantless ? [req.aliases] : [[req.tenant], req.aliases]);
  return {
    name: collection,
    async exportPerson(req) {
      return (await matching(personGroups(req), { tenant: req.tenant })).map(([id, value]) => ({ collection, id, value }));
    },
    async erasePerson(req) {
      if (policy.onErase === 'keep') return 0;
      const found = await matching(personGroups(req), { tenant: req.tenant });
      for (const [id] of found) await store.deleteRecord(collection, id);
      return found.length;
    },
    async purgeRound(tenant, roundId) {
      const found = await matching(policy.tenantless ? [[roundId]] : [[tenant], [roundId]], { tenant, roundId });
      for (const [id] of found) await store.deleteRecord(collection, id);
      return found.length;
    },
    async forgetTenant(tenant) {
      if (policy.tenantless) return 0;
      const found = await matching([[tenant]], { tenant });
      for (const [id] of found) await store.deleteRecord(collection, id);
      return found.length;
    },
  };
}

// --- retention ----------------------------------------------------------------------------------

export const DEFAULT_RETENTION_MONTHS = 24;

/** When a closed round is purged: `months` after its close (or after its calendar close, for old data). */
export function retentionDueAt(round: Round, months: number): number | null {
  if (round.status !== 'closed' && round.status !== 'archived') return null;
  const closed = round.closedAt ?? round.archivedAt ?? round.calendar.closesAt;
  return DateTime.fromISO(closed, { setZone: true }).plus({ months }).toMillis();
}

/**
 * The due time is part of the id: a changed RETENTION_MONTHS then adds a job at the new time instead of fighting
 * over one id, and the job that runs at the old time just finds it is not time yet (or the round gone).
 */
export function retentionJobId(round: Pick<Round, 'tenant' | 'id'>, dueAt: number): string {
  return `${round.tenant}:${round.id}:retention-purge:${dueAt}`;
}

export function retentionJob(round: Round, months: number): Job | null {
  const dueAt = retentionDueAt(round, months);
  if (dueAt === null) return null;
  return { id: retentionJobId(round, dueAt), kind: 'retention-purge', tenant: round.tenant, roundId: round.id, dueAt, payload: { months }, attempts: 0 };
}

// --- erasure inside a round ------------------------------------------------------------------------

export function newPseudonym(): string {
  return `erased-${randomBytes(6).toString('hex')}`;
}

/** Whether a round's own record names the person anywhere (roles, names, notes, actions). */
export function roundMentions(round: Round, userId: string): boolean {
  return (
    round.coordinators.includes(userId) ||
    round.participants.includes(userId) ||
    round.managers.includes(userId) ||
    round.reviewers.includes(userId) ||
    round.reviewLead === userId ||
    hasOwnKey(round.names, userId) ||
    round.contextNotes.some((n) => n.by === userId) ||
    (round.reviewNotes ?? []).some((n) => n.by === userId) ||
    (round.actionPlan?.actions ?? []).some((a) => a.owner === userId || a.createdBy === userId || a.doneBy === userId)
  );
}

/** Replaces the person's name in free text written by others (best effort: names of three letters or more). */
export function redactNames(text: string, names: string[], replacement: string): string {
  let out = text;
  for (const name of names) {
    if (name.trim().length < 3) continue;
    const escaped = name.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}(?=$|[^\\p{L}\\p{N}])`, 'gu'), `$1${replacement}`);
  }
  return out;
}

/**
 * The round with the person replaced by a pseudonym everywhere: roles keep their size (eligible counts and the
 * coordinator slot stay valid), their display name goes, and their name is redacted from free text.
 */
export function withoutPerson(round: Round, userId: string, pseudonym: string, names: string[], redacted: string): Round {
  const swap = (ids: string[]) => [...new Set(ids.map((id) => (id === userId ? pseudonym : id)))];
  const clean = (text: string) => redactNames(text, names, redacted);
  const otherNames = Object.fromEntries(Object.entries(round.names).filter(([id]) => id !== userId));
  return {
    ...round,
    ...(round.title ? { title: clean(round.title) } : {}),
    coordinators: swap(round.coordinators),
    participants: swap(round.participants),
    managers: swap(round.managers),
    reviewers: swap(round.reviewers),
    ...(round.reviewLead ? { reviewLead: round.reviewLead === userId ? pseudonym : round.reviewLead } : {}),
    names: Object.fromEntries(Object.entries(otherNames).map(([id, name]) => [id, clean(name)])),
    contextNotes: round.contextNotes.map((n) => ({ ...n, by: n.by === userId ? pseudonym : n.by, comment: clean(n.comment) })),
    ...(round.reviewNotes
      ? { reviewNotes: round.reviewNotes.map((n) => ({ ...n, by: n.by === userId ? pseudonym : n.by, text: clean(n.text) })) }
      : {}),
    ...(round.actionPlan
      ? {
          actionPlan: {
            ...round.actionPlan,
            actions: round.actionPlan.actions.map((a) => ({
              ...a,
              text: clean(a.text),
              owner: a.owner === userId ? pseudonym : a.owner,
              createdBy: a.createdBy === userId ? pseudonym : a.createdBy,
              ...(a.doneBy ? { doneBy: a.doneBy === userId ? pseudonym : a.doneBy } : {}),
            })),
          },
        }
      : {}),
  };
}

export interface PersonExport {
  kind: 'personal-data-export';
  tenant: string;
  userId: string;
  generatedAt: string;
  names: string[];
  rounds: {
    roundId: string;
    title?: string;
    channel: string;
    status: string;
    mode: string;
    createdAt: string;
    roles: string[];
    anonymous: boolean;
    /** Anonymous rounds keep no readable link between a person and their responses, so none are listed. */
    note?: string;
    votes: { factorId: string; panel: 'team' | 'peer'; level: string }[];
    answers: { factorId: string; panel: 'team' | 'peer'; texts: Record<string, string>; evidence: string[]; at: string }[];
    contextNotes: { contextFactorId: string; comment: string; at: string }[];
    reviewNotes: { kind: string; text: string; at: string }[];
    actions: { id: string; factorId: string; text: string; role: string[]; due: string; status: string }[];
  }[];
  records: unknown[];
}

export interface ErasureSummary {
  rounds: number;
  votes: number;
  answers: number;
  records: number;
}

/** What the core's services offer the privacy requests: the store, the clock and member keys. */
export interface PrivacyHost {
  readonly store: Store;
  nowIso(): string;
  memberKey(round: Round, memberId: string): string;
  /** False for an anonymous round whose key was retired: nothing stored there can be matched to anyone any more. */
  canKeyMembers(round: Round): boolean;
}

/**
 * Privacy requests and data removal. Rounds are handled here; everything kept elsewhere (platform records) is
 * reached through registered sources, so Slack, Teams and the playground can add theirs.
 */
export class PrivacyRequests {
  private readonly sources: PersonalDataSource[] = [];
  /** Requests about someone else, allowed or refused (see privacy-access.ts). */
  readonly audit: PrivacyAudit;

  constructor(private readonly host: PrivacyHost, collections: RecordCollectionPolicy[] = DEFAULT_COLLECTIONS) {
    for (const c of collections) this.registerCollection(c);
    this.audit = new PrivacyAudit(host.store);
    this.register(this.audit.source());
  }

  register(source: PersonalDataSource): void {
    this.sources.push(source);
  }

  registerCollection(policy: RecordCollectionPolicy): void {
    if (this.sources.some((s) => s.name === policy.collection)) return;
    this.register(recordCollectionSource(this.host.store, policy));
  }

  private async person(tenant: string, userId: string, roundIds?: ReadonlySet<string>): Promise<{ req: PersonRequest; rounds: Round[] }> {
    const rounds = (await this.host.store.listRounds(tenant)).filter((r) => !roundIds || roundIds.has(r.id));
    const names = [...new Set(rounds.map((r) => ownValue(r.names, userId)).filter((n): n is string => typeof n === 'string' && n.trim() !== ''))];
    const aliases = [userId, ...rounds.filter((r) => r.anonymous && this.host.canKeyMembers(r)).map((r) => this.host.memberKey(r, userId))];
    return { req: { tenant, userId, names, aliases }, rounds };
  }

  /**
   * Everything stored about one person in a tenant, as plain data (the CLI prints it as JSON). With `roundIds`, only
   * what those rounds hold about them (a coordinator's view of their own rounds), and no other records.
   */
  async exportPerson(tenant: string, userId: string, opts: { roundIds?: ReadonlySet<string> } = {}): Promise<PersonExport> {
    const { req, rounds } = await this.person(tenant, userId, opts.roundIds);
    const out: PersonExport = { kind: 'personal-data-export', tenant, userId, generatedAt: this.host.nowIso(), names: req.names, rounds: [], records: [] };
    for (const round of rounds) {
      const snapshot = await this.host.store.getSnapshot(tenant, round.id);
      const key = round.anonymous ? null : userId;
      const votes: PersonExport['rounds'][number]['votes'] = [];
      const answers: PersonExport['rounds'][number]['answers'] = [];
      if (snapshot && key) {
        for (const [factorId, byMember] of Object.entries(snapshot.votes)) {
          const level = ownValue(byMember, key);
          if (level) votes.push({ factorId: factorId.replace(/#peer$/, ''), panel: isPeerFactorId(factorId) ? 'peer' : 'team', level });
        }
        for (const [factorId, byMember] of Object.entries(snapshot.answers)) {
          const a = ownValue(byMember, key);
          if (a) answers.push({ factorId: factorId.replace(/#peer$/, ''), panel: isPeerFactorId(factorId) ? 'peer' : 'team', texts: a.texts, evidence: a.evidence, at: a.at });
        }
      }
      if (!roundMentions(round, userId) && votes.length === 0 && answers.length === 0) continue;
      const roles = [
        ...(round.coordinators.includes(userId) ? ['coordinator'] : []),
        ...(round.participants.includes(userId) ? ['participant'] : []),
        ...(round.managers.includes(userId) ? ['manager'] : []),
        ...(round.reviewers.includes(userId) ? ['reviewer'] : []),
        ...(round.reviewLead === userId ? ['review-lead'] : []),
      ];
      out.rounds.push({
        roundId: round.id,
        ...(round.title ? { title: round.title } : {}),
        channel: round.channel.name ?? round.channel.id,
        status: round.status,
        mode: round.mode,
        createdAt: round.createdAt,
        roles,
        anonymous: round.anonymous,
        ...(round.anonymous ? { note: 'anonymous round: responses are stored under a keyed hash and are not exported' } : {}),
        votes,
        answers,
        contextNotes: round.anonymous ? [] : round.contextNotes.filter((n) => n.by === userId).map((n) => ({ contextFactorId: n.contextFactorId, comment: n.comment, at: n.at })),
        reviewNotes: (round.reviewNotes ?? []).filter((n) => n.by === userId).map((n) => ({ kind: n.kind, text: n.text, at: n.at })),
        actions: (round.actionPlan?.actions ?? [])
          .filter((a) => a.owner === userId || a.createdBy === userId || a.doneBy === userId)
          .map((a) => ({
            id: a.id,
            factorId: a.factorId,
            text: a.text,
            role: [...(a.owner === userId ? ['owner'] : []), ...(a.createdBy === userId ? ['created'] : []), ...(a.doneBy === userId ? ['marked-done'] : [])],
            due: a.due,
            status: a.status,
          })),
      });
    }
    if (opts.roundIds) return out;
    // Who was sent what, in the named rounds (anonymous rounds keep counts only).
    for (const round of rounds) if (!round.anonymous) out.records.push(...(await personMarks(this.host.store, tenant, round.id, userId)));
    for (const source of this.sources) if (source.exportPerson) out.records.push(...(await source.exportPerson(req)));
    return out;
  }

  /**
   * What a granted export link holds: everything, or (a coordinator's link) what the asker's named rounds hold about
   * the person, read again now: a link never shows rounds the asker no longer coordinates. Null when nothing is left.
   */
  async exportGranted(grant: { tenant: string; subject: string; asker: string; scope: 'all' | 'coordinator' }): Promise<PersonExport | null> {
    if (grant.scope === 'all') return this.exportPerson(grant.tenant, grant.subject);
    const roundIds = coordinatedRoundIds(await this.host.store.listRounds(grant.tenant), grant.asker);
    if (roundIds.size === 0) return null;
    return this.exportPerson(grant.tenant, grant.subject, { roundIds });
  }

  /**
   * Erases one person in a tenant. Their answers are deleted; their votes stay in the tallies under a fresh
   * pseudonym that nothing links back to them; roles, names, notes and actions name the pseudonym instead; and
   * every registered source deletes its records about them. Safe to run again.
   */
  async erasePerson(tenant: string, userId: string, opts: { redacted?: string } = {}): Promise<ErasureSummary> {
    const { req, rounds } = await this.person(tenant, userId);
    const summary: ErasureSummary = { rounds: 0, votes: 0, answers: 0, records: 0 };
    const redacted = opts.redacted ?? '[–]';
    for (const round of rounds) {
      const pseudonym = newPseudonym();
      // A retired key leaves the round's responses unlinkable to anyone: there is nothing of theirs to move.
      const moved = this.host.canKeyMembers(round)
        ? await this.host.store.eraseMember(tenant, round.id, this.host.memberKey(round, userId), this.host.memberKey(round, pseudonym))
        : { votes: 0, answers: 0 };
      summary.votes += moved.votes;
      summary.answers += moved.answers;
      const mentioned = roundMentions(round, userId) || req.names.some((n) => redactNames(JSON.stringify(round), [n], redacted) !== JSON.stringify(round));
      if (mentioned) await this.host.store.updateRound(tenant, round.id, (r) => withoutPerson(r, userId, pseudonym, req.names, redacted));
      if (mentioned || moved.votes + moved.answers > 0) summary.rounds += 1;
      if (!round.anonymous) summary.records += await erasePersonMarks(this.host.store, tenant, round.id, userId);
    }
    for (const source of this.sources) if (source.erasePerson) summary.records += await source.erasePerson({ ...req, redacted });
    return summary;
  }

  /** Deletes a round and everything that refers to it (retention, or a tenant being forgotten). */
  async purgeRound(tenant: string, roundId: string): Promise<void> {
    await this.host.store.deleteRound(tenant, roundId);
    for (const source of this.sources) if (source.purgeRound) await source.purgeRound(tenant, roundId);
  }

  /**
   * Forgets a workspace or Teams tenant after an uninstall: its rounds (unless `keepRounds`) and every registered
   * record about it, tokens and conversation references included.
   */
  async forgetTenant(tenant: string, opts: { keepRounds?: boolean } = {}): Promise<{ rounds: number; records: number }> {
    let rounds = 0;
    if (!opts.keepRounds) {
      for (const round of await this.host.store.listRounds(tenant)) {
        await this.purgeRound(tenant, round.id);
        rounds += 1;
      }
    }
    let records = 0;
    for (const source of this.sources) if (source.forgetTenant) records += await source.forgetTenant(tenant);
    return { rounds, records };
  }
}
