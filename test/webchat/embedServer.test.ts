import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGS } from '../../src/i18n/index.js';
import { createLogger } from '../../src/logger.js';
import { signUserHint, userKeyOf } from '../../src/webchat/userHint.js';
import { INSTANTS } from '../helpers/testBot.js';
import { type DlActivity, directLine } from '../helpers/localDirectLineClient.js';
import { type RunningApp, startWebChatApp } from './webChatApp.js';

/**
 * What the bot serves for embedding, over real HTTP: the embedded page's headers, embed.js, the
 * Origin allowlist on the local Direct Line path, and the signed user hint making "my evidence"
 * follow a person from one device to another.
 */
const INTRANET = 'https://intranet.example.org';
const SECRET = 'intranet-and-bot-share-this-secret-for-tests';

describe('embedding, as served by the bot (local Direct Line path)', () => {
  let running: RunningApp;
  const logs: string[] = [];

  beforeAll(async () => {
    running = await startWebChatApp(
      { WEBCHAT_EMBED_ORIGINS: `${INTRANET},https://extranet.example.org:8443`, WEBCHAT_USER_HINT_SECRET: SECRET },
      { clock: () => INSTANTS.open, logger: createLogger('info', (line) => logs.push(line)) },
    );
  });

  afterAll(async () => {
    await running?.app.close();
  });

  it('lets only the embedding origins frame the embedded page, in the language asked for', async () => {
    const response = await fetch(`${running.baseUrl}/?embed=1&locale=de`, { headers: { 'accept-language': 'fr-BE' } });
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`frame-ancestors ${INTRANET} https://extranet.example.org:8443`);
    // Still strict: scripts from the bot only, nothing inline.
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("default-src 'none'");
    expect(response.headers.get('x-frame-options')).toBeNull();
    const html = await response.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain(`<title>${CATALOGS.de.embed.frameTitle}</title>`);
    expect(html).toContain('data-embedded="true"');
    expect(html).toContain('data-locale="de"');
  });

  it('keeps the bot’s own page unframeable', async () => {
    const response = await fetch(`${running.baseUrl}/`);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('serves embed.js to any page, with the allowed origins and the four languages in it', async () => {
    const response = await fetch(`${running.baseUrl}/embed.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(response.headers.get('etag')).toBeTruthy();
    const script = await response.text();
    expect(script).toContain(JSON.stringify([INTRANET, 'https://extranet.example.org:8443']));
    for (const locale of ['fr', 'nl', 'de', 'en'] as const) expect(script).toContain(JSON.stringify(CATALOGS[locale].embed.launcher));
    expect(script).not.toContain('__CONFIG__');
    // Valid JavaScript.
    expect(() => new Function(script)).not.toThrow();
  });

  it.each([
    ['the bot’s own page', undefined, 201],
    ['an embedding page', INTRANET, 201],
    ['another site', 'https://evil.example.net', 403],
    ['a sandboxed page', 'null', 403],
  ])('starting a conversation from %s: %s', async (_what, origin, status) => {
    const dl = directLine(running.baseUrl, origin ? { origin } : {});
    expect((await dl.start({ user: { id: 'web-origin-test-1' } })).status).toBe(status);
  });

  it('refuses another site on every local Direct Line route, even with a valid token', async () => {
    const { started } = await directLine(running.baseUrl).start({ user: { id: 'web-origin-test-2' } });
    const evil = directLine(running.baseUrl, { origin: 'https://evil.example.net' });
    expect((await evil.get(started.conversationId, started.token)).status).toBe(403);
    expect((await evil.post(started.conversationId, started.token, { type: 'message', text: 'hello' })).status).toBe(403);
    expect((await evil.refresh(started.token)).status).toBe(403);
    expect(logs.join('\n')).toContain('"event":"webchat.origin_refused"');
  });

  it('keeps the browser’s user in a cookie, partitioned for a third-party iframe', async () => {
    const first = await fetch(`${running.baseUrl}/v3/directline/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: running.baseUrl },
      body: JSON.stringify({ user: { id: 'web-cookie-test-0001' } }),
    });
    const cookie = first.headers.get('set-cookie') ?? '';
    // Signed by the server (userCookie.ts) and a valid __Host- cookie: Path=/, Secure, no Domain.
    expect(cookie).toMatch(/^__Host-webchat_local_user=web-cookie-test-0001\.[A-Za-z0-9_-]{43}; Path=\/; Max-Age=31536000; HttpOnly; Secure; SameSite=None; Partitioned$/);
    // Without localStorage (blocked in a third-party iframe), the cookie alone brings the same user back.
    const again = await fetch(`${running.baseUrl}/v3/directline/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookie.split(';')[0] ?? '' },
      body: JSON.stringify({ user: { id: 'web-some-fresh-id-99' } }),
    });
    expect(((await again.json()) as { userId?: string }).userId).toBe('web-cookie-test-0001');
    // A value the server did not sign is not an identity: the page's own id is used instead.
    const unsigned = await fetch(`${running.baseUrl}/v3/directline/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: '__Host-webchat_local_user=web-cookie-test-0001' },
      body: JSON.stringify({ user: { id: 'web-some-fresh-id-98' } }),
    });
    expect(((await unsigned.json()) as { userId?: string }).userId).toBe('web-some-fresh-id-98');
  });

  it('never lets a browser claim a hinted user id', async () => {
    const claimed = `hint_${userKeyOf('someone-else', SECRET)}`;
    const { started } = await directLine(running.baseUrl).start({ user: { id: claimed } });
    expect(started.userId).toMatch(/^web-/);
  });

  it('with a signed hint, "my evidence" follows the person to another device; an expired hint falls back to the browser', async () => {
    const hint = signUserHint('entra-object-id-0042', SECRET, INSTANTS.open);
    const phone = directLine(running.baseUrl, { origin: running.baseUrl });
    const { started: onPhone } = await phone.start({ user: { id: 'web-phone-of-person-42' }, locale: 'en-GB', userHint: hint });
    expect(onPhone.userId).toBe(`hint_${userKeyOf('entra-object-id-0042', SECRET)}`);

    // On the phone: the verdict, then evidence recorded.
    const say = async (conversation: typeof onPhone, text: string, until: (a: DlActivity) => boolean) => {
      await phone.post(conversation.conversationId, conversation.token, { type: 'message', text, locale: 'en-GB' });
      return phone.pollUntil(conversation.conversationId, conversation.token, (all) => all.some(until));
    };
    await phone.pollUntil(onPhone.conversationId, onPhone.token, (all) => all.length > 0);
    await say(onPhone, 'Checkinatwork is down, am I exempt?', (a) => a.text?.includes(CATALOGS.en.procedure.outcome.exemptServiceDown.title) ?? false);
    await say(onPhone, CATALOGS.en.actions.recordEvidence, (a) => a.text?.includes(CATALOGS.en.evidence.askNote) ?? false);
    await say(onPhone, 'Outage notice on status page at 06:50', (a) => a.text?.includes(CATALOGS.en.evidence.saved.split('{')[0] ?? '') ?? false);

    // On the office PC, another browser, the same person: the evidence is there.
    const { started: onPc } = await phone.start({ user: { id: 'web-office-pc-of-person-42' }, locale: 'en-GB', userHint: signUserHint('entra-object-id-0042', SECRET, INSTANTS.open) });
    expect(onPc.userId).toBe(onPhone.userId);
    await phone.pollUntil(onPc.conversationId, onPc.token, (all) => all.length > 0);
    const listed = await say(onPc, 'my evidence for today', (a) => a.text?.includes('Outage notice on status page') ?? false);
    expect(listed.some((a) => a.text?.includes('Outage notice on status page'))).toBe(true);

    // An expired hint: ignored (logged, without the person), the browser's own id instead.
    logs.length = 0;
    const stale = signUserHint('entra-object-id-0042', SECRET, new Date(INSTANTS.open.getTime() - 3_600_000));
    const { started: elsewhere } = await phone.start({ user: { id: 'web-kiosk-browser-0001' }, locale: 'en-GB', userHint: stale });
    expect(elsewhere.userId).toBe('web-kiosk-browser-0001');
    expect(logs.join('\n')).toContain('"event":"webchat.user_hint.ignored"');
    expect(logs.join('\n')).toContain('"reason":"expired"');
    expect(logs.join('\n')).not.toContain('entra-object-id');
    expect(logs.join('\n')).not.toContain(stale);
  });
});
