import { randomBytes } from 'node:crypto';
import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type restify from 'restify';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { IncomingActivityRules } from '../http/activitySchema.js';
import type { RateLimit } from '../http/rateLimit.js';
import { isLocale, type Locale } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { LocalConversationLimits } from './localConversations.js';
import { registerLocalDirectLine } from './localDirectLine.js';
import { EMBED_SCRIPT_PATH, embedScriptSource } from './embedScript.js';
import { frameAncestors, isAllowedOrigin, type OriginAllowlist, originHeaderOf } from './origins.js';
import { contentSecurityPolicy, pickPageLocale, renderPage, type WebChatMode } from './page.js';
import { PAGE_SCRIPT } from './pageScript.js';
import { registerTokenEndpoint } from './tokenEndpoint.js';
import { userCookieKey } from './userCookie.js';
import { pageScript, type StaticScript, webChatBundle } from './webChatBundle.js';

export type { WebChatMode } from './page.js';

/** What the Web Chat page needs from the configuration. */
export interface WebChatSettings {
  readonly directLineSecret: string | undefined;
  /** Direct Line base URL, e.g. https://directline.botframework.com/v3/directline */
  readonly directLineEndpoint: string;
  /** MicrosoftAppId: when set, the bot is a real Azure Bot and the local path must be off. */
  readonly appId: string | undefined;
  readonly defaultLocale: Locale;
  /** PUBLIC_BASE_URL's origin: the bot's own page, always allowed to use the chat. */
  readonly pageOrigin: string;
  /** WEBCHAT_EMBED_ORIGINS: pages that may embed the chat (frame-ancestors, Origin allowlist). */
  readonly embedOrigins?: readonly string[];
  /** WEBCHAT_USER_SECRET: signs the user cookie; derived from the Direct Line secret when unset. */
  readonly userCookieSecret?: string | undefined;
  /** WEBCHAT_USER_HINT_SECRET: verifies signed user hints from the embedding page. */
  readonly userHintSecret?: string | undefined;
  /** TRUSTED_PROXY_HOPS: proxies of our own in front of the bot (rate limits per client address). */
  readonly trustedProxyHops?: number;
}

export interface WebChatDeps {
  readonly adapter: CloudAdapter;
  readonly bot: ActivityHandler;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly settings: WebChatSettings;
  /** Stand-in for the Direct Line service's HTTP calls (tests). */
  readonly fetch?: typeof fetch;
  readonly localLimits?: LocalConversationLimits;
  /** The activity check of /api/messages, applied to the local path's activities too. */
  readonly rules: IncomingActivityRules;
  /** New local conversations / tokens per client (tests lower or raise it). */
  readonly creationLimit?: RateLimit;
  /** Deletes a forgotten local conversation's dialog state. */
  readonly forgetConversation?: (channelId: string, conversationId: string) => Promise<void>;
}

export function webChatSettingsOf(config: Config): WebChatSettings {
  return {
    directLineSecret: config.webChat.directLineSecret,
    directLineEndpoint: config.webChat.directLineEndpoint,
    appId: config.bot.appId,
    defaultLocale: config.defaultLocale,
    pageOrigin: new URL(config.storage.publicBaseUrl).origin,
    embedOrigins: config.webChat.embedOrigins,
    userCookieSecret: config.webChat.userCookieSecret,
    userHintSecret: config.webChat.userHintSecret,
    trustedProxyHops: config.webChat.trustedProxyHops,
  };
}

/**
 * With a Direct Line secret: the token endpoint. Without one and without MicrosoftAppId (local
 * use): the local Direct Line path. With MicrosoftAppId but no secret: neither — the local path
 * would let anyone talk to a production bot around its authentication.
 */
export function webChatModeOf(settings: WebChatSettings): WebChatMode {
  if (settings.directLineSecret) return 'directLine';
  if (!settings.appId) return 'local';
  return 'off';
}

function serveScript(server: restify.Server, script: StaticScript, extraHeaders: Readonly<Record<string, string>> = {}): void {
  server.get(script.path, (req, res, next) => {
    const { plain, gzip, etag } = script.body();
    const headers: Record<string, string | number> = {
      ...extraHeaders,
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': script.isImmutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag,
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return next();
    }
    const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = acceptsGzip ? gzip : plain;
    res.writeHead(200, { ...headers, 'content-length': body.length, ...(acceptsGzip ? { 'content-encoding': 'gzip' } : {}) });
    res.end(body);
    return next();
  });
}

/**
 * Refuses, before anything else runs, a browser request from an origin that may not use the chat
 * (origins.ts decides). The origin is logged (a site's address, not a person's): it is what an
 * administrator adds to WEBCHAT_EMBED_ORIGINS.
 *
 * `isOriginRequired`: a request without Origin is refused too (the token endpoint: a browser
 * always sends Origin with a POST). `isRequestHostOwn`: the origin of the Host the request was
 * sent to counts as the page's own (the local path, whose Host header hostCheck.ts has checked).
 */
function guardOrigin(
  allowlist: OriginAllowlist,
  logger: Logger,
  options: { readonly isOriginRequired: boolean; readonly isRequestHostOwn?: boolean },
): restify.RequestHandler {
  return (req, res, next) => {
    const origin = originHeaderOf(req.headers);
    if (origin === undefined && !options.isOriginRequired) return next();
    const host = options.isRequestHostOwn && typeof req.headers.host === 'string' ? req.headers.host : undefined;
    if (isAllowedOrigin(origin, allowlist, host)) return next();
    logger.warn('webchat.origin_refused', { origin: String(origin).slice(0, 200) });
    res.send(403, { error: 'This page may not use the chat: its origin is not in WEBCHAT_EMBED_ORIGINS.' });
    return next(false);
  };
}

/**
 * The Web Chat page (`GET /`, and `/?embed=1` inside embed.js's panel), its scripts, embed.js,
 * and the way it reaches the bot: the local Direct Line path or the token endpoint (see
 * webChatModeOf), both behind the Origin allowlist. Registers routes only; touches no other.
 */
export function registerWebChat(server: restify.Server, deps: WebChatDeps): WebChatMode {
  const { settings, logger } = deps;
  const mode = webChatModeOf(settings);
  const bundle = webChatBundle();
  const script = pageScript(PAGE_SCRIPT);
  const embedOrigins = settings.embedOrigins ?? [];
  serveScript(server, bundle);
  serveScript(server, script);
  // Loaded by other sites' pages: readable cross-origin (CORP, and CORS for a crossorigin tag).
  serveScript(server, pageScript(embedScriptSource(embedOrigins), EMBED_SCRIPT_PATH), {
    'cross-origin-resource-policy': 'cross-origin',
    'access-control-allow-origin': '*',
  });

  server.get('/', (req, res, next) => {
    const nonce = randomBytes(16).toString('base64');
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    // `/?embed=1&locale=nl`: the page inside embed.js's panel; only it may be framed, and only
    // by the embedding origins.
    const isEmbedded = query.get('embed') === '1';
    const askedLocale = query.get('locale');
    const isLocaleFixed = isLocale(askedLocale);
    const locale = isLocaleFixed ? askedLocale : pickPageLocale(req.headers['accept-language'], settings.defaultLocale);
    const html = Buffer.from(renderPage({ locale, mode, nonce, bundlePath: bundle.path, scriptPath: script.path, isEmbedded, isLocaleFixed }), 'utf8');
    const ancestors = isEmbedded ? frameAncestors(embedOrigins) : "'none'";
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': html.length,
      'content-language': locale,
      'content-security-policy': contentSecurityPolicy(nonce, mode === 'directLine' ? settings.directLineEndpoint : undefined, ancestors),
      'cache-control': 'no-store',
      vary: 'accept-language',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      // Older browsers know only this header: DENY unless the page may be framed at all.
      ...(ancestors === "'none'" ? { 'x-frame-options': 'DENY' } : {}),
      'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    });
    res.end(html);
    return next();
  });

  const allowlist: OriginAllowlist = { pageOrigin: settings.pageOrigin, embedOrigins };
  const isEmbeddable = embedOrigins.length > 0;
  const userHints = settings.userHintSecret ? { secret: settings.userHintSecret, clock: deps.clock } : undefined;
  if (mode === 'directLine' && settings.directLineSecret) {
    registerTokenEndpoint(server, {
      secret: settings.directLineSecret,
      endpoint: settings.directLineEndpoint,
      logger,
      clock: deps.clock,
      cookieKey: userCookieKey(settings.directLineSecret, settings.userCookieSecret),
      // A browser always sends Origin with a POST: no Origin is not a page at all here.
      originGuard: guardOrigin(allowlist, logger, { isOriginRequired: true }),
      isEmbeddable,
      ...(userHints ? { userHints } : {}),
      ...(settings.trustedProxyHops ? { trustedProxyHops: settings.trustedProxyHops } : {}),
      ...(deps.creationLimit ? { rateLimit: deps.creationLimit } : {}),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
  } else if (mode === 'local') {
    registerLocalDirectLine(server, {
      adapter: deps.adapter,
      bot: deps.bot,
      logger,
      clock: deps.clock,
      rules: deps.rules,
      // The page the bot served itself, by the Host it was asked under (checked by hostCheck.ts).
      originGuard: guardOrigin(allowlist, logger, { isOriginRequired: false, isRequestHostOwn: true }),
      cookieKey: userCookieKey(undefined, settings.userCookieSecret),
      isEmbeddable,
      ...(userHints ? { userHints } : {}),
      ...(deps.localLimits ? { limits: deps.localLimits } : {}),
      ...(deps.creationLimit ? { creationLimit: deps.creationLimit } : {}),
      ...(deps.forgetConversation ? { forgetConversation: deps.forgetConversation } : {}),
    });
  }
  logger.info('webchat.registered', { mode });
  return mode;
}
