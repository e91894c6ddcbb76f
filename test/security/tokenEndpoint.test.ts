import { describe, expect, it } from 'vitest';
import type restify from 'restify';
import { clientOf, RateLimiter } from '../../src/http/rateLimit.js';
import { isAllowedOrigin } from '../../src/webchat/origins.js';
import { signUserId, USER_COOKIE, userCookieKey, userIdFromCookies, verifyUserId } from '../../src/webchat/userCookie.js';
import { useTokenEndpoint } from '../helpers/fakeDirectLine.js';

/**
 * Issue 13, finding 5: the token endpoint must not let a client choose its identity (the user id
 * is the key to that user's listings), must answer only the page's own origin, and must not
 * be callable without bound.
 */
const SECRET = 'direct-line-secret-for-the-security-tests-0123456789';
const PAGE_ORIGIN = 'https://bot.example.org';
const RATE = { burst: 5, perMinute: 1 };

describe('the Web Chat user cookie', () => {
  const key = userCookieKey(SECRET);

  it('verifies only values it signed', () => {
    const signed = signUserId(key, 'abcdefghijklmnopqrstuvwx');
    expect(verifyUserId(key, signed)).toBe('abcdefghijklmnopqrstuvwx');
    expect(verifyUserId(key, 'abcdefghijklmnopqrstuvwx')).toBeUndefined();
    expect(verifyUserId(key, `zbcdefghijklmnopqrstuvwx${signed.slice(24)}`)).toBeUndefined();
    expect(verifyUserId(userCookieKey('another-secret-entirely-0123456789'), signed)).toBeUndefined();
    expect(verifyUserId(key, `${signed}x`)).toBeUndefined();
  });

  it('takes one signed cookie, ignores unsigned ones, and trusts none when two signed ones disagree', () => {
    const a = signUserId(key, 'aaaaaaaaaaaaaaaaaaaaaaaa');
    const b = signUserId(key, 'bbbbbbbbbbbbbbbbbbbbbbbb');
    expect(userIdFromCookies(key, `${USER_COOKIE}=cccccccccccccccccccccccc; ${USER_COOKIE}=${a}`)).toBe('aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(userIdFromCookies(key, `${USER_COOKIE}=${a}; ${USER_COOKIE}=${a}`)).toBe('aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(userIdFromCookies(key, `${USER_COOKIE}=${a}; ${USER_COOKIE}=${b}`)).toBeUndefined();
    expect(userIdFromCookies(key, `webchat_user=${a}`)).toBeUndefined();
  });

  it.each([
    ['https://bot.example.org', true],
    ['https://BOT.example.org:443', true],
    ['https://bot.example.org.evil.example', false],
    ['http://bot.example.org', false],
    ['null', false],
    [undefined, false],
  ])('decides the origin %s: %s', (origin, allowed) => {
    expect(isAllowedOrigin(origin, { pageOrigin: PAGE_ORIGIN, embedOrigins: [] })).toBe(allowed);
  });
});

describe('the client address a rate limit counts', () => {
  const request = (peer: string, forwarded?: string) =>
    ({ socket: { remoteAddress: peer }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as restify.Request;

  it('is the TCP peer unless proxies of our own are declared: X-Forwarded-For can be written by anyone', () => {
    expect(clientOf(request('203.0.113.7', '198.51.100.1'))).toBe('203.0.113.7');
  });

  it('behind N trusted proxies, is the address the N-th appended, whatever the client wrote before it', () => {
    expect(clientOf(request('10.0.0.4', '198.51.100.1, 203.0.113.7:51234'), 1)).toBe('203.0.113.7');
    expect(clientOf(request('10.0.0.4', 'spoofed, 203.0.113.7, 10.1.1.1'), 2)).toBe('203.0.113.7');
    expect(clientOf(request('10.0.0.4', '[2001:db8::1]:443'), 1)).toBe('2001:db8::1');
    expect(clientOf(request('10.0.0.4'), 1)).toBe('10.0.0.4');
  });

  it('keeps a bounded number of buckets', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 1, perMinute: 1 }, () => new Date(now), 100);
    for (let i = 0; i < 1_000; i += 1) limiter.take(`client-${i}`);
    expect(limiter.take('client-999').ok).toBe(false);
    now += 60_000;
    expect(limiter.take('client-999').ok).toBe(true);
  });
});

describe('the token endpoint against hostile clients', () => {
  const key = userCookieKey(SECRET);
  const endpoint = useTokenEndpoint({ secret: SECRET, pageOrigin: PAGE_ORIGIN, creationLimit: RATE });

  const ask = (headers: Record<string, string>) => fetch(`${endpoint.baseUrl}/api/webchat/token`, { method: 'POST', headers });
  const userIdsSent = () => endpoint.directLine.received.map((r) => (JSON.parse(r.body) as { user: { id: string } }).user.id);

  it('never takes a user id the server did not sign, nor lets a second cookie choose it', async () => {
    const planted = 'victimvictimvictimvictim';
    const forged = await ask({ origin: PAGE_ORIGIN, cookie: `${USER_COOKIE}=${planted}; webchat_user=${planted}` });
    expect(forged.status).toBe(200);
    const issued = userIdFromCookies(key, (forged.headers.get('set-cookie') ?? '').split(';')[0]);
    expect(issued).toBeDefined();
    expect(issued).not.toBe(planted);
    // The browser's own signed cookie keeps its id, even with a planted unsigned one first.
    const own = signUserId(key, issued ?? '');
    expect((await ask({ origin: PAGE_ORIGIN, cookie: `${USER_COOKIE}=${planted}; ${USER_COOKIE}=${own}` })).status).toBe(200);
    expect(userIdsSent()).toEqual([`dl_${issued}`, `dl_${issued}`]);
  });

  it('sets a __Host- cookie: Secure, Path=/, no Domain, HttpOnly', async () => {
    const response = await ask({ origin: PAGE_ORIGIN });
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-webchat_user=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=Strict$/);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it.each([
    ['no Origin', {}],
    ['another site', { origin: 'https://evil.example' }],
    ['a look-alike', { origin: 'https://bot.example.org.evil.example' }],
    ['plain http', { origin: 'http://bot.example.org' }],
  ])('refuses a request from %s with 403, without asking Direct Line', async (_name, headers) => {
    const response = await ask(headers);
    expect(response.status).toBe(403);
    expect(endpoint.directLine.received).toHaveLength(0);
  });

  it('rate-limits one client: at most the burst, then 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const response = await ask({ origin: PAGE_ORIGIN });
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      await response.body?.cancel();
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(12 - RATE.burst);
    expect(endpoint.directLine.received.length).toBeLessThanOrEqual(RATE.burst);
  });
});
