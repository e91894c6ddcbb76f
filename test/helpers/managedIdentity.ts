import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the App Service / Container Apps managed-identity endpoint (the
 * IDENTITY_ENDPOINT + IDENTITY_HEADER protocol, api-version 2019-08-01), on loopback. It mints
 * Entra-shaped access tokens — issuer https://sts.windows.net/<tenant>/, audience the requested
 * resource, nbf/iat/exp — which Azurite started with `--oauth basic` checks (not the signature).
 *
 * `mode` turns it bad on purpose: tokens for the wrong audience, tokens already expired (while
 * the response claims they are valid, as a clock-skewed or revoked token would look), or an
 * endpoint that fails.
 */
export type TokenMode = 'good' | 'wrong-audience' | 'expired' | 'failing';

export interface ManagedIdentityEndpoint {
  /** IDENTITY_ENDPOINT, IDENTITY_HEADER and the identity's client id, for the bot's environment. */
  readonly env: { readonly IDENTITY_ENDPOINT: string; readonly IDENTITY_HEADER: string };
  readonly clientId: string;
  readonly tenantId: string;
  mode: TokenMode;
  /** Every token request: its resource and client id (as the bot sent them). */
  readonly requests: { resource: string | null; clientId: string | null; hadHeader: boolean }[];
  close(): Promise<void>;
}

// The endpoint says each token lives this long: short, so that @azure/identity (which renews
// tokens within 5 minutes of expiry) asks again at every use and a change of `mode` shows at once.
const TOKEN_LIFETIME_S = 90;

export async function startManagedIdentityEndpoint(): Promise<ManagedIdentityEndpoint> {
  const header = randomBytes(16).toString('hex');
  const clientId = randomUUID();
  const tenantId = randomUUID();
  const requests: ManagedIdentityEndpoint['requests'] = [];
  const state = { mode: 'good' as TokenMode };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const resource = url.searchParams.get('resource');
    const hadHeader = req.headers['x-identity-header'] === header;
    requests.push({ resource, clientId: url.searchParams.get('client_id'), hadHeader });
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/msi/token' || !hadHeader || !resource) return reply(400, { error: 'invalid_request' });
    if (state.mode === 'failing') return reply(500, { error: 'unavailable', error_description: 'the identity endpoint is down' });
    const now = Math.floor(Date.now() / 1000);
    const audience = state.mode === 'wrong-audience' ? 'https://vault.azure.net' : resource.replace(/\/\.default$/, '');
    const expires = state.mode === 'expired' ? now - 600 : now + TOKEN_LIFETIME_S;
    const token = unsignedJwt({
      aud: audience,
      iss: `https://sts.windows.net/${tenantId}/`,
      iat: now - 60,
      nbf: now - 60,
      exp: expires,
      appid: clientId,
      oid: randomUUID(),
      tid: tenantId,
      sub: clientId,
      ver: '1.0',
    });
    reply(200, {
      access_token: token,
      expires_on: String(now + TOKEN_LIFETIME_S),
      resource,
      token_type: 'Bearer',
      client_id: clientId,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    env: { IDENTITY_ENDPOINT: `http://127.0.0.1:${port}/msi/token`, IDENTITY_HEADER: header },
    clientId,
    tenantId,
    get mode() {
      return state.mode;
    },
    set mode(mode: TokenMode) {
      state.mode = mode;
    },
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A JWT with a random signature: Azurite (--oauth basic) reads the claims, not the signature. */
function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'RS256', kid: 'test' })}.${part(claims)}.${randomBytes(64).toString('base64url')}`;
}
