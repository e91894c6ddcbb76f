import { randomBytes } from 'node:crypto';
import type restify from 'restify';
import { z } from 'zod';
import { errorFields, type Logger } from '../logger.js';

/**
 * `POST /api/webchat/token`: exchanges the Direct Line secret for a short-lived token bound to
 * one conversation and one user, with the Direct Line service (`{endpoint}/tokens/generate`).
 * The page gets `{ token, conversationId, expires_in, domain }` — never the secret.
 *
 * The user id is `dl_` + random: Direct Line embeds it in the token, so the browser cannot
 * claim someone else's id (and with it their listings, whose tenant is channel + user). It is
 * kept in an HttpOnly cookie so the same browser is the same user after a reload.
 */
export const TOKEN_PATH = '/api/webchat/token';
const USER_COOKIE = 'webchat_user';
const USER_COOKIE_MAX_AGE_S = 365 * 24 * 3600;
const COOKIE_VALUE = /^[A-Za-z0-9_-]{22,43}$/;
const REQUEST_TIMEOUT_MS = 10_000;

export interface TokenEndpointDeps {
  readonly secret: string;
  /** The Direct Line base URL, e.g. https://europe.directline.botframework.com/v3/directline */
  readonly endpoint: string;
  readonly logger: Logger;
  readonly fetch?: typeof fetch;
}

const generatedSchema = z.object({
  conversationId: z.string().min(1).max(200),
  token: z.string().min(1).max(4096),
  expires_in: z.number().int().positive(),
});

function userCookieOf(req: restify.Request): string | undefined {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    const value = rest.join('=');
    if (name === USER_COOKIE && COOKIE_VALUE.test(value)) return value;
  }
  return undefined;
}

export function registerTokenEndpoint(server: restify.Server, deps: TokenEndpointDeps): void {
  const doFetch = deps.fetch ?? fetch;

  server.post(TOKEN_PATH, async (req, res) => {
    const started = performance.now();
    const userKey = userCookieOf(req) ?? randomBytes(18).toString('base64url');
    let response: Response;
    try {
      response = await doFetch(`${deps.endpoint}/tokens/generate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${deps.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user: { id: `dl_${userKey}` } }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      deps.logger.error('webchat.token.unreachable', errorFields(error));
      res.send(502, { error: 'The chat service cannot be reached. Try again in a moment.' });
      return;
    }
    const body: unknown = await response.json().catch(() => undefined);
    const generated = generatedSchema.safeParse(body);
    if (!response.ok || !generated.success) {
      // The status only: Direct Line's answer could echo request details.
      deps.logger.error('webchat.token.refused', { status: response.status });
      res.send(502, { error: 'The chat service refused to start a conversation. Try again in a moment.' });
      return;
    }
    res.header('cache-control', 'no-store');
    res.header(
      'set-cookie',
      `${USER_COOKIE}=${userKey}; Path=${TOKEN_PATH}; Max-Age=${USER_COOKIE_MAX_AGE_S}; HttpOnly; Secure; SameSite=Strict`,
    );
    res.send(200, {
      token: generated.data.token,
      conversationId: generated.data.conversationId,
      expires_in: generated.data.expires_in,
      domain: deps.endpoint,
    });
    deps.logger.info('webchat.token.issued', { ms: Math.round(performance.now() - started) });
  });
}
