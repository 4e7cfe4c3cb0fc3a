// A Bot Framework signing key set for tests: real RS256 tokens, and the OpenID metadata and keys the SDK fetches,
// published with nock at login.botframework.com. A key pair nobody published is there to forge with.
import { generateKeyPairSync, sign as rsaSign, type KeyObject } from 'node:crypto';
import nock from 'nock';

export const OPENID = 'https://login.botframework.com';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
export const nowSec = () => Math.floor(Date.now() / 1000);

export class BotFrameworkKeys {
  readonly published = generateKeyPairSync('rsa', { modulusLength: 2048 });
  readonly stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });

  constructor(
    readonly kid: string,
    readonly appId: string,
    readonly serviceUrl: string,
  ) {}

  /** What the Bot Connector signs for a message to the bot (real time: the SDK checks exp/nbf against the wall clock). */
  goodClaims(): Record<string, unknown> {
    return { iss: 'https://api.botframework.com', aud: this.appId, serviceurl: this.serviceUrl, nbf: nowSec() - 60, exp: nowSec() + 3600 };
  }

  /** A JWT (without "Bearer "); `alg: 'none'` gives an unsigned one. */
  jwt(claims: Record<string, unknown>, opts: { key?: KeyObject; kid?: string; alg?: string } = {}): string {
    const header = { alg: opts.alg ?? 'RS256', typ: 'JWT', kid: opts.kid ?? this.kid, x5t: opts.kid ?? this.kid };
    const input = `${b64(header)}.${b64(claims)}`;
    if (header.alg === 'none') return `${input}.`;
    return `${input}.${rsaSign('RSA-SHA256', Buffer.from(input), opts.key ?? this.published.privateKey).toString('base64url')}`;
  }

  /** Serves the OpenID metadata and the published key (endorsed for msteams) until nock is cleaned. */
  publish(): void {
    const jwk = this.published.publicKey.export({ format: 'jwk' });
    nock(OPENID)
      .persist()
      .get('/v1/.well-known/openidconfiguration')
      .reply(200, { issuer: 'https://api.botframework.com', jwks_uri: `${OPENID}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] })
      .get('/v1/.well-known/keys')
      .reply(200, { keys: [{ kty: 'RSA', use: 'sig', kid: this.kid, x5t: this.kid, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] });
  }
}
