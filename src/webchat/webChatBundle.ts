import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * A static script served from memory: Web Chat's browser bundle straight from node_modules (no
 * CDN: the machines running this may have no internet), and the page's own script. Read and
 * gzipped once, on first request.
 */
export interface StaticScript {
  readonly path: string;
  /** Immutable scripts have their version in the path and are cached for a year. */
  readonly isImmutable: boolean;
  body(): { readonly plain: Buffer; readonly gzip: Buffer; readonly etag: string };
}

function lazyScript(urlPath: string, isImmutable: boolean, load: () => Buffer): StaticScript {
  let cached: { plain: Buffer; gzip: Buffer; etag: string } | undefined;
  return {
    path: urlPath,
    isImmutable,
    body: () => {
      if (!cached) {
        const plain = load();
        cached = { plain, gzip: gzipSync(plain), etag: `"${createHash('sha256').update(plain).digest('base64url').slice(0, 27)}"` };
      }
      return cached;
    },
  };
}

/** `botframework-webchat/dist/webchat.js` (UMD: `window.WebChat`, React included), under its version. */
export function webChatBundle(): StaticScript {
  // The package's `exports` map hides package.json and dist/: resolve its entry point instead.
  const packageDir = path.resolve(path.dirname(require.resolve('botframework-webchat')), '..');
  const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version?: unknown };
  const version = typeof manifest.version === 'string' && /^[0-9A-Za-z.+-]+$/.test(manifest.version) ? manifest.version : 'current';
  return lazyScript(`/webchat/${version}/webchat.js`, true, () => readFileSync(path.join(packageDir, 'dist', 'webchat.js')));
}

export function pageScript(source: string, urlPath = '/webchat/page.js'): StaticScript {
  return lazyScript(urlPath, false, () => Buffer.from(source, 'utf8'));
}
