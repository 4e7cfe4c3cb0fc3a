import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function fails(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('an empty environment gives the playground defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3978, DEFAULT_TIMEZONE: 'Europe/Stockholm', LOG_LEVEL: 'info' });
    expect(c.REDIS_URL).toBeUndefined();
  });

  it('the safe defaults: Teams auth not switched off, links expire after 30 days, no metrics on the public port', () => {
    const c = loadConfig({});
    expect(c.TEAMS_AUTH).toBeUndefined();
    expect(c.REPORT_LINK_DAYS).toBe(30);
    expect(c.METRICS_TOKEN).toBeUndefined();
    expect(c.ADMIN_HOST).toBe('127.0.0.1');
    expect(c.ANONYMITY_SECRET).toBeUndefined();
    expect(c.ANONYMITY_SECRET_PREVIOUS).toEqual([]);
  });

  it('names a missing variable: Slack bot token without a signing secret', () => {
    const e = fails({ SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(e.variables).toEqual(['SLACK_SIGNING_SECRET']);
    expect(e.message).toContain('SLACK_SIGNING_SECRET');
  });

  it('names a missing Microsoft password', () => {
    const e = fails({ MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000000' });
    expect(e.variables).toEqual(['MICROSOFT_APP_PASSWORD']);
  });

  it('names each invalid variable', () => {
    const e = fails({ PORT: 'eighty', REDIS_URL: 'http://x', DEFAULT_TIMEZONE: 'Mars/Olympus', LOG_LEVEL: 'loud' });
    expect(e.variables.sort()).toEqual(['DEFAULT_TIMEZONE', 'LOG_LEVEL', 'PORT', 'REDIS_URL']);
  });

  it('accepts the REDIS_URL forms', () => {
    for (const url of ['redis://127.0.0.1:6379', 'rediss://h:6380/1', 'redis-sentinel://a:26379,b:26379/mymaster', 'redis-cluster://a:7000,b:7001']) {
      expect(loadConfig({ REDIS_URL: url }).REDIS_URL).toBe(url);
    }
  });

  it('reads PRIVACY_ADMINS as a list of user ids, and refuses anything else by name', () => {
    expect(loadConfig({}).PRIVACY_ADMINS).toEqual([]);
    expect(loadConfig({ PRIVACY_ADMINS: ' U0ADA, 29:1cora-mri-0000 ,,u-maja ' }).PRIVACY_ADMINS).toEqual(['U0ADA', '29:1cora-mri-0000', 'u-maja']);
    expect(fails({ PRIVACY_ADMINS: 'U0ADA; drop table' }).variables).toEqual(['PRIVACY_ADMINS']);
  });

  it('UNINSTALL_GRACE_DAYS: 7 by default, whole days from 0 to 90', () => {
    expect(loadConfig({}).UNINSTALL_GRACE_DAYS).toBe(7);
    expect(loadConfig({ UNINSTALL_GRACE_DAYS: '0' }).UNINSTALL_GRACE_DAYS).toBe(0);
    for (const bad of ['-1', '91', '1.5', 'a week']) expect(fails({ UNINSTALL_GRACE_DAYS: bad }).variables, bad).toEqual(['UNINSTALL_GRACE_DAYS']);
  });
});

describe('operator', () => {
  it('OPERATOR_CONTACT is an e-mail address or an https page; anything else is named', () => {
    expect(loadConfig({ OPERATOR_NAME: 'Malmö stad', OPERATOR_CONTACT: 'dataskydd@malmo.example' })).toMatchObject({ OPERATOR_NAME: 'Malmö stad', OPERATOR_CONTACT: 'dataskydd@malmo.example' });
    expect(loadConfig({ OPERATOR_CONTACT: 'https://malmo.example/dataskydd' }).OPERATOR_CONTACT).toBe('https://malmo.example/dataskydd');
    expect(fails({ OPERATOR_CONTACT: 'javascript:alert(1)' }).variables).toEqual(['OPERATOR_CONTACT']);
    expect(fails({ OPERATOR_CONTACT: 'http://malmo.example' }).variables).toEqual(['OPERATOR_CONTACT']);
  });
});
