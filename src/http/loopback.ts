import { isIP } from 'node:net';

/**
 * Loopback: this machine only. Without MicrosoftAppId nothing authenticates a request, so the
 * bot then listens on loopback, answers only requests addressed to a loopback host name (a
 * DNS-rebinding page cannot reach it under its own name) and replies only to loopback
 * serviceUrls (a sender cannot make it post elsewhere). Pure: no I/O.
 */

/** `localhost`, `*.localhost` (RFC 6761), 127.0.0.0/8, ::1, and ::ffff:127.x.x.x. */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const version = isIP(name);
  if (version === 4) return name.startsWith('127.');
  if (version === 6) {
    if (name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name);
    return mapped?.[1] !== undefined && mapped[1].startsWith('127.');
  }
  return false;
}

/** True for an http(s) URL whose host is loopback. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && isLoopbackHost(parsed.hostname);
  } catch {
    return false;
  }
}

/**
 * The host name of a Host header (`name`, `name:port`, `[v6]:port`), lower-case, without the
 * port; undefined when it is not one.
 */
export function hostNameOf(header: string | undefined): string | undefined {
  if (header === undefined || header.length === 0 || header.length > 300) return undefined;
  try {
    const parsed = new URL(`http://${header}`);
    if (parsed.username || parsed.password || parsed.pathname !== '/' || parsed.search || parsed.hash) return undefined;
    return parsed.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}
