// A local fake of the Microsoft hosts a Teams bot talks to, for the Teams vote-path benchmark: the Bot Framework's
// OpenID metadata and signing keys (login.botframework.com), Entra ID's token endpoint (login.microsoftonline.com,
// which the bot asks for its own outbound token) and the Bot Connector (smba.trafficmanager.net). One HTTPS server
// with a certificate for those three names, listening on a loopback address the processes under test resolve those
// names to (bench/teams-dns.mjs); a plain HTTP control listener on 127.0.0.1 serves the counts.
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const FAKE_TEAMS_HOSTS = ['login.botframework.com', 'login.microsoftonline.com', 'smba.trafficmanager.net'] as const;

export interface FakeTeamsStats {
  /** Requests received, by host and a coarse kind (openid, keys, token, PUT activity, POST activity…). */
  received: Record<string, number>;
  /** Requests this fake did not know; non-zero means the benchmark saw something it did not fake. */
  unknown: string[];
}

export interface FakeTeamsOptions {
  /** Loopback address to listen on, port 443 (the names resolve here in the processes under test). */
  ip: string;
  keyPem: string;
  certPem: string;
  /** The public signing key the Bot Connector "publishes": a JWK with n and e. */
  jwk: { kid: string; n: string; e: string };
}

export async function startFakeTeams(opts: FakeTeamsOptions): Promise<{ control: string; close(): Promise<void> }> {
  const stats: FakeTeamsStats = { received: {}, unknown: [] };
  const count = (what: string) => (stats.received[what] = (stats.received[what] ?? 0) + 1);
  let activitySeq = 0;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // The body is read and dropped: only the counts matter, and a full card edit must still be received in full.
    req.on('data', () => undefined);
    req.on('end', () => {
      const host = String(req.headers.host ?? '').replace(/:443$/, '');
      const path = (req.url ?? '/').split('?')[0]!;
      const method = req.method ?? 'GET';
      if (host === 'login.botframework.com' && path === '/v1/.well-known/openidconfiguration') {
        count('openid metadata');
        return send(res, 200, {
          issuer: 'https://api.botframework.com',
          authorization_endpoint: 'https://invalid.botframework.com',
          jwks_uri: 'https://login.botframework.com/v1/.well-known/keys',
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
        });
      }
      if (host === 'login.botframework.com' && path === '/v1/.well-known/keys') {
        count('signing keys');
        return send(res, 200, { keys: [{ kty: 'RSA', use: 'sig', kid: opts.jwk.kid, x5t: opts.jwk.kid, n: opts.jwk.n, e: opts.jwk.e, endorsements: ['msteams'] }] });
      }
      if (host === 'login.microsoftonline.com' && path.endsWith('/discovery/instance')) {
        count('entra instance discovery');
        return send(res, 200, {
          tenant_discovery_endpoint: 'https://login.microsoftonline.com/botframework.com/v2.0/.well-known/openid-configuration',
          'api-version': '1.1',
          metadata: [{ preferred_network: 'login.microsoftonline.com', preferred_cache: 'login.windows.net', aliases: ['login.microsoftonline.com'] }],
        });
      }
      if (host === 'login.microsoftonline.com' && path.endsWith('/openid-configuration')) {
        count('entra metadata');
        const tenant = path.split('/')[1] ?? 'botframework.com';
        return send(res, 200, {
          token_endpoint: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`,
          authorization_endpoint: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/authorize`,
          end_session_endpoint: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/logout`,
          issuer: `https://login.microsoftonline.com/${tenant}/v2.0`,
          jwks_uri: `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`,
          response_types_supported: ['code', 'id_token', 'token'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        });
      }
      if (host === 'login.microsoftonline.com' && method === 'POST' && path.endsWith('/oauth2/v2.0/token')) {
        count('entra token');
        return send(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: `bench-outbound-token-${Date.now()}` });
      }
      if (host === 'smba.trafficmanager.net' && /\/v3\/conversations\//.test(path)) {
        const kind = `${method} ${/\/activities\/[^/]+$/.test(path) ? 'activity (edit)' : /\/activities$/.test(path) ? 'activity (post)' : 'conversation'}`;
        count(kind);
        return send(res, method === 'POST' ? 201 : 200, { id: `1768203${String(++activitySeq).padStart(6, '0')}` });
      }
      if (stats.unknown.length < 50) stats.unknown.push(`${method} ${host}${path}`);
      return send(res, 404, { error: 'not faked' });
    });
  };

  const https = createHttpsServer({ key: opts.keyPem, cert: opts.certPem, keepAlive: true }, handle);
  await new Promise<void>((ok, fail) => {
    https.once('error', fail);
    https.listen(443, opts.ip, () => ok());
  });
  const control = createHttpServer((req, res) => {
    if (req.url === '/_fake/stats') return send(res, 200, stats);
    send(res, 404, {});
  });
  await new Promise<void>((ok) => control.listen(0, '127.0.0.1', () => ok()));
  return {
    control: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
    async close() {
      await Promise.all([new Promise((r) => https.close(r)), new Promise((r) => control.close(r))]);
    },
  };
}

// Run as a child by bench/teams-vote.ts: FAKE_TEAMS_IP, FAKE_TEAMS_KEY/CERT (PEM files), FAKE_TEAMS_JWK (JSON).
if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const env = process.env;
  startFakeTeams({
    ip: env.FAKE_TEAMS_IP!,
    keyPem: readFileSync(env.FAKE_TEAMS_KEY!, 'utf8'),
    certPem: readFileSync(env.FAKE_TEAMS_CERT!, 'utf8'),
    jwk: JSON.parse(env.FAKE_TEAMS_JWK!) as FakeTeamsOptions['jwk'],
  }).then(
    (fake) => {
      process.stdout.write(`${JSON.stringify({ control: fake.control })}\n`);
      process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
