// The environment, validated once with zod; a missing or invalid variable fails fast and is named.
import { z } from 'zod';
import { isValidTimezone } from './core/calendar.js';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

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
    ANONYMITY_SECRET: optionalString,
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
    PLAYGROUND: z.preprocess(emptyToUndefined, z.enum(['auto', 'on', 'off']).default('auto')),
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
  if (parsed.success) return parsed.data;
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

export function slackEnabled(c: Config): boolean {
  return Boolean(c.SLACK_BOT_TOKEN || c.SLACK_CLIENT_ID || c.SLACK_APP_TOKEN);
}

