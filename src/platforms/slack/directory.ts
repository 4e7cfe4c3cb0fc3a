// Who is who in a workspace: people's names, timezones and languages (users.info) and channel members (conversations.members), cached briefly.
import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import type { Locale } from '../../content/schema.js';
import { MAX_PARTICIPANTS } from '../../core/settings.js';

export interface SlackUser {
  id: string;
  name?: string;
  tz?: string;
  locale?: Locale;
  isBot: boolean;
}

const UserInfoSchema = z.looseObject({
  user: z.looseObject({
    id: z.string(),
    name: z.string().optional(),
    real_name: z.string().optional(),
    deleted: z.boolean().optional(),
    is_bot: z.boolean().optional(),
    is_app_user: z.boolean().optional(),
    tz: z.string().optional(),
    locale: z.string().optional(),
    profile: z.looseObject({ display_name: z.string().optional(), real_name: z.string().optional() }).optional(),
  }),
});

/** Only what an admin check needs; anything missing or malformed means "not an admin". */
const AdminInfoSchema = z.looseObject({
  user: z.looseObject({
    id: z.string(),
    deleted: z.boolean().optional(),
    is_bot: z.boolean().optional(),
    is_admin: z.boolean().optional(),
    is_owner: z.boolean().optional(),
  }),
});

const MembersSchema = z.looseObject({
  members: z.array(z.string()).default([]),
  response_metadata: z.looseObject({ next_cursor: z.string().optional() }).optional(),
});

const ConversationInfoSchema = z.looseObject({ channel: z.looseObject({ id: z.string(), name: z.string().optional(), is_member: z.boolean().optional() }) });

/** Slack locales look like `sv-SE` or `en-US`; anything we have no texts for falls back to the default. */
export function localeFromSlack(value: string | undefined): Locale | undefined {
  const lang = value?.slice(0, 2).toLowerCase();
  return lang === 'sv' || lang === 'en' ? lang : undefined;
}

/** Looking up every member of a huge channel would take too long for a 3-second trigger; above this we skip the bot filter. */
export const MAX_MEMBERS_TO_INSPECT = 150;
export const MAX_MEMBERS = MAX_PARTICIPANTS;

async function mapPool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class SlackDirectory {
  private readonly users = new Map<string, { at: number; user: SlackUser }>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = 10 * 60 * 1000,
  ) {}

  async user(client: webApi.WebClient, tenant: string, userId: string): Promise<SlackUser> {
    const key = `${tenant}\u0000${userId}`;
    const hit = this.users.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.user;
    const parsed = UserInfoSchema.safeParse(await client.users.info({ user: userId, include_locale: true }));
    if (!parsed.success) return { id: userId, isBot: false };
    const u = parsed.data.user;
    const name = u.profile?.display_name || u.real_name || u.profile?.real_name || u.name;
    const locale = localeFromSlack(u.locale);
    const user: SlackUser = {
      id: u.id,
      ...(name ? { name } : {}),
      ...(u.tz ? { tz: u.tz } : {}),
      ...(locale ? { locale } : {}),
      isBot: Boolean(u.is_bot || u.is_app_user || u.deleted) || u.id === 'USLACKBOT',
    };
    if (this.users.size > 10_000) this.users.clear();
    this.users.set(key, { at: this.now(), user });
    return user;
  }

  /** The user, or a bare record when Slack can't tell us (the caller falls back to defaults). */
  async userOrDefault(client: webApi.WebClient, tenant: string, userId: string): Promise<SlackUser> {
    try {
      return await this.user(client, tenant, userId);
    } catch {
      return { id: userId, isBot: false };
    }
  }

  /** The channel's people (bots, apps and deactivated accounts left out), following every page. */
  async channelMembers(client: webApi.WebClient, tenant: string, channelId: string, exclude: string[] = []): Promise<string[]> {
    const members: string[] = [];
    let cursor: string | undefined;
    do {
      const page = MembersSchema.parse(await client.conversations.members({ channel: channelId, limit: 1000, ...(cursor ? { cursor } : {}) }));
      members.push(...page.members);
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor && members.length < MAX_MEMBERS);
    const candidates = [...new Set(members)].filter((id) => !exclude.includes(id) && id !== 'USLACKBOT').slice(0, MAX_MEMBERS);
    if (candidates.length > MAX_MEMBERS_TO_INSPECT) return candidates;
    const users = await mapPool(candidates, 10, (id) => this.userOrDefault(client, tenant, id));
    return users.filter((u) => !u.isBot).map((u) => u.id);
  }

  /** Display names for ids, best effort: unknown ones are left out. */
  async names(client: webApi.WebClient, tenant: string, ids: string[]): Promise<Record<string, string>> {
    const unique = [...new Set(ids)].slice(0, MAX_MEMBERS_TO_INSPECT);
    const users = await mapPool(unique, 10, (id) => this.userOrDefault(client, tenant, id));
    return Object.fromEntries(users.filter((u) => u.name).map((u) => [u.id, u.name!]));
  }

  /**
   * Whether a person is an admin or owner of the workspace, asked of Slack each time (never from the cache: a
   * revoked admin loses the right at once). Any failure or doubt answers false.
   */
  async isWorkspaceAdmin(client: webApi.WebClient, userId: string): Promise<boolean> {
    try {
      const parsed = AdminInfoSchema.safeParse(await client.users.info({ user: userId }));
      if (!parsed.success) return false;
      const u = parsed.data.user;
      return u.id === userId && !u.deleted && !u.is_bot && (u.is_admin === true || u.is_owner === true);
    } catch {
      return false;
    }
  }

  /** Whether the bot is in the channel: true, false, or null when Slack would not say. */
  async botIsMember(client: webApi.WebClient, channelId: string): Promise<boolean | null> {
    try {
      const info = ConversationInfoSchema.safeParse(await client.conversations.info({ channel: channelId }));
      if (!info.success) return null;
      return info.data.channel.is_member ?? null;
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error;
      return code === 'channel_not_found' ? false : null;
    }
  }
}
