import { Agent, createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small load balancer in front of several bot instances, on loopback, for the scale-out test
 * and benchmark. Round robin without session affinity (as App Service with ARR affinity off),
 * made stricter: a turn of a conversation never goes to the instance that took the previous
 * turn of that conversation, so every turn has to find the conversation in shared storage.
 *
 * Like a real load balancer it does not retry a request: a connection refused or cut (the
 * instance was killed) answers 502 and takes the instance out of rotation until its /healthz
 * answers again; the channel redelivers (fakeChannel.ts). Every forwarded turn is logged, so a
 * test can check where each turn went.
 */
export interface ProxyLogEntry {
  readonly conversationId: string;
  readonly activityId: string;
  /** Index of the instance the turn was sent to. */
  readonly instance: number;
  /** The instance's status, or 502 when the instance did not answer. */
  readonly status: number;
  readonly failed: boolean;
}

export interface RoundRobinProxy {
  readonly url: string;
  /** Every turn (POST /api/messages) forwarded, in the order they were answered (or failed). */
  readonly log: readonly ProxyLogEntry[];
  /** Spread the turns over the first `count` instances only (the benchmark's 1-instance run). */
  useInstances(count: number): void;
  close(): Promise<void>;
}

const HEALTH_PROBE_MS = 100;

export async function startRoundRobinProxy(ports: readonly number[]): Promise<RoundRobinProxy> {
  const log: ProxyLogEntry[] = [];
  const lastInstance = new Map<string, number>();
  const down = new Set<number>();
  // A connection per forwarded request: a pooled one that the instance closes while idle (its
  // keep-alive timeout, late timers on a loaded machine) would fail a request the instance never
  // saw, and this proxy would take a healthy instance for a dead one.
  const agent = new Agent({ keepAlive: false });
  let active = ports.length;
  let cursor = 0;

  /** The next instance in rotation that is up and did not take this conversation's previous turn. */
  const pick = (conversationId: string): number | undefined => {
    const previous = lastInstance.get(conversationId);
    const up = Array.from({ length: active }, (_, i) => (cursor + i) % active).filter((i) => !down.has(i));
    const chosen = up.find((i) => i !== previous) ?? up[0];
    cursor = (cursor + 1) % active;
    return chosen;
  };

  const probes = setInterval(() => {
    for (const instance of down) {
      const port = ports[instance];
      fetch(`http://127.0.0.1:${port}/healthz`).then(
        async (response) => {
          await response.arrayBuffer();
          if (response.ok) down.delete(instance);
        },
        () => undefined,
      );
    }
  }, HEALTH_PROBE_MS);

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer, instance: number, onDone: (status: number, failed: boolean) => void) => {
    const forwarded = request(
      { host: '127.0.0.1', port: ports[instance], method: incoming.method, path: incoming.url, headers: incoming.headers, agent },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
        response.on('end', () => onDone(response.statusCode ?? 502, false));
        response.on('error', () => {
          down.add(instance);
          outgoing.destroy();
          onDone(502, true);
        });
      },
    );
    forwarded.on('error', () => {
      down.add(instance);
      if (!outgoing.headersSent) {
        outgoing.writeHead(502, { 'content-type': 'application/json' });
        outgoing.end('{"error":"bad gateway"}');
      } else {
        outgoing.destroy();
      }
      onDone(502, true);
    });
    forwarded.end(body);
  };

  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const turn = incoming.method === 'POST' && incoming.url === '/api/messages' ? turnOf(body) : undefined;
      const instance = pick(turn?.conversationId ?? '');
      if (instance === undefined) {
        outgoing.writeHead(503, { 'content-type': 'application/json' });
        outgoing.end('{"error":"no instance is up"}');
        return;
      }
      if (turn) lastInstance.set(turn.conversationId, instance);
      forward(incoming, outgoing, body, instance, (status, failed) => {
        if (turn) log.push({ ...turn, instance, status, failed });
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    useInstances: (count) => {
      active = Math.max(1, Math.min(count, ports.length));
      cursor = 0;
    },
    close: () =>
      new Promise((resolve) => {
        clearInterval(probes);
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function turnOf(body: Buffer): { conversationId: string; activityId: string } | undefined {
  try {
    const activity = JSON.parse(body.toString('utf8')) as { id?: unknown; conversation?: { id?: unknown } };
    const conversationId = activity.conversation?.id;
    if (typeof conversationId !== 'string') return undefined;
    return { conversationId, activityId: typeof activity.id === 'string' ? activity.id : '' };
  } catch {
    return undefined;
  }
}
