import type { ActivityHandler } from 'botbuilder';
import restify from 'restify';
import type { ChannelAdapter } from './adapter.js';
import type { Clock } from './clock.js';
import type { AccessConfig } from './config.js';
import { restifyLog } from './http/frameworkLog.js';
import { hostCheck } from './http/hostCheck.js';
import { jsonBodyParser } from './http/jsonBody.js';
import { messagesEndpoint } from './http/messagesEndpoint.js';
import { installRequestLog, notesOf } from './http/requestLog.js';
import type { DownloadLinks } from './listing/downloadLinks.js';
import type { ListingStore } from './listing/listingStore.js';
import { listingPdfLabels } from './listing/pdfLabels.js';
import type { Logger } from './logger.js';
import { keepUploadBodiesAsBytes } from './webchat/localDirectLine.js';
import type { RateLimit } from './http/rateLimit.js';
import type { LocalConversationLimits } from './webchat/localConversations.js';
import { registerWebChat, type WebChatSettings } from './webchat/registerWebChat.js';

export interface ServerDeps {
  readonly adapter: ChannelAdapter;
  readonly bot: ActivityHandler;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly links: DownloadLinks;
  readonly listingStore: ListingStore;
  readonly webChat: WebChatSettings;
  readonly access: AccessConfig;
  /** Deletes the dialog state of a conversation the server forgot (local Web Chat). */
  readonly forgetConversation?: (channelId: string, conversationId: string) => Promise<void>;
  readonly webChatLimits?: { readonly local?: LocalConversationLimits; readonly creation?: RateLimit };
}

/** Activities are small; anything bigger than this is not a Bot Framework activity. */
export const MAX_BODY_BYTES = 256 * 1024;

/** What restify's own errors say, in general terms: its JSON parse error quotes the body. */
const ERROR_MESSAGES: Readonly<Record<number, string>> = {
  400: 'The body is not valid JSON.',
  404: 'Not found.',
  405: 'Method not allowed.',
  413: `The body is larger than ${MAX_BODY_BYTES} bytes.`,
  415: 'Unsupported content encoding.',
};

/**
 * Request bodies are plain JSON: restify's bodyReader counts compressed bytes only, so a small
 * gzip body could unpack to far more than MAX_BODY_BYTES in memory.
 */
function refuseEncodedBodies(req: restify.Request, res: restify.Response, next: restify.Next): void {
  const encoding = req.headers['content-encoding'];
  if (encoding === undefined || encoding.trim().toLowerCase() === 'identity') {
    next();
    return;
  }
  notesOf(req).outcome = 'unsupported_encoding';
  res.setHeader('connection', 'close');
  res.send(415, { error: ERROR_MESSAGES[415] });
  next(false);
}

/**
 * restify: the Bot Framework endpoint, the health check and the listing download. Nothing
 * here knows the procedure.
 */
export function createServer({ adapter, bot, logger, clock, links, listingStore, webChat, access, forgetConversation, webChatLimits }: ServerDeps): restify.Server {
  // restify's own log lines go through ours: it would otherwise print whole requests, headers
  // and bearer tokens included (src/http/frameworkLog.ts).
  const server = restify.createServer({ name: 'checkinatwork-emergency-bot', handleUncaughtExceptions: false, log: restifyLog(logger) as never });
  installRequestLog(server, logger);
  server.pre(hostCheck(access));
  server.pre(refuseEncodedBodies);
  server.pre(keepUploadBodiesAsBytes);
  // JSON only: restify's full bodyParser would also take multipart uploads (written to disk,
  // outside the size limit) and forms, which no route here wants; our parser limits nesting.
  server.use(restify.plugins.bodyReader({ maxBodySize: MAX_BODY_BYTES }));
  server.use(jsonBodyParser());
  server.on('restifyError', (_req: restify.Request, _res: restify.Response, error: { name?: unknown; statusCode?: unknown; body?: unknown }, callback: () => void) => {
    const isJsonError = error.name === 'InvalidContentError';
    const message = typeof error.statusCode === 'number' && (error.statusCode !== 400 || isJsonError) ? ERROR_MESSAGES[error.statusCode] : undefined;
    const body = error.body;
    if (message && typeof body === 'object' && body !== null) error.body = { ...body, message };
    callback();
  });

  const rules = { isLoopbackServiceUrlOnly: access.isUnauthenticated };
  server.post('/api/messages', messagesEndpoint({ adapter, bot, logger, rules }));

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    next();
  });

  // The printable listing behind a sealed, expiring link (src/listing/downloadLinks.ts). An
  // unknown, tampered or expired link and a listing since erased all get the same 404.
  // A wildcard, not `:file`: the router caps named parameters at 100 characters, and a sealed
  // token is longer.
  server.get('/listings/*', async (req, res) => {
    const file = String((req.params as Record<string, unknown>)['*'] ?? '');
    const opened = file.endsWith('.pdf') ? links.open(file.slice(0, -'.pdf'.length)) : undefined;
    const listing = opened ? await listingStore.get(opened.key) : undefined;
    if (!opened || !listing) {
      res.send(404, { error: 'This link is unknown or has expired. Ask the bot for a new one.' });
      return;
    }
    // pdfkit is loaded with the first download, not at start-up: most processes never print.
    const { renderListingPdf } = await import('./listing/renderPdf.js');
    const pdf = await renderListingPdf(listing, listingPdfLabels(opened.locale), { generatedAt: clock() });
    res.writeHead(200, {
      'content-type': 'application/pdf',
      'content-length': pdf.length,
      // The date only: a file name must not carry personal data.
      'content-disposition': `attachment; filename="attendance-listing-${listing.date}.pdf"`,
      'cache-control': 'no-store',
    });
    res.end(pdf);
    logger.info('listing.downloaded', { workers: listing.workers.length });
  });

  // The Web Chat page (GET /) and how it reaches the bot: src/webchat/.
  registerWebChat(server, {
    adapter,
    bot,
    logger,
    clock,
    settings: webChat,
    rules,
    ...(forgetConversation ? { forgetConversation } : {}),
    ...(webChatLimits?.local ? { localLimits: webChatLimits.local } : {}),
    ...(webChatLimits?.creation ? { creationLimit: webChatLimits.creation } : {}),
  });

  return server;
}
