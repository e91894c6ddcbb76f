import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The Web Chat user's id, kept by the browser in a cookie the server signs: `<id>.<HMAC>`.
 * Direct Line binds the id into the token (`dl_<id>`), and with it the user's listings (tenant =
 * channel + user), so a browser must not choose it: a value the server did not sign is ignored
 * and the browser gets a new id.
 *
 * `__Host-` prefix: the browser accepts the cookie only from this exact host, over https, with
 * Path=/ and no Domain — a sibling subdomain cannot plant one, and when two arrive anyway only a
 * correctly signed, unambiguous one counts.
 */
export const USER_COOKIE = '__Host-webchat_user';
const USER_COOKIE_MAX_AGE_S = 365 * 24 * 3600;
const ID = /^[A-Za-z0-9_-]{22,43}$/;
const SIGNATURE_BYTES = 32;

/** The signing key: WEBCHAT_USER_SECRET if set, else derived from the Direct Line secret (HKDF). */
export function userCookieKey(directLineSecret: string, configured?: string): Buffer {
  const material = configured ?? directLineSecret;
  return Buffer.from(hkdfSync('sha256', material, 'checkinatwork-webchat', 'webchat-user-cookie-v1', 32));
}

function signatureOf(key: Buffer, id: string): Buffer {
  return createHmac('sha256', key).update(id, 'utf8').digest();
}

/** A new random user id (no `dl_` prefix: the token endpoint adds it). */
export function newUserId(): string {
  return randomBytes(18).toString('base64url');
}

/** `<id>.<signature>`, the cookie's value. */
export function signUserId(key: Buffer, id: string): string {
  return `${id}.${signatureOf(key, id).toString('base64url')}`;
}

/** The id of a correctly signed value; undefined for anything else. */
export function verifyUserId(key: Buffer, value: string): string | undefined {
  const dot = value.indexOf('.');
  if (dot < 0) return undefined;
  const id = value.slice(0, dot);
  if (!ID.test(id)) return undefined;
  const given = Buffer.from(value.slice(dot + 1), 'base64url');
  if (given.length !== SIGNATURE_BYTES) return undefined;
  return timingSafeEqual(given, signatureOf(key, id)) ? id : undefined;
}

/**
 * The user id from a Cookie header: the one correctly signed `__Host-webchat_user` value;
 * undefined when there is none, or two different signed ones (nobody can tell which is right).
 */
export function userIdFromCookies(key: Buffer, header: string | undefined): string | undefined {
  const ids = new Set<string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== USER_COOKIE) continue;
    const id = verifyUserId(key, part.slice(at + 1).trim());
    if (id !== undefined) ids.add(id);
  }
  return ids.size === 1 ? [...ids][0] : undefined;
}

/** The Set-Cookie header value for this user. */
export function userCookieHeader(key: Buffer, id: string): string {
  return `${USER_COOKIE}=${signUserId(key, id)}; Path=/; Max-Age=${USER_COOKIE_MAX_AGE_S}; HttpOnly; Secure; SameSite=Strict`;
}
