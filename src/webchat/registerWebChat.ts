import { randomBytes } from 'node:crypto';
import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type restify from 'restify';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { IncomingActivityRules } from '../http/activitySchema.js';
import type { RateLimit } from '../http/rateLimit.js';
import type { Locale } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { LocalConversationLimits } from './localConversations.js';
import { registerLocalDirectLine } from './localDirectLine.js';
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
  /** PUBLIC_BASE_URL: the page's own origin, the one allowed to call the token endpoint. */
  readonly pageOrigin: string;
  /** WEBCHAT_USER_SECRET: signs the user cookie; derived from the Direct Line secret when unset. */
  readonly userCookieSecret?: string | undefined;
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
    pageOrigin: config.storage.publicBaseUrl,
    userCookieSecret: config.webChat.userCookieSecret,
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

function serveScript(server: restify.Server, script: StaticScript): void {
  server.get(script.path, (req, res, next) => {
    const { plain, gzip, etag } = script.body();
    const headers: Record<string, string | number> = {
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
 * The Web Chat page (`GET /`), its scripts, and the way it reaches the bot: the local Direct
 * Line path or the token endpoint (see webChatModeOf). Registers routes only; touches no other.
 */
export function registerWebChat(server: restify.Server, deps: WebChatDeps): WebChatMode {
  const { settings, logger } = deps;
  const mode = webChatModeOf(settings);
  const bundle = webChatBundle();
  const script = pageScript(PAGE_SCRIPT);
  serveScript(server, bundle);
  serveScript(server, script);

  server.get('/', (req, res, next) => {
    const nonce = randomBytes(16).toString('base64');
    const locale = pickPageLocale(req.headers['accept-language'], settings.defaultLocale);
    const html = Buffer.from(renderPage({ locale, mode, nonce, bundlePath: bundle.path, scriptPath: script.path }), 'utf8');
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': html.length,
      'content-language': locale,
      'content-security-policy': contentSecurityPolicy(nonce, mode === 'directLine' ? settings.directLineEndpoint : undefined),
      'cache-control': 'no-store',
      vary: 'accept-language',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    });
    res.end(html);
    return next();
  });

  if (mode === 'directLine' && settings.directLineSecret) {
    registerTokenEndpoint(server, {
      secret: settings.directLineSecret,
      endpoint: settings.directLineEndpoint,
      logger,
      clock: deps.clock,
      cookieKey: userCookieKey(settings.directLineSecret, settings.userCookieSecret),
      allowedOrigins: [settings.pageOrigin],
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
      allowedOrigins: [settings.pageOrigin],
      ...(deps.localLimits ? { limits: deps.localLimits } : {}),
      ...(deps.creationLimit ? { creationLimit: deps.creationLimit } : {}),
      ...(deps.forgetConversation ? { forgetConversation: deps.forgetConversation } : {}),
    });
  }
  logger.info('webchat.registered', { mode });
  return mode;
}
