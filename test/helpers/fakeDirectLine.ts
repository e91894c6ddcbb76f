import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActivityHandler } from 'botbuilder';
import restify from 'restify';
import { createAdapter } from '../../src/adapter.js';
import { loadConfig } from '../../src/config.js';
import type { RateLimit } from '../../src/http/rateLimit.js';
import { createLogger } from '../../src/logger.js';
import { registerWebChat } from '../../src/webchat/registerWebChat.js';

export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Stands in for the Direct Line service on loopback: records requests, answers like tokens/generate. */
export async function startFakeDirectLine(): Promise<{ endpoint: string; received: Received[]; failWith: (status: number | undefined) => void; close(): Promise<void> }> {
  const received: Received[] = [];
  let failure: number | undefined;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (failure !== undefined) {
        res.writeHead(failure, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'BadArgument', message: `secret was ${req.headers.authorization ?? ''}` } }));
        return;
      }
      if (req.method === 'POST' && req.url === '/v3/directline/tokens/generate') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ conversationId: `conv-${received.length}`, token: `dl-token-${received.length}`, expires_in: 3600 }));
        return;
      }
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/v3/directline`,
    received,
    failWith: (status) => (failure = status),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}


/**
 * The Web Chat routes in Direct Line mode (token endpoint) on a restify server of their own, on
 * loopback, talking to `endpoint` (a fake Direct Line: config accepts only https, so the endpoint
 * comes through the registration's settings).
 */
export async function startTokenEndpointServer(options: {
  secret: string;
  endpoint: string;
  pageOrigin: string;
  creationLimit?: RateLimit;
}): Promise<{ server: restify.Server; baseUrl: string; close(): Promise<void> }> {
  const config = loadConfig({
    DIRECT_LINE_SECRET: options.secret,
    MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
    MicrosoftAppPassword: 'not-a-real-secret',
    MicrosoftAppTenantId: '99999999-8888-7777-6666-555555555555',
    PUBLIC_BASE_URL: options.pageOrigin,
  });
  const logger = createLogger('silent');
  const server = restify.createServer({ handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  registerWebChat(server, {
    adapter: createAdapter(config, logger),
    bot: new ActivityHandler(),
    logger,
    clock: () => new Date(),
    settings: { directLineSecret: options.secret, directLineEndpoint: options.endpoint, appId: config.bot.appId, defaultLocale: 'fr', pageOrigin: options.pageOrigin },
    rules: { isLoopbackServiceUrlOnly: false },
    ...(options.creationLimit ? { creationLimit: options.creationLimit } : {}),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
