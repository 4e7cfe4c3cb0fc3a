// Durable Teams conversation references (channels and 1:1 chats) in the store, so proactive messages survive restarts.
import type { ConversationReference } from 'botbuilder';
import type { Store, StoredRecord } from '../../core/ports.js';

export const REFERENCE_COLLECTION = 'teams-ref';

export interface ConversationRecord {
  kind: 'conversation';
  tenant: string;
  /** The channel or chat id rounds are keyed by (a channel's id without `;messageid=`). */
  key: string;
  teamId?: string;
  ref: Partial<ConversationReference>;
  dead?: boolean;
  savedAt: string;
}

export interface UserRecord {
  kind: 'user';
  tenant: string;
  userId: string;
  name?: string;
  /** Enough to open a 1:1 chat later: where the user was last seen and as which bot. */
  serviceUrl: string;
  botId: string;
  channelId: string;
  teamsTenantId?: string;
  /** The 1:1 conversation, once we have one. */
  ref?: Partial<ConversationReference>;
  /** Teams (ids) through whose install we reach the person: where we met them, or whose channel opened the chat. */
  teams?: string[];
  /** The person wrote to the bot in their personal scope: the app is installed for them personally. */
  personal?: boolean;
  dead?: boolean;
  savedAt: string;
}

const convId = (tenant: string, key: string) => `conv|${tenant}|${key}`;
const userId = (tenant: string, id: string) => `user|${tenant}|${id}`;

function isConversation(r: StoredRecord | null): r is StoredRecord & ConversationRecord {
  return r !== null && r.kind === 'conversation' && typeof r.key === 'string' && typeof r.ref === 'object';
}

function isUser(r: StoredRecord | null): r is StoredRecord & UserRecord {
  return r !== null && r.kind === 'user' && typeof r.userId === 'string' && typeof r.serviceUrl === 'string';
}

export class ReferenceStore {
  /** Keys saved by this process, so a busy channel doesn't write its reference on every vote. */
  private readonly fresh = new Set<string>();

  constructor(private readonly store: Pick<Store, 'getRecord' | 'putRecord' | 'deleteRecord' | 'listRecords'>) {}

  async saveConversation(rec: Omit<ConversationRecord, 'kind'>): Promise<void> {
    const id = convId(rec.tenant, rec.key);
    if (this.fresh.has(id)) return;
    await this.store.putRecord(REFERENCE_COLLECTION, id, { kind: 'conversation', ...rec });
    this.fresh.add(id);
  }

  async conversation(tenant: string, key: string): Promise<ConversationRecord | null> {
    const r = await this.store.getRecord(REFERENCE_COLLECTION, convId(tenant, key));
    return isConversation(r) ? r : null;
  }

  /** Remembers a user; keeps an existing 1:1 reference unless a new one is given, and adds to the teams and scope known. */
  async saveUser(rec: Omit<UserRecord, 'kind'>): Promise<void> {
    const id = userId(rec.tenant, rec.userId);
    const freshKey = `${id}|${(rec.teams ?? []).join(',')}|${rec.personal ? 'p' : ''}`;
    if (!rec.ref && this.fresh.has(freshKey)) return;
    const existing = await this.user(rec.tenant, rec.userId);
    const ref = rec.ref ?? existing?.ref;
    const teams = [...new Set([...(existing?.teams ?? []), ...(rec.teams ?? [])])];
    const personal = Boolean(existing?.personal || rec.personal);
    const merged: UserRecord = { ...existing, ...rec, kind: 'user', ...(ref ? { ref } : {}), teams, ...(personal ? { personal } : {}) };
    // Hearing from someone again means the bot is reachable for them: a dead mark no longer holds.
    delete merged.dead;
    await this.store.putRecord(REFERENCE_COLLECTION, id, merged as unknown as StoredRecord);
    this.fresh.add(freshKey);
  }

  async user(tenant: string, id: string): Promise<UserRecord | null> {
    const r = await this.store.getRecord(REFERENCE_COLLECTION, userId(tenant, id));
    return isUser(r) ? r : null;
  }

  /** After a 403 (uninstalled, blocked, disabled): keep the record but stop sending to it. */
  async markConversationDead(tenant: string, key: string): Promise<void> {
    const r = await this.conversation(tenant, key);
    if (!r) return;
    this.fresh.delete(convId(tenant, key));
    await this.store.putRecord(REFERENCE_COLLECTION, convId(tenant, key), { ...r, dead: true });
  }

  async markUserDead(tenant: string, id: string): Promise<void> {
    const r = await this.user(tenant, id);
    if (!r) return;
    this.forgetFresh(userId(tenant, id));
    await this.store.putRecord(REFERENCE_COLLECTION, userId(tenant, id), { ...r, dead: true });
  }

  /** The bot was removed from a team or chat: forget every reference that belongs to it. */
  async removeConversation(tenant: string, key: string, teamId?: string): Promise<number> {
    const all = await this.store.listRecords(REFERENCE_COLLECTION, { tenant });
    let removed = 0;
    for (const [id, r] of Object.entries(all)) {
      if (!isConversation(r) || r.tenant !== tenant) continue;
      if (r.key === key || (teamId !== undefined && r.teamId === teamId)) {
        await this.store.deleteRecord(REFERENCE_COLLECTION, id);
        this.fresh.delete(id);
        removed += 1;
      }
    }
    return removed;
  }

  /** The user removed the bot from their personal scope: forget the 1:1 chat, keep nothing. */
  async removeUser(tenant: string, id: string): Promise<void> {
    this.forgetFresh(userId(tenant, id));
    await this.store.deleteRecord(REFERENCE_COLLECTION, userId(tenant, id));
  }

  /**
   * The bot left a team: the people we reached only through that team can no longer be messaged, so their 1:1
   * references (and the chats' conversation records) go too. People who installed the app themselves, or whom another
   * team still reaches, keep theirs. Records from before teams were tracked go once no team of the tenant is left.
   */
  async forgetTeam(tenant: string, teamId: string): Promise<number> {
    const all = await this.store.listRecords(REFERENCE_COLLECTION, { tenant });
    const teamsLeft = Object.values(all).some((r) => isConversation(r) && r.tenant === tenant && r.teamId !== undefined && r.teamId !== teamId);
    let removed = 0;
    for (const [id, r] of Object.entries(all)) {
      if (!isUser(r) || r.tenant !== tenant) continue;
      const teams = r.teams ?? [];
      const reachable = r.personal === true || (r.teams === undefined ? teamsLeft : teams.some((t) => t !== teamId));
      if (reachable) {
        if (teams.includes(teamId)) {
          this.forgetFresh(id);
          await this.store.putRecord(REFERENCE_COLLECTION, id, { ...r, teams: teams.filter((t) => t !== teamId) });
        }
        continue;
      }
      this.forgetFresh(id);
      await this.store.deleteRecord(REFERENCE_COLLECTION, id);
      const chat = r.ref?.conversation?.id;
      if (chat) await this.store.deleteRecord(REFERENCE_COLLECTION, convId(tenant, chat));
      removed += 1;
    }
    return removed;
  }

  /** The channels (conversation keys) of a team the bot has met, the team's own id among them when it was used. */
  async teamConversations(tenant: string, teamId: string): Promise<string[]> {
    const all = await this.store.listRecords(REFERENCE_COLLECTION, { tenant });
    return Object.values(all)
      .filter((r): r is StoredRecord & ConversationRecord => isConversation(r) && r.tenant === tenant && r.teamId === teamId)
      .map((r) => r.key);
  }

  /**
   * Whether the app is still installed somewhere in the tenant, as far as the references tell: any conversation,
   * a person who installed it for themselves, or a person still reached through a team.
   */
  async installedInTenant(tenant: string): Promise<boolean> {
    const all = await this.store.listRecords(REFERENCE_COLLECTION, { tenant });
    return Object.values(all).some(
      (r) => (isConversation(r) && r.tenant === tenant) || (isUser(r) && r.tenant === tenant && (r.personal === true || (r.teams ?? []).length > 0)),
    );
  }

  private forgetFresh(id: string): void {
    for (const key of this.fresh) if (key === id || key.startsWith(`${id}|`)) this.fresh.delete(key);
  }
}
