import { randomBytes } from 'node:crypto';
import type restify from 'restify';
import { z } from 'zod';
import { errorFields, type Logger } from '../logger.js';
import { readUserCookie, userCookieHeader } from './userCookie.js';
import { HINTED_USER_PREFIX, hintedUserKey, type UserHintSettings } from './userHint.js';

/**
 * `POST /api/webchat/token`: exchanges the Direct Line secret for a short-lived token bound to
 * one conversation and one user, with the Direct Line service (`{endpoint}/tokens/generate`).
 * The page gets `{ token, conversationId, expires_in, domain }` — never the secret.
 *
 * The user id is `dl_` + random: Direct Line embeds it in the token, so the browser cannot
 * claim someone else's id (and with it their listings, whose tenant is channel + user). It is
 * kept in an HttpOnly cookie so the same browser is the same user after a reload (userCookie.ts).
 */
export const TOKEN_PATH = '/api/webchat/token';
const USER_COOKIE = 'webchat_user';
const COOKIE_VALUE = /^[A-Za-z0-9_-]{22,43}$/;
const REQUEST_TIMEOUT_MS = 10_000;

export interface TokenEndpointDeps {
  readonly secret: string;
  /** The Direct Line base URL, e.g. https://europe.directline.botframework.com/v3/directline */
  readonly endpoint: string;
  readonly logger: Logger;
  readonly fetch?: typeof fetch;
  /** Refuses requests from origins that may not use the chat (registerWebChat, origins.ts). */
  readonly originGuard?: restify.RequestHandler;
  /** Embedded in other sites' pages (WEBCHAT_EMBED_ORIGINS set): the cookie lives in a third-party iframe. */
  readonly isEmbeddable?: boolean;
  /** WEBCHAT_USER_HINT_SECRET: a valid signed hint names the user instead of the cookie. */
  readonly userHints?: UserHintSettings;
}

const generatedSchema = z.object({
  conversationId: z.string().min(1).max(200),
  token: z.string().min(1).max(4096),
  expires_in: z.number().int().positive(),
});

const tokenRequestSchema = z.object({ userHint: z.string().max(4096).optional() }).catch({});

export function registerTokenEndpoint(server: restify.Server, deps: TokenEndpointDeps): void {
  const doFetch = deps.fetch ?? fetch;
  const guard: restify.RequestHandler = deps.originGuard ?? ((_req, _res, next) => next());

  server.post(TOKEN_PATH, guard, async (req, res) => {
    const started = performance.now();
    const hinted = hintedUserKey(tokenRequestSchema.parse(req.body ?? {}).userHint, deps.userHints, deps.logger);
    const stored = readUserCookie(req, USER_COOKIE);
    const cookieKey = stored && COOKIE_VALUE.test(stored) ? stored : randomBytes(18).toString('base64url');
    // A hinted user is the same person on every device; the cookie stays for visits without one.
    const userId = hinted ? `dl_${HINTED_USER_PREFIX}${hinted}` : `dl_${cookieKey}`;
    let response: Response;
    try {
      response = await doFetch(`${deps.endpoint}/tokens/generate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${deps.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user: { id: userId } }),
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
    res.header('set-cookie', userCookieHeader(USER_COOKIE, cookieKey, TOKEN_PATH, deps.isEmbeddable ?? false));
    res.send(200, {
      token: generated.data.token,
      conversationId: generated.data.conversationId,
      expires_in: generated.data.expires_in,
      domain: deps.endpoint,
    });
    deps.logger.info('webchat.token.issued', { ms: Math.round(performance.now() - started), hinted: hinted !== undefined });
  });
}
