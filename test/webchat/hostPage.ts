import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * An intranet page on another origin: a plain HTTP server on loopback serving the shipped sample
 * (examples/intranet.html) with the bot's address in its snippet, plus any page a test adds.
 * Reached as http://localhost:<port> while the bot is at http://127.0.0.1:<port>: another
 * origin, and another *site*, so the chat is a third-party iframe as on a real intranet.
 */
export interface HostPage {
  readonly origin: string;
  /** Serves `html` at `pathname` (the sample is at `/`). */
  setPage(pathname: string, html: string): void;
  close(): Promise<void>;
}

export const SAMPLE_PAGE = path.resolve('examples/intranet.html');
const SAMPLE_BOT_URL = 'https://chat.example.org';

/** The sample page, its snippet pointing at `botUrl`, with `attributes` replaced when given. */
export async function samplePage(botUrl: string, attributes?: string): Promise<string> {
  const html = (await readFile(SAMPLE_PAGE, 'utf8')).replaceAll(SAMPLE_BOT_URL, botUrl);
  if (attributes === undefined) return html;
  return html.replace(/<script src="([^"]+\/embed\.js)"[^>]*><\/script>/, `<script src="$1" ${attributes} async></script>`);
}

export async function startHostPage(): Promise<HostPage> {
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const html = pages.get(pathname);
    if (pathname === '/favicon.ico') {
      // Browsers ask for it on their own; an intranet would have one.
      res.writeHead(204);
      res.end();
      return;
    }
    if (html === undefined) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    setPage: (pathname, html) => pages.set(pathname, html),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
