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
  /**
   * Posts one user message to the bot and resolves with the HTTP status and the bot's replies.
   * With `redeliveries`, behaves as the Bot Framework channels do when a delivery fails (no
   * answer, or a 5xx from the bot or a load balancer in front of it): it delivers the very same
   * activity, id included, again, up to that many times, after a short pause that doubles.
   */
  send(activity: Partial<Activity>, options?: SendOptions): Promise<SendResult>;
  /** Every activity the bot sent in answer to this activity id (its replyToId), so far. */
  repliesTo(activityId: string): Activity[];
  close(): Promise<void>;
}

export interface SendOptions {
  /** Further deliveries of the same activity after a failed one (default 0). */
  readonly redeliveries?: number;
  /** Pause before the first redelivery; doubled for each next one (default 200 ms). */
  readonly redeliveryDelayMs?: number;
}

export interface SendResult {
  /** The last delivery's status; 0 when no delivery got an HTTP answer at all. */
  readonly status: number;
  readonly replies: Activity[];
  /** The activity id used for every delivery. */
  readonly id: string;
  /** How many deliveries were made (1 when the first one succeeded). */
  readonly deliveries: number;
}

const isDelivered = (status: number) => status > 0 && status < 500;

export async function startFakeChannel(botEndpoint: () => string, conversationId = 'conv-e2e'): Promise<FakeChannel> {
  const received: Activity[] = [];
  const authorizations: (string | undefined)[] = [];
  // Replies answer an activity (replyToId): found at once even with thousands of them in parallel.
  const byReplyTo = new Map<string, Activity[]>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.method === 'POST' && /\/v3\/conversations\/[^/]+\/activities/.test(req.url ?? '')) {
        const activity = JSON.parse(body) as Activity;
        received.push(activity);
        authorizations.push(req.headers.authorization);
        if (activity.replyToId) byReplyTo.set(activity.replyToId, [...(byReplyTo.get(activity.replyToId) ?? []), activity]);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `reply-${received.length}` }));
        return;
      }
      res.writeHead(404);
      res.end();
    });
  });
  // Like a real channel's endpoint, keeps the bot's connections open for long: the Node default
  // (5 s) races with a busy bot reusing one just as it is closed.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  let sequence = 0;
  const repliesTo = (id: string) => [...(byReplyTo.get(id) ?? [])];

  const deliver = async (body: string): Promise<number> => {
    try {
      const response = await fetch(botEndpoint(), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  };

  return {
    serviceUrl,
    received,
    authorizations,
    repliesTo,
    async send(activity, options = {}) {
      sequence += 1;
      const id = activity.id ?? `user-activity-${sequence}-${Math.random().toString(36).slice(2)}`;
      const body = JSON.stringify({
        type: 'message',
        id,
        timestamp: new Date().toISOString(),
        channelId: 'fakechannel',
        serviceUrl,
        from: { id: 'user-1', name: 'Foreman' },
        recipient: { id: 'bot-1', name: 'Bot' },
        conversation: { id: conversationId },
        ...activity,
      });
      const redeliveries = options.redeliveries ?? 0;
      let status = await deliver(body);
      let deliveries = 1;
      for (let pause = options.redeliveryDelayMs ?? 200; !isDelivered(status) && deliveries <= redeliveries; pause *= 2) {
        await new Promise((resolve) => setTimeout(resolve, pause));
        status = await deliver(body);
        deliveries += 1;
      }
      return { status, replies: repliesTo(id), id, deliveries };
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
