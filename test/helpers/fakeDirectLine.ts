import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActivityHandler } from 'botbuilder';
import restify from 'restify';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createAdapter } from '../../src/adapter.js';
import { loadConfig } from '../../src/config.js';
import type { RateLimit } from '../../src/http/rateLimit.js';
import { createLogger, type Logger } from '../../src/logger.js';
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
  /** WEBCHAT_EMBED_ORIGINS */
  embedOrigins?: readonly string[];
  /** WEBCHAT_USER_HINT_SECRET */
  userHintSecret?: string;
  logger?: Logger;
}): Promise<{ server: restify.Server; baseUrl: string; close(): Promise<void> }> {
  const config = loadConfig({
    DIRECT_LINE_SECRET: options.secret,
    MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
    MicrosoftAppPassword: 'not-a-real-secret',
    MicrosoftAppTenantId: '99999999-8888-7777-6666-555555555555',
    PUBLIC_BASE_URL: options.pageOrigin,
  });
  const logger = options.logger ?? createLogger('silent');
  const server = restify.createServer({ handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  registerWebChat(server, {
    adapter: createAdapter(config, logger),
    bot: new ActivityHandler(),
    logger,
    clock: () => new Date(),
    settings: { directLineSecret: options.secret, directLineEndpoint: options.endpoint, appId: config.bot.appId, defaultLocale: 'fr',
      pageOrigin: options.pageOrigin,
      ...(options.embedOrigins ? { embedOrigins: options.embedOrigins } : {}),
      ...(options.userHintSecret ? { userHintSecret: options.userHintSecret } : {}),
    },
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

export type FakeDirectLine = Awaited<ReturnType<typeof startFakeDirectLine>>;

/**
 * A fake Direct Line and the token endpoint in front of it, for the tests of one describe block:
 * started before them, closed after; before each test the fake forgets what it received and
 * answers normally again. Read the fields inside the tests (they exist once started).
 */
export function useTokenEndpoint(options: Omit<Parameters<typeof startTokenEndpointServer>[0], 'endpoint'>): { readonly directLine: FakeDirectLine; readonly baseUrl: string } {
  let started: { directLine: FakeDirectLine; tokens: Awaited<ReturnType<typeof startTokenEndpointServer>> } | undefined;
  const running = () => {
    if (!started) throw new Error('the token endpoint is not started (read it inside a test)');
    return started;
  };

  beforeAll(async () => {
    const directLine = await startFakeDirectLine();
    started = { directLine, tokens: await startTokenEndpointServer({ ...options, endpoint: directLine.endpoint }) };
  });

  afterAll(async () => {
    await started?.tokens.close();
    await started?.directLine.close();
  });

  beforeEach(() => {
    running().directLine.received.length = 0;
    running().directLine.failWith(undefined);
  });

  return {
    get directLine() {
      return running().directLine;
    },
    get baseUrl() {
      return running().tokens.baseUrl;
    },
  };
}
