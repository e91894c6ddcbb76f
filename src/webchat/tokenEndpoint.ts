import type restify from 'restify';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { admit, type RateLimit, RateLimiter } from '../http/rateLimit.js';
import { errorFields, type Logger } from '../logger.js';
import { isAllowedOrigin, originHeaderOf } from './origins.js';
import { newUserId, userCookieHeader, userIdFromCookies } from './userCookie.js';

/**
 * `POST /api/webchat/token`: exchanges the Direct Line secret for a short-lived token bound to
 * one conversation and one user, with the Direct Line service (`{endpoint}/tokens/generate`).
 * The page gets `{ token, conversationId, expires_in, domain }` — never the secret.
 *
 * The user id is `dl_` + random: Direct Line embeds it in the token, so the browser cannot
 * claim someone else's id (and with it their listings, whose tenant is channel + user) — with
 * the channel's enhanced authentication on (README). It is kept in a signed `__Host-` cookie
 * (userCookie.ts) so the same browser is the same user after a reload, and a value the server
 * did not sign is never taken. Only the page's own origin may ask (origins.ts), and each
 * client at most `rateLimit` times.
 */
export const TOKEN_PATH = '/api/webchat/token';
const REQUEST_TIMEOUT_MS = 10_000;
// Generous: a whole crew behind one site's NAT opens the page at 7 a.m.
export const DEFAULT_TOKEN_RATE_LIMIT: RateLimit = { burst: 60, perMinute: 30 };

export interface TokenEndpointDeps {
  readonly secret: string;
  /** The Direct Line base URL, e.g. https://europe.directline.botframework.com/v3/directline */
  readonly endpoint: string;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Signs the user cookie (userCookieKey). */
  readonly cookieKey: Buffer;
  /** Origins whose pages may ask for a token: the page's own (PUBLIC_BASE_URL). */
  readonly allowedOrigins: readonly string[];
  readonly rateLimit?: RateLimit;
  /** TRUSTED_PROXY_HOPS: how the client's address is found behind proxies (rateLimit.ts, clientOf). */
  readonly trustedProxyHops?: number;
  readonly fetch?: typeof fetch;
}

const generatedSchema = z.object({
  conversationId: z.string().min(1).max(200),
  token: z.string().min(1).max(4096),
  expires_in: z.number().int().positive(),
});

export function registerTokenEndpoint(server: restify.Server, deps: TokenEndpointDeps): void {
  const doFetch = deps.fetch ?? fetch;
  const limiter = new RateLimiter(deps.rateLimit ?? DEFAULT_TOKEN_RATE_LIMIT, deps.clock);

  server.post(TOKEN_PATH, async (req, res) => {
    const started = performance.now();
    // A browser always sends Origin with a POST: no Origin, or another site's, is not our page.
    if (!isAllowedOrigin(originHeaderOf(req.headers), deps.allowedOrigins)) {
      deps.logger.warn('webchat.token.origin_refused', {});
      res.send(403, { error: 'Tokens are given to this site’s own chat page only.' });
      return;
    }
    if (!admit(limiter, req, res, { error: 'Too many requests. Try again in a moment.' }, deps.trustedProxyHops)) {
      deps.logger.warn('webchat.token.rate_limited', {});
      return;
    }
    const userKey = userIdFromCookies(deps.cookieKey, req.headers.cookie) ?? newUserId();
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
    res.header('set-cookie', userCookieHeader(deps.cookieKey, userKey));
    res.send(200, {
      token: generated.data.token,
      conversationId: generated.data.conversationId,
      expires_in: generated.data.expires_in,
      domain: deps.endpoint,
    });
    deps.logger.info('webchat.token.issued', { ms: Math.round(performance.now() - started) });
  });
}
