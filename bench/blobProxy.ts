import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy in front of Azurite that counts requests: every blob request any
 * client makes (BlobsStorage, the listing store…) is seen, whatever SDK pipeline it uses.
 */
export async function startCountingProxy(target: { host: string; port: number }): Promise<{ port: number; count(): number; reset(): void; close(): Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((incoming, outgoing) => {
    requests += 1;
    const forwarded = request(
      { host: target.host, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    forwarded.on('error', () => {
      outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(forwarded);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    count: () => requests,
    reset: () => {
      requests = 0;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
