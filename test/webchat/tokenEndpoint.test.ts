import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { signUserId, USER_COOKIE, userCookieKey } from '../../src/webchat/userCookie.js';
import { signUserHint, userKeyOf } from '../../src/webchat/userHint.js';
import { useTokenEndpoint } from '../helpers/fakeDirectLine.js';

const SECRET = 'direct-line-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const PAGE_ORIGIN = 'https://bot.example.org';
/** What a browser sends with the page's own POST. */
const FROM_PAGE = { origin: PAGE_ORIGIN };

describe('the token endpoint (DIRECT_LINE_SECRET set)', () => {
  const endpoint = useTokenEndpoint({ secret: SECRET, pageOrigin: PAGE_ORIGIN });

  it('exchanges the secret with the service and gives the browser a token, never the secret', async () => {
    const response = await fetch(`${endpoint.baseUrl}/api/webchat/token`, { method: 'POST', headers: FROM_PAGE });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toEqual({ token: 'dl-token-1', conversationId: 'conv-1', expires_in: 3600, domain: endpoint.directLine.endpoint });

    expect(endpoint.directLine.received).toHaveLength(1);
    const call = endpoint.directLine.received[0];
    expect(call?.method).toBe('POST');
    expect(call?.url).toBe('/v3/directline/tokens/generate');
    expect(call?.headers.authorization).toBe(`Bearer ${SECRET}`);
    const sent = JSON.parse(call?.body ?? '{}') as { user?: { id?: string } };
    expect(sent.user?.id).toMatch(/^dl_[A-Za-z0-9_-]{20,}$/);
  });

  it('keeps the same dl_ user for the same browser (cookie) and a new one for another', async () => {
    const first = await fetch(`${endpoint.baseUrl}/api/webchat/token`, { method: 'POST', headers: FROM_PAGE });
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-webchat_user=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=Strict$/);
    await fetch(`${endpoint.baseUrl}/api/webchat/token`, { method: 'POST', headers: { ...FROM_PAGE, cookie: cookie.split(';')[0] ?? '' } });
    await fetch(`${endpoint.baseUrl}/api/webchat/token`, { method: 'POST', headers: FROM_PAGE });
    const users = endpoint.directLine.received.map((r) => (JSON.parse(r.body) as { user: { id: string } }).user.id);
    expect(users[1]).toBe(users[0]);
    expect(users[2]).not.toBe(users[0]);
  });

  it('answers 502 without the service’s words or the secret when the service refuses', async () => {
    endpoint.directLine.failWith(403);
    const response = await fetch(`${endpoint.baseUrl}/api/webchat/token`, { method: 'POST', headers: FROM_PAGE });
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('secret was');
  });

  it('has no local Direct Line path', async () => {
    const response = await fetch(`${endpoint.baseUrl}/v3/directline/conversations`, { method: 'POST' });
    expect(response.status).toBe(404);
  });

  it('serves a page that asks the token endpoint and may reach only the Direct Line service', async () => {
    const response = await fetch(`${endpoint.baseUrl}/`);
    const html = await response.text();
    expect(html).toContain('data-mode="directLine"');
    expect(html).not.toContain(SECRET);
    const csp = response.headers.get('content-security-policy') ?? '';
    const { origin, host } = new URL(endpoint.directLine.endpoint);
    expect(csp).toContain(`connect-src 'self' blob: ${origin} wss://${host};`);
    const script = await (await fetch(`${endpoint.baseUrl}/webchat/page.js`)).text();
    expect(script).toContain('/api/webchat/token');
  });
});

describe('the token endpoint embedded in intranet pages (WEBCHAT_EMBED_ORIGINS, WEBCHAT_USER_HINT_SECRET)', () => {
  const HINT_SECRET = 'intranet-and-bot-share-this-secret-for-tests';
  const INTRANET = 'https://intranet.example.org';
  const logs: string[] = [];
  /** A browser's own per-browser cookie, as the endpoint signed it. */
  const ownCookie = `${USER_COOKIE}=${signUserId(userCookieKey(SECRET), 'aaaaaaaaaaaaaaaaaaaaaaaa')}`;
  const endpoint = useTokenEndpoint({ secret: SECRET, pageOrigin: PAGE_ORIGIN, embedOrigins: [INTRANET], userHintSecret: HINT_SECRET, logger: createLogger('info', (line) => logs.push(line)) });

  const token = (headers: Record<string, string>, body: unknown = {}) =>
    fetch(`${endpoint.baseUrl}/api/webchat/token`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const usersAsked = () => endpoint.directLine.received.map((r) => (JSON.parse(r.body) as { user: { id: string } }).user.id);

  it.each([
    ['the bot’s own page', 'https://bot.example.org', 200],
    ['an embedding page', INTRANET, 200],
    ['another site', 'https://evil.example.net', 403],
  ])('from %s (%s): %s', async (_what, origin, status) => {
    const response = await token({ origin });
    expect(response.status).toBe(status);
    if (status === 403) {
      expect(endpoint.directLine.received).toHaveLength(0);
      expect(await response.text()).not.toContain('token');
    }
  });

  it('keeps its per-browser cookie usable in a third-party iframe (SameSite=None; Partitioned)', async () => {
    const response = await token({ origin: INTRANET });
    // Signed and __Host- (Path=/, no Domain) as on the bot's own page; only SameSite differs.
    expect(response.headers.get('set-cookie')).toMatch(/^__Host-webchat_user=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=None; Partitioned$/);
  });

  it('names the user after a valid signed hint, the same on every device; ignores a forged one', async () => {
    const hint = signUserHint('entra-object-id-0007', HINT_SECRET, new Date());
    await token({ origin: INTRANET, cookie: ownCookie }, { userHint: hint });
    await token({ origin: INTRANET }, { userHint: signUserHint('entra-object-id-0007', HINT_SECRET, new Date()) });
    await token({ origin: INTRANET, cookie: ownCookie }, { userHint: signUserHint('entra-object-id-0007', 'a-forged-secret-a-forged-secret-a-forged', new Date()) });
    const [first, second, forged] = usersAsked();
    expect(first).toBe(`dl_hint_${userKeyOf('entra-object-id-0007', HINT_SECRET)}`);
    expect(second).toBe(first);
    expect(forged).toBe('dl_aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(logs.join('\n')).toContain('"reason":"signature"');
    expect(logs.join('\n')).not.toContain('entra-object-id');
  });
});
