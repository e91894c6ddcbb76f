/**
 * Which browser origins may use the chat: the bot's own page, and the intranet pages listed in
 * WEBCHAT_EMBED_ORIGINS that embed it (embed.js). One decision, `isAllowedOrigin`, used by every
 * path a browser starts a conversation through (token endpoint, local Direct Line); the same
 * list sets the embedded page's `frame-ancestors`.
 */

export type OriginsParse = { readonly ok: true; readonly origins: readonly string[] } | { readonly ok: false; readonly error: string };

/**
 * Plain http is accepted for these hosts only: browsers treat them as secure contexts, and a
 * developer trying the widget on a local page has no certificate. Anything else must be https.
 */
const LOCAL_DEVELOPMENT_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Reads a comma-separated list of origins (`https://intranet.example.org,https://extranet…`).
 * Each must be an origin exactly — scheme, host, optional port; no path, query, wildcard or
 * credentials — so a mistyped entry stops start-up instead of silently allowing nothing (or too
 * much). Normalised as browsers send them (lower-case host, default port dropped).
 */
export function parseOrigins(text: string): OriginsParse {
  const origins: string[] = [];
  for (const raw of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const checked = originOf(raw);
    if (!checked.ok) return { ok: false, error: `"${raw}": ${checked.error}` };
    if (!origins.includes(checked.origin)) origins.push(checked.origin);
  }
  return { ok: true, origins };
}

function originOf(raw: string): { ok: true; origin: string } | { ok: false; error: string } {
  if (raw.includes('*')) return { ok: false, error: 'wildcards are not allowed: list each origin' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, error: 'not an origin such as https://intranet.example.org' };
  }
  const isLocal = url.protocol === 'http:' && LOCAL_DEVELOPMENT_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !isLocal) return { ok: false, error: 'must be https (http only for localhost)' };
  if (url.username || url.password) return { ok: false, error: 'must not contain credentials' };
  // `new URL` adds "/" to a bare origin: anything beyond it, or a query or fragment, is a path.
  if (url.pathname !== '/' || url.search || url.hash || /[?#]/.test(raw)) {
    return { ok: false, error: 'must be an origin only (no path, query or fragment)' };
  }
  return { ok: true, origin: url.origin };
}

/** Who may talk to the chat from a browser. */
export interface OriginAllowlist {
  /** The bot's public origin (PUBLIC_BASE_URL), where its own page is served. */
  readonly pageOrigin: string;
  /** WEBCHAT_EMBED_ORIGINS: the pages that embed the chat. */
  readonly embedOrigins: readonly string[];
}

/**
 * The one decision: may a request with this `Origin` header start or continue a conversation?
 *
 * - no Origin header: not a cross-origin browser request (browsers always send it on a
 *   cross-origin fetch and on every POST); curl and servers can claim any origin anyway;
 * - the bot's own page, by PUBLIC_BASE_URL or by the host the request was sent to (the same
 *   page reached as localhost or 127.0.0.1, or through a proxy that keeps the Host header);
 * - one of the embedding origins.
 * Anything else — another site, a sandboxed or file page ("null") — is refused.
 */
export function isAllowedOrigin(origin: string | undefined, allowed: OriginAllowlist, requestHost?: string): boolean {
  if (origin === undefined) return true;
  if (origin === allowed.pageOrigin || allowed.embedOrigins.includes(origin)) return true;
  if (!requestHost) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.host === requestHost.trim().toLowerCase();
  } catch {
    return false;
  }
}

/** The embedded page's `frame-ancestors`: the embedding origins, or nobody. */
export function frameAncestors(embedOrigins: readonly string[]): string {
  return embedOrigins.length > 0 ? embedOrigins.join(' ') : "'none'";
}
