import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The Web Chat user's per-browser id, kept by the browser in a cookie the server signs:
 * `<id>.<HMAC>`. Direct Line binds the id into the token (`dl_<id>`), and with it the user's
 * listings (tenant = channel + user), so a browser must not choose it: a value the server did not
 * sign is ignored and the browser gets a new id. Two cookies use this helper: the token
 * endpoint's (USER_COOKIE) and the local Direct Line path's (LOCAL_USER_COOKIE — a third-party
 * iframe is denied localStorage, so the cookie is what keeps its id across reloads).
 *
 * `__Host-` prefix: the browser accepts the cookie only from this exact host, over https (or
 * localhost), with Path=/ and no Domain — a sibling subdomain cannot plant one, and when two
 * arrive anyway only a correctly signed, unambiguous one counts.
 *
 * On the bot's own page the cookie is first-party: SameSite=Strict. Inside an intranet page's
 * iframe (WEBCHAT_EMBED_ORIGINS set) it is third-party: browsers send no SameSite=Strict/Lax
 * cookie to a third-party iframe, and many block third-party cookies altogether. A Partitioned
 * cookie (CHIPS) is kept by the browser per embedding site even then: SameSite=None; Secure;
 * Partitioned (compatible with `__Host-`). No other site's page can make the browser send it
 * (another top-level site has another partition), and the Origin check refuses such pages anyway.
 * HttpOnly: the page's scripts never see it.
 */
export const USER_COOKIE = '__Host-webchat_user';
export const LOCAL_USER_COOKIE = '__Host-webchat_local_user';
const USER_COOKIE_MAX_AGE_S = 365 * 24 * 3600;
/** Server-made ids (22–43 chars) and the local path's browser ids (8–64 chars). */
const ID = /^[A-Za-z0-9_-]{8,64}$/;
const SIGNATURE_BYTES = 32;

/**
 * The signing key: WEBCHAT_USER_SECRET if set, else derived from the Direct Line secret (HKDF),
 * else (local path without either) random per process.
 */
export function userCookieKey(directLineSecret: string | undefined, configured?: string): Buffer {
  const material = configured || directLineSecret || randomBytes(32).toString('hex');
  return Buffer.from(hkdfSync('sha256', material, 'checkinatwork-webchat', 'webchat-user-cookie-v1', 32));
}

function signatureOf(key: Buffer, id: string): Buffer {
  return createHmac('sha256', key).update(id, 'utf8').digest();
}

/** A new random user id (no `dl_` prefix: the token endpoint adds it). */
export function newUserId(): string {
  for (;;) {
    const id = randomBytes(18).toString('base64url');
    // Never one that looks like a signed user hint's (userHint.ts, HINTED_USER_PREFIX).
    if (!id.startsWith('hint_')) return id;
  }
}

/** `<id>.<signature>`, the cookie's value. */
export function signUserId(key: Buffer, id: string): string {
  return `${id}.${signatureOf(key, id).toString('base64url')}`;
}

/** The id of a correctly signed value; undefined for anything else. */
export function verifyUserId(key: Buffer, value: string): string | undefined {
  const dot = value.lastIndexOf('.');
  if (dot < 0) return undefined;
  const id = value.slice(0, dot);
  if (!ID.test(id)) return undefined;
  const given = Buffer.from(value.slice(dot + 1), 'base64url');
  if (given.length !== SIGNATURE_BYTES) return undefined;
  return timingSafeEqual(given, signatureOf(key, id)) ? id : undefined;
}

/**
 * The user id from a Cookie header: the one correctly signed value of cookie `name`; undefined
 * when there is none, or two different signed ones (nobody can tell which is right).
 */
export function userIdFromCookies(key: Buffer, header: string | undefined, name: string = USER_COOKIE): string | undefined {
  const ids = new Set<string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== name) continue;
    const id = verifyUserId(key, part.slice(at + 1).trim());
    if (id !== undefined) ids.add(id);
  }
  return ids.size === 1 ? [...ids][0] : undefined;
}

/** How the cookie is set. */
export interface UserCookieOptions {
  /** The cookie's name (USER_COOKIE by default). */
  readonly name?: string;
  /** Embedded in other sites' pages (WEBCHAT_EMBED_ORIGINS set): SameSite=None; Partitioned. */
  readonly isEmbeddable?: boolean;
}

/** The Set-Cookie header value for this user: always `__Host-`-valid (Secure, Path=/, no Domain). */
export function userCookieHeader(key: Buffer, id: string, options: UserCookieOptions = {}): string {
  const sameSite = options.isEmbeddable ? 'SameSite=None; Partitioned' : 'SameSite=Strict';
  return `${options.name ?? USER_COOKIE}=${signUserId(key, id)}; Path=/; Max-Age=${USER_COOKIE_MAX_AGE_S}; HttpOnly; Secure; ${sameSite}`;
}
