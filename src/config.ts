// The environment, validated once with zod; a missing or invalid variable fails fast and is named.
import { z } from 'zod';
import { isValidTimezone } from './core/calendar.js';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
/** A comma-separated list; blanks dropped, so a trailing comma does no harm. */
const commaList = (item: z.ZodString) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : v),
    z.array(item).default([]),
  );
/** Keys we generate are 43 characters; a short one is guessable. */
const MIN_SECRET_CHARS = 16;

export const ConfigSchema = z
  .object({
    PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3978)),
    HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
    PUBLIC_URL: z.preprocess(emptyToUndefined, z.url().optional()),
    REDIS_URL: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^(rediss?|redis-sentinel|redis-cluster):\/\//, 'must start with redis://, rediss://, redis-sentinel:// or redis-cluster://').optional(),
    ),
    REDIS_PREFIX: z.preprocess(emptyToUndefined, z.string().regex(/^[A-Za-z0-9_.-]+$/).default('assess')),
    STORE_SNAPSHOT_FILE: optionalString,
    DEFAULT_TIMEZONE: z.preprocess(
      emptyToUndefined,
      z.string().refine(isValidTimezone, 'not a known IANA timezone').default('Europe/Stockholm'),
    ),
    DEFAULT_LOCALE: z.preprocess(emptyToUndefined, z.enum(['sv', 'en']).default('sv')),
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
    /** Keys anonymous rounds and report links; unset = a random key kept in the store (created once, shared by replicas). */
    ANONYMITY_SECRET: z.preprocess(emptyToUndefined, z.string().min(MIN_SECRET_CHARS, `must be at least ${MIN_SECRET_CHARS} characters`).optional()),
    /** Older values of ANONYMITY_SECRET, comma-separated: rounds started under them keep counting each person once. */
    ANONYMITY_SECRET_PREVIOUS: commaList(z.string().min(MIN_SECRET_CHARS, `each key must be at least ${MIN_SECRET_CHARS} characters`)),
    /** Report links stop working this many days after they were handed out. */
    REPORT_LINK_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(3650).default(30)),
    STORE_RETRY_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(60).default(20)),
    /** A second listener for /metrics and the detailed /readyz, off the public port. */
    ADMIN_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).optional()),
    ADMIN_HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
    /** Bearer token for /metrics and the detailed /readyz on the public port. */
    METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(MIN_SECRET_CHARS, `must be at least ${MIN_SECRET_CHARS} characters`).optional()),
    /** Reverse proxies in front of the bot (a hop count, or their addresses/CIDRs), so rate limits see each client's address. */
    TRUST_PROXY: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^(\d{1,2}|[0-9A-Fa-f.:/]+(\s*,\s*[0-9A-Fa-f.:/]+)*)$/, 'must be a hop count (e.g. 1) or comma-separated proxy addresses/CIDRs')
        .optional(),
    ),
    /**
     * Platform user ids (comma-separated) that may export or erase anyone's personal data, on every platform. The
     * only such people in Teams and the playground; Slack workspace admins and owners may too.
     */
    PRIVACY_ADMINS: z.preprocess(
      (v) => (typeof v === 'string' ? v.split(',').map((id) => id.trim()).filter((id) => id !== '') : v),
      z.array(z.string().max(200).regex(/^[\w:.@-]+$/, 'must be comma-separated user ids (letters, digits and : . @ _ -)')).max(500).default([]),
    ),
    /** Closed rounds (votes, answers, action plans) are purged this many months after they closed. */
    RETENTION_MONTHS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(240).default(24)),
    /** After an uninstall, the workspace's rounds and names are forgotten this many days later, unless it reinstalls. */
    UNINSTALL_GRACE_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(90).default(7)),
    CONTENT_DIR: optionalString,
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_BOT_TOKEN: z.preprocess(emptyToUndefined, z.string().startsWith('xoxb-', 'must start with xoxb-').optional()),
    SLACK_APP_TOKEN: z.preprocess(emptyToUndefined, z.string().startsWith('xapp-', 'must start with xapp-').optional()),
    SLACK_CLIENT_ID: optionalString,
    SLACK_CLIENT_SECRET: optionalString,
    SLACK_STATE_SECRET: optionalString,
    SLACK_API_URL: z.preprocess(emptyToUndefined, z.url().default('https://slack.com/api/')),
    MICROSOFT_APP_ID: optionalString,
    MICROSOFT_APP_PASSWORD: optionalString,
    MICROSOFT_APP_TENANT_ID: optionalString,
    MICROSOFT_APP_TYPE: z.preprocess(emptyToUndefined, z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant')),
    /** `off` (exactly) runs Teams without authentication, for the Bot Framework Emulator; never in production. */
    TEAMS_AUTH: z.preprocess(emptyToUndefined, z.enum(['on', 'off'], 'must be on or off').optional()),
    /** Teams tenant ids allowed to use the bot, comma-separated; activities from any other tenant are refused. */
    MICROSOFT_ALLOWED_TENANTS: commaList(z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'each entry must be a tenant id')),
    PLAYGROUND: z.preprocess(emptyToUndefined, z.enum(['auto', 'on', 'off']).default('auto')),
    /** Who runs this deployment, named on the /about, /privacy and /terms pages (and in the Teams manifest). */
    OPERATOR_NAME: z.preprocess(emptyToUndefined, z.string().trim().min(1).max(100).optional()),
    /** How people reach the operator about their data: an e-mail address or an https page. */
    OPERATOR_CONTACT: z.preprocess(
      emptyToUndefined,
      z.union([z.email(), z.url({ protocol: /^https$/ })], { message: 'must be an e-mail address or an https:// address' }).optional(),
    ),
  })
  .superRefine((env, ctx) => {
    const slackAny = env.SLACK_BOT_TOKEN || env.SLACK_APP_TOKEN || env.SLACK_CLIENT_ID;
    if (slackAny && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'is required when Slack is configured over HTTP' });
    }
    if (env.SLACK_APP_TOKEN && !env.SLACK_BOT_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: 'is required with SLACK_APP_TOKEN (Socket Mode)' });
    }
    if (env.SLACK_CLIENT_ID && (!env.SLACK_CLIENT_SECRET || !env.SLACK_STATE_SECRET)) {
      ctx.addIssue({
        code: 'custom',
        path: [!env.SLACK_CLIENT_SECRET ? 'SLACK_CLIENT_SECRET' : 'SLACK_STATE_SECRET'],
        message: 'is required for multi-workspace OAuth installs (SLACK_CLIENT_ID is set)',
      });
    }
    if (env.MICROSOFT_APP_ID && !env.MICROSOFT_APP_PASSWORD && env.MICROSOFT_APP_TYPE !== 'UserAssignedMSI') {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_APP_PASSWORD'], message: 'is required when MICROSOFT_APP_ID is set' });
    }
    if (env.MICROSOFT_APP_TYPE === 'SingleTenant' && env.MICROSOFT_APP_ID && !env.MICROSOFT_APP_TENANT_ID) {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_APP_TENANT_ID'], message: 'is required for a SingleTenant app' });
    }
    // Teams runs unauthenticated only when asked for by name, never because a credential is missing.
    if (!env.MICROSOFT_APP_ID && (env.MICROSOFT_APP_PASSWORD || env.MICROSOFT_APP_TENANT_ID)) {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_APP_ID'], message: 'is missing while MICROSOFT_APP_PASSWORD or MICROSOFT_APP_TENANT_ID is set' });
    }
    if (env.TEAMS_AUTH === 'on' && !env.MICROSOFT_APP_ID) {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_APP_ID'], message: 'is required when TEAMS_AUTH=on' });
    }
    if (env.TEAMS_AUTH === 'off' && env.MICROSOFT_APP_ID) {
      ctx.addIssue({ code: 'custom', path: ['TEAMS_AUTH'], message: 'cannot be off while MICROSOFT_APP_ID is set: with real credentials Teams always authenticates' });
    }
    if (env.MICROSOFT_ALLOWED_TENANTS.length > 0 && !env.MICROSOFT_APP_ID && env.TEAMS_AUTH !== 'off') {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_ALLOWED_TENANTS'], message: 'is set but Teams is not configured (MICROSOFT_APP_ID)' });
    }
    // The playground lets anyone act as anyone and move the clock: never next to a real workspace.
    const realCredentials = env.SLACK_BOT_TOKEN || env.SLACK_APP_TOKEN || env.SLACK_CLIENT_ID || env.SLACK_SIGNING_SECRET || env.MICROSOFT_APP_ID || env.MICROSOFT_APP_PASSWORD;
    if (env.PLAYGROUND === 'on' && realCredentials) {
      ctx.addIssue({ code: 'custom', path: ['PLAYGROUND'], message: 'cannot be on while Slack or Teams credentials are set' });
    }
    // A borrowed key is known to whoever holds the credential it was borrowed from.
    const others = [env.SLACK_SIGNING_SECRET, env.SLACK_CLIENT_SECRET, env.SLACK_STATE_SECRET, env.MICROSOFT_APP_PASSWORD, env.METRICS_TOKEN];
    for (const key of [env.ANONYMITY_SECRET, ...env.ANONYMITY_SECRET_PREVIOUS]) {
      if (key && others.includes(key)) {
        ctx.addIssue({ code: 'custom', path: ['ANONYMITY_SECRET'], message: 'must be its own random value, not another credential' });
        break;
      }
    }
    if (env.ADMIN_PORT !== undefined && env.ADMIN_PORT !== 0 && env.ADMIN_PORT === env.PORT) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_PORT'], message: 'must differ from PORT (the admin listener keeps /metrics off the public port)' });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  readonly variables: string[];
  constructor(variables: string[], message: string) {
    super(message);
    this.name = 'ConfigError';
    this.variables = variables;
  }
}

/** Parses an environment; throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (parsed.success) {
    // NODE_ENV is read here, not kept in the config: it only decides what production refuses.
    if (env.NODE_ENV === 'production' && parsed.data.TEAMS_AUTH === 'off') {
      return failConfig(['TEAMS_AUTH'], 'Invalid configuration:\n  TEAMS_AUTH=off is refused when NODE_ENV=production (Teams must authenticate)');
    }
    return parsed.data;
  }
  const lines = parsed.error.issues.map((i) => {
    const name = String(i.path[0] ?? '?');
    const value = env[name];
    const problem = value === undefined && i.code === 'invalid_type' ? 'is missing' : i.message;
    return { name, line: `  ${name} ${problem}` };
  });
  const names = [...new Set(lines.map((l) => l.name))];
  return failConfig(names, `Invalid configuration:\n${lines.map((l) => l.line).join('\n')}`);
}

function failConfig(names: string[], message: string): never {
  throw new ConfigError(names, message);
}

export function slackEnabled(c: Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_CLIENT_ID' | 'SLACK_APP_TOKEN'>): boolean {
  return Boolean(c.SLACK_BOT_TOKEN || c.SLACK_CLIENT_ID || c.SLACK_APP_TOKEN);
}

/** Teams runs with real credentials (authenticated), or for the Emulator when TEAMS_AUTH=off says so. */
export function teamsEnabled(c: Pick<Config, 'MICROSOFT_APP_ID' | 'TEAMS_AUTH'>): boolean {
  return Boolean(c.MICROSOFT_APP_ID) || c.TEAMS_AUTH === 'off';
}

/** True only for the operator's explicit TEAMS_AUTH=off; the schema refuses it next to an app id. */
export function teamsAuthOff(c: Pick<Config, 'MICROSOFT_APP_ID' | 'TEAMS_AUTH'>): boolean {
  return c.TEAMS_AUTH === 'off' && !c.MICROSOFT_APP_ID;
}

/** The TRUST_PROXY setting as fastify's trustProxy option: trust the nearest N hops, or these addresses; false when unset. */
export function trustProxyOption(c: Pick<Config, 'TRUST_PROXY'>): string | false | ((address: string, hop: number) => boolean) {
  if (!c.TRUST_PROXY) return false;
  if (!/^\d+$/.test(c.TRUST_PROXY)) return c.TRUST_PROXY;
  const hops = Number(c.TRUST_PROXY);
  return (_address, hop) => hop < hops;
}

