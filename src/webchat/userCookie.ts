import type restify from 'restify';

/**
 * The per-browser user id kept in a cookie (token endpoint, local Direct Line path): the same
 * browser is the same user after a reload, so "my listing" finds its listings.
 *
 * On the bot's own page the cookie is first-party: SameSite=Strict. Inside an intranet page's
 * iframe (WEBCHAT_EMBED_ORIGINS set) it is third-party: browsers send no SameSite=Strict/Lax
 * cookie to a third-party iframe, and many block third-party cookies — and with them the
 * iframe's localStorage — altogether. A Partitioned cookie (CHIPS) is kept by the browser per
 * embedding site even then: SameSite=None; Secure; Partitioned. No other site's page can make the
 * browser send it (another top-level site has another partition), and the Origin check refuses
 * such pages anyway. HttpOnly: the page's scripts never see it.
 */
const MAX_AGE_S = 365 * 24 * 3600;
const VALUE = /^[A-Za-z0-9_-]{8,64}$/;

export function readUserCookie(req: restify.Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    const value = rest.join('=');
    if (key === name && VALUE.test(value)) return value;
  }
  return undefined;
}

export function userCookieHeader(name: string, value: string, path: string, isEmbeddable: boolean): string {
  const sameSite = isEmbeddable ? 'SameSite=None; Partitioned' : 'SameSite=Strict';
  return `${name}=${value}; Path=${path}; Max-Age=${MAX_AGE_S}; HttpOnly; Secure; ${sameSite}`;
}
