import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import restify from 'restify';
import { errorFields, type Logger } from './logger.js';

export interface ServerDeps {
  readonly adapter: CloudAdapter;
  readonly bot: ActivityHandler;
  readonly logger: Logger;
}

/** Activities are small; anything bigger than this is not a Bot Framework activity. */
const MAX_BODY_BYTES = 256 * 1024;

function isActivityShaped(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && typeof (body as { type?: unknown }).type === 'string';
}

/** restify with the Bot Framework endpoint and a health check; nothing here knows the procedure. */
export function createServer({ adapter, bot, logger }: ServerDeps): restify.Server {
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

  return server;
}
