import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActivityHandler } from 'botbuilder';
import restify from 'restify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/adapter.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { registerWebChat } from '../../src/webchat/registerWebChat.js';

const SECRET = 'direct-line-secret-0123456789abcdefghijklmnopqrstuvwxyz';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Stands in for the Direct Line service on loopback: records requests, answers like tokens/generate. */
async function startFakeDirectLine(): Promise<{ endpoint: string; received: Received[]; failWith: (status: number | undefined) => void; close(): Promise<void> }> {
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

describe('the token endpoint (DIRECT_LINE_SECRET set)', () => {
  let directLine: Awaited<ReturnType<typeof startFakeDirectLine>>;
  let server: restify.Server;
  let baseUrl = '';

  beforeAll(async () => {
    directLine = await startFakeDirectLine();
    const config = loadConfig({ DIRECT_LINE_SECRET: SECRET });
    const logger = createLogger('silent');
    server = restify.createServer({ handleUncaughtExceptions: false });
    server.use(restify.plugins.bodyParser({ mapParams: false }));
    // The endpoint comes through the registration's settings: config accepts only https.
    registerWebChat(server, {
      adapter: createAdapter(config, logger),
      bot: new ActivityHandler(),
      logger,
      clock: () => new Date(),
      settings: { directLineSecret: SECRET, directLineEndpoint: directLine.endpoint, appId: undefined, defaultLocale: 'fr' },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await directLine?.close();
  });

  beforeEach(() => {
    directLine.received.length = 0;
    directLine.failWith(undefined);
  });

  it('exchanges the secret with the service and gives the browser a token, never the secret', async () => {
    const response = await fetch(`${baseUrl}/api/webchat/token`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toEqual({ token: 'dl-token-1', conversationId: 'conv-1', expires_in: 3600, domain: directLine.endpoint });

    expect(directLine.received).toHaveLength(1);
    const call = directLine.received[0];
    expect(call?.method).toBe('POST');
    expect(call?.url).toBe('/v3/directline/tokens/generate');
    expect(call?.headers.authorization).toBe(`Bearer ${SECRET}`);
    const sent = JSON.parse(call?.body ?? '{}') as { user?: { id?: string } };
    expect(sent.user?.id).toMatch(/^dl_[A-Za-z0-9_-]{20,}$/);
  });

  it('keeps the same dl_ user for the same browser (cookie) and a new one for another', async () => {
    const first = await fetch(`${baseUrl}/api/webchat/token`, { method: 'POST' });
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^webchat_user=[A-Za-z0-9_-]+; Path=\/api\/webchat\/token; Max-Age=\d+; HttpOnly; Secure; SameSite=Strict$/);
    await fetch(`${baseUrl}/api/webchat/token`, { method: 'POST', headers: { cookie: cookie.split(';')[0] ?? '' } });
    await fetch(`${baseUrl}/api/webchat/token`, { method: 'POST' });
    const users = directLine.received.map((r) => (JSON.parse(r.body) as { user: { id: string } }).user.id);
    expect(users[1]).toBe(users[0]);
    expect(users[2]).not.toBe(users[0]);
  });

  it('answers 502 without the service’s words or the secret when the service refuses', async () => {
    directLine.failWith(403);
    const response = await fetch(`${baseUrl}/api/webchat/token`, { method: 'POST' });
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('secret was');
  });

  it('has no local Direct Line path', async () => {
    const response = await fetch(`${baseUrl}/v3/directline/conversations`, { method: 'POST' });
    expect(response.status).toBe(404);
  });

  it('serves a page that asks the token endpoint and may reach only the Direct Line service', async () => {
    const response = await fetch(`${baseUrl}/`);
    const html = await response.text();
    expect(html).toContain('data-mode="directLine"');
    expect(html).not.toContain(SECRET);
    const csp = response.headers.get('content-security-policy') ?? '';
    const { origin, host } = new URL(directLine.endpoint);
    expect(csp).toContain(`connect-src 'self' blob: ${origin} wss://${host};`);
    const script = await (await fetch(`${baseUrl}/webchat/page.js`)).text();
    expect(script).toContain('/api/webchat/token');
  });
});
