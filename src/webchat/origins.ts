/**
 * Which browser origins may use the chat: the bot's own page, and the intranet pages listed in
 * WEBCHAT_EMBED_ORIGINS that embed it (embed.js). One decision, `isAllowedOrigin`, used by every
 * path a browser starts or continues a conversation through (token endpoint, local Direct Line);
 * the same list sets the embedded page's `frame-ancestors`.
 *
 * An Origin header is what a browser says about the page making the request; a script on
 * another site cannot change it. (A non-browser client can write anything: the Origin check
 * keeps other sites' pages out, authentication, the Host check and rate limits deal with the rest.)
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

/** Who may talk to the chat from a browser. */
export interface OriginAllowlist {
  /** The bot's public origin (PUBLIC_BASE_URL), where its own page is served. */
  readonly pageOrigin: string;
  /** WEBCHAT_EMBED_ORIGINS: the pages that embed the chat. */
  readonly embedOrigins: readonly string[];
}

/**
 * The one decision: is this `Origin` header a page that may use the chat?
 *
 * - the bot's own page, by PUBLIC_BASE_URL, or by the host the request was sent to when the
 *   caller passes it (the local path: the same page reached as localhost or 127.0.0.1; the Host
 *   header itself is checked before, hostCheck.ts, so a DNS-rebinding page cannot pass as ours);
 * - one of the embedding origins.
 * Anything else — no Origin at all, another site, a look-alike, plain http for an https page, a
 * sandboxed or file page ("null") — is refused. Whether a request *without* Origin may go on is
 * the caller's choice (guardOrigin in registerWebChat.ts): a browser always sends one on a POST.
 */
export function isAllowedOrigin(origin: string | undefined, allowed: OriginAllowlist, requestHost?: string): boolean {
  if (origin === undefined) return false;
  const asked = normalizeOrigin(origin);
  if (asked === undefined) return false;
  if ([allowed.pageOrigin, ...allowed.embedOrigins].some((candidate) => normalizeOrigin(candidate) === asked)) return true;
  if (!requestHost) return false;
  return new URL(asked).host === requestHost.trim().toLowerCase();
}

/** The Origin header of a request, when there is exactly one. */
export function originHeaderOf(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const value = headers.origin;
  return typeof value === 'string' ? value : undefined;
}

/** The embedded page's `frame-ancestors`: the embedding origins, or nobody. */
export function frameAncestors(embedOrigins: readonly string[]): string {
  return embedOrigins.length > 0 ? embedOrigins.join(' ') : "'none'";
}
