import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import restify from 'restify';
import type { Clock } from './clock.js';
import type { DownloadLinks } from './listing/downloadLinks.js';
import type { ListingStore } from './listing/listingStore.js';
import { listingPdfLabels } from './listing/pdfLabels.js';
import { renderListingPdf } from './listing/renderPdf.js';
import { errorFields, type Logger } from './logger.js';
import { registerWebChat, type WebChatSettings } from './webchat/registerWebChat.js';

export interface ServerDeps {
  readonly adapter: CloudAdapter;
  readonly bot: ActivityHandler;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly links: DownloadLinks;
  readonly listingStore: ListingStore;
  readonly webChat: WebChatSettings;
}

/** Activities are small; anything bigger than this is not a Bot Framework activity. */
const MAX_BODY_BYTES = 256 * 1024;

function isActivityShaped(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && typeof (body as { type?: unknown }).type === 'string';
}

/**
 * restify: the Bot Framework endpoint, the health check and the listing download. Nothing
 * here knows the procedure.
 */
export function createServer({ adapter, bot, logger, clock, links, listingStore, webChat }: ServerDeps): restify.Server {
  const server = restify.createServer({ name: 'checkinatwork-emergency-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false }));

  server.post('/api/messages', async (req, res) => {
    const started = performance.now();
    if (!isActivityShaped(req.body)) {
      res.send(400, { error: 'The body must be a Bot Framework activity (a JSON object with a "type").' });
      return;
    }
    try {
      await adapter.process(req, res, (context) => bot.run(context));
    } catch (error) {
      // A malformed activity the SDK's own schema refuses: the client's fault, not ours.
      logger.warn('request.rejected', errorFields(error));
      if (!res.headersSent) res.send(400, { error: 'Malformed activity.' });
    }
    logger.debug('request.messages', { status: res.statusCode, ms: Math.round(performance.now() - started) });
  });

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
  registerWebChat(server, { adapter, bot, logger, clock, settings: webChat });

  return server;
}
