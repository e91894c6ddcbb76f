/**
 * Which web origins may call the Web Chat endpoints from a browser (the token endpoint, the
 * local Direct Line path): the page's own. One decision for both, so that adding embedding
 * origins (WEBCHAT_EMBED_ORIGINS) is one change here.
 *
 * An Origin header is what a browser says about the page making the request; a script on
 * another site cannot change it. (A non-browser client can write anything: the Origin check
 * keeps other sites' pages out, authentication and rate limits deal with the rest.)
 */

/** `scheme://host[:port]`, lower-case, default port dropped; undefined when not an http(s) origin. */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin.toLowerCase();
  } catch {
    return undefined;
  }
}

/** True when `origin` (the request's Origin header) is one of `allowed` (origins or base URLs). */
export function isAllowedOrigin(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return false;
  const asked = normalizeOrigin(origin);
  return asked !== undefined && allowed.some((candidate) => normalizeOrigin(candidate) === asked);
}

/** The Origin header of a request, when there is exactly one. */
export function originHeaderOf(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const value = headers.origin;
  return typeof value === 'string' ? value : undefined;
}
