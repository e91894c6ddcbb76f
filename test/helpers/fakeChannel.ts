import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';

/**
 * A minimal Bot Framework channel: an HTTP server the bot replies to (its `serviceUrl`), which
 * records every activity the bot sends, and a client that posts user activities to the bot.
 */
export interface FakeChannel {
  readonly serviceUrl: string;
  readonly received: Activity[];
  /** The Authorization header of each received activity, in the same order (the bot's own token). */
  readonly authorizations: (string | undefined)[];
  /** Posts one user message to the bot and resolves with the HTTP status and the bot's replies. */
  send(activity: Partial<Activity>): Promise<{ status: number; replies: Activity[] }>;
  close(): Promise<void>;
}

export async function startFakeChannel(botEndpoint: () => string, conversationId = 'conv-e2e'): Promise<FakeChannel> {
  const received: Activity[] = [];
  const authorizations: (string | undefined)[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.method === 'POST' && /\/v3\/conversations\/[^/]+\/activities/.test(req.url ?? '')) {
        received.push(JSON.parse(body) as Activity);
        authorizations.push(req.headers.authorization);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `reply-${received.length}` }));
        return;
      }
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  let sequence = 0;

  return {
    serviceUrl,
    received,
    authorizations,
    async send(activity) {
      sequence += 1;
      const id = activity.id ?? `user-activity-${sequence}-${Math.random().toString(36).slice(2)}`;
      const response = await fetch(botEndpoint(), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          id,
          timestamp: new Date().toISOString(),
          channelId: 'fakechannel',
          serviceUrl,
          from: { id: 'user-1', name: 'Foreman' },
          recipient: { id: 'bot-1', name: 'Bot' },
          conversation: { id: conversationId },
          ...activity,
        }),
      });
      await response.arrayBuffer();
      // Replies answer this activity (replyToId): exact even with conversations in parallel.
      return { status: response.status, replies: received.filter((r) => r.replyToId === id) };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Posts one message activity to the bot on `port` as a channel would (`fields` complete it). */
export function postActivity(port: number, fields: Partial<Activity> & { readonly text: string; readonly serviceUrl: string }): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', recipient: { id: 'bot-1', name: 'Bot' }, ...fields }),
  });
}
