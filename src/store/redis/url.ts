// REDIS_URL parsing: the single-server, TLS, Sentinel and Cluster forms the store accepts.
//
//   redis://[[user]:password@]host[:port][/db]
//       One Redis server; port defaults to 6379, db to 0.
//   rediss://[[user]:password@]host[:port][/db]
//       The same over TLS.
//   redis-sentinel://[[user]:password@]host1:port1,host2:port2/<masterName>[/db][?sentinelPassword=…]
//       Redis Sentinel: the sentinels to ask (port defaults to 26379) and the master's name. The
//       password is the master's; add `sentinelPassword` when the sentinels require their own.
//   redis-cluster://[[user]:password@]host1:port1,host2:port2
//       Redis Cluster: some of the nodes (the rest are discovered); db is always 0 in a cluster.
//
// Passwords and user names may be percent-encoded. IPv6 hosts go in brackets: redis://[::1]:6379.
// An error never repeats the password.

export interface HostPort {
  host: string;
  port: number;
}

export type RedisTarget =
  | { kind: 'standalone'; host: string; port: number; db: number; tls: boolean; username?: string; password?: string }
  | {
      kind: 'sentinel';
      sentinels: HostPort[];
      name: string;
      db: number;
      username?: string;
      password?: string;
      sentinelPassword?: string;
    }
  | { kind: 'cluster'; nodes: HostPort[]; username?: string; password?: string };

const URL_RE = /^(rediss?|redis-sentinel|redis-cluster):\/\/(?:([^@/?#]*)@)?([^/?#]+)(\/[^?#]*)?(?:\?([^#]*))?$/;

function badUrl(url: string, why: string): Error {
  const safe = url.replace(/\/\/[^@/]*@/, '//***@');
  return new Error(`REDIS_URL ${safe}: ${why}`);
}

function parseHosts(url: string, list: string, defaultPort: number): HostPort[] {
  return list.split(',').map((raw) => {
    const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(raw.trim());
    if (!m) throw badUrl(url, `bad host "${raw}"`);
    const port = m[3] === undefined ? defaultPort : Number(m[3]);
    if (port < 1 || port > 65535) throw badUrl(url, `bad port in "${raw}"`);
    return { host: (m[1] ?? m[2]) as string, port };
  });
}

function parseDb(url: string, raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  if (!/^\d{1,2}$/.test(raw)) throw badUrl(url, `bad database number "${raw}"`);
  return Number(raw);
}

/** Parses the REDIS_URL forms listed at the top of this file. */
export function parseRedisUrl(url: string): RedisTarget {
  const m = URL_RE.exec(url.trim());
  if (!m) throw badUrl(url, 'expected redis://, rediss://, redis-sentinel:// or redis-cluster://');
  const [, scheme, userinfo, hostList = '', path = '', query = ''] = m;
  let username: string | undefined;
  let password: string | undefined;
  if (userinfo !== undefined && userinfo !== '') {
    const i = userinfo.indexOf(':');
    if (i < 0) password = decodeURIComponent(userinfo);
    else {
      username = decodeURIComponent(userinfo.slice(0, i)) || undefined;
      password = decodeURIComponent(userinfo.slice(i + 1)) || undefined;
    }
  }
  const auth = { ...(username ? { username } : {}), ...(password ? { password } : {}) };
  const segments = path.split('/').filter((s) => s !== '');
  const params = new URLSearchParams(query);

  if (scheme === 'redis' || scheme === 'rediss') {
    const hosts = parseHosts(url, hostList, 6379);
    const first = hosts[0];
    if (hosts.length !== 1 || !first) throw badUrl(url, 'one host expected; use redis-sentinel:// or redis-cluster:// for several');
    if (segments.length > 1) throw badUrl(url, 'the path is the database number only');
    return { kind: 'standalone', ...first, db: parseDb(url, segments[0]), tls: scheme === 'rediss', ...auth };
  }
  if (scheme === 'redis-sentinel') {
    const name = segments[0];
    if (!name) throw badUrl(url, 'the master name is missing: redis-sentinel://host:port/<masterName>');
    if (segments.length > 2) throw badUrl(url, 'expected /<masterName>[/db]');
    const sentinelPassword = params.get('sentinelPassword') ?? undefined;
    return {
      kind: 'sentinel',
      sentinels: parseHosts(url, hostList, 26379),
      name: decodeURIComponent(name),
      db: parseDb(url, segments[1]),
      ...auth,
      ...(sentinelPassword ? { sentinelPassword } : {}),
    };
  }
  if (segments.length > 0 && !(segments.length === 1 && segments[0] === '0')) {
    throw badUrl(url, 'a cluster has no database number');
  }
  return { kind: 'cluster', nodes: parseHosts(url, hostList, 6379), ...auth };
}
