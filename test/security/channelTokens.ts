import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';

/**
 * A stand-in for the Bot Framework's token service on loopback: an OpenID configuration, its
 * JWKS (with the channel endorsements the SDK checks), and RS256 tokens signed with node:crypto.
 * The bot is pointed at it with BOT_OPENID_METADATA_URL; there is no internet in tests.
 */

export const CHANNEL_ISSUER = 'https://api.botframework.com';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function createSigningKey(kid = `key-${randomUUID()}`): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A compact JWS: RS256 by default; `alg: 'none'` gives an unsigned token. */
export function signToken(claims: Record<string, unknown>, key: Pick<SigningKey, 'kid' | 'privateKey'>, alg: 'RS256' | 'none' = 'RS256'): string {
  const header = base64url(JSON.stringify({ alg, typ: 'JWT', kid: key.kid, x5t: key.kid }));
  const payload = base64url(JSON.stringify(claims));
  const signature = alg === 'none' ? '' : sign('sha256', Buffer.from(`${header}.${payload}`), key.privateKey).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

/** The claims a Bot Framework channel puts in its token to this bot, valid for an hour from `now`. */
export function channelClaims(appId: string, serviceUrl: string, now = Date.now()): Record<string, unknown> {
  const seconds = Math.floor(now / 1000);
  return { iss: CHANNEL_ISSUER, aud: appId, serviceurl: serviceUrl, nbf: seconds - 60, iat: seconds - 60, exp: seconds + 3600 };
}

export interface OpenIdStandIn {
  readonly metadataUrl: string;
  /** How many times the bot fetched the configuration and the keys. */
  readonly fetches: { metadata: number; keys: number };
  close(): Promise<void>;
}

/** Serves `/.well-known/openidconfiguration` and `/keys` with `keys`, each endorsed for `endorsements`. */
export async function startOpenIdStandIn(keys: readonly { key: SigningKey; endorsements: readonly string[] }[]): Promise<OpenIdStandIn> {
  const fetches = { metadata: 0, keys: 0 };
  let base = '';
  const server: Server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openidconfiguration') {
      fetches.metadata += 1;
      res.end(JSON.stringify({ issuer: CHANNEL_ISSUER, jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
      return;
    }
    if (req.url === '/keys') {
      fetches.keys += 1;
      const jwks = keys.map(({ key, endorsements }) => ({ ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, use: 'sig', endorsements }));
      res.end(JSON.stringify({ keys: jwks }));
      return;
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    metadataUrl: `${base}/.well-known/openidconfiguration`,
    fetches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
