import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { frameAncestors, isAllowedOrigin, parseOrigins } from '../../src/webchat/origins.js';

describe('WEBCHAT_EMBED_ORIGINS', () => {
  it('reads comma-separated origins, normalised as browsers send them', () => {
    expect(parseOrigins(' https://Intranet.Example.org , https://extranet.example.org:8443/,https://intranet.example.org:443')).toEqual({
      ok: true,
      origins: ['https://intranet.example.org', 'https://extranet.example.org:8443'],
    });
    expect(parseOrigins('')).toEqual({ ok: true, origins: [] });
  });

  it('accepts plain http only for a local development page', () => {
    expect(parseOrigins('http://localhost:8080,http://127.0.0.1:5500')).toEqual({ ok: true, origins: ['http://localhost:8080', 'http://127.0.0.1:5500'] });
    expect(parseOrigins('http://intranet.example.org').ok).toBe(false);
  });

  it.each([
    ['intranet.example.org', 'not an origin'],
    ['https://intranet.example.org/portal', 'origin only'],
    ['https://intranet.example.org?x=1', 'origin only'],
    ['https://*.example.org', 'wildcards'],
    ['*', 'wildcards'],
    ['https://user:pw@intranet.example.org', 'credentials'],
    ['ftp://intranet.example.org', 'https'],
    ["https://intranet.example.org'; object-src data:", 'not an origin'],
  ])('refuses %s', (value, why) => {
    const parsed = parseOrigins(`https://ok.example.org,${value}`);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(why);
  });

  it('stops start-up naming the variable when an origin is mistyped', () => {
    expect(() => loadConfig({ WEBCHAT_EMBED_ORIGINS: 'https://intranet.example.org,htps//extranet.example.org' })).toThrow(ConfigError);
    expect(() => loadConfig({ WEBCHAT_EMBED_ORIGINS: 'https://intranet.example.org/chat' })).toThrow(/WEBCHAT_EMBED_ORIGINS: "https:\/\/intranet.example.org\/chat"/);
    expect(loadConfig({ WEBCHAT_EMBED_ORIGINS: 'https://intranet.example.org' }).webChat.embedOrigins).toEqual(['https://intranet.example.org']);
    expect(loadConfig({}).webChat.embedOrigins).toEqual([]);
  });

  it('wants a user-hint secret long enough to be one', () => {
    expect(() => loadConfig({ WEBCHAT_USER_HINT_SECRET: 'short' })).toThrow(/WEBCHAT_USER_HINT_SECRET/);
    expect(loadConfig({ WEBCHAT_USER_HINT_SECRET: 'x'.repeat(32) }).webChat.userHintSecret).toBe('x'.repeat(32));
  });

  it('wants an international contact-centre number it can make a tel: link of', () => {
    expect(() => loadConfig({ CONTACT_CENTRE_PHONE_INTERNATIONAL: '02 511 51 51' })).toThrow(/CONTACT_CENTRE_PHONE_INTERNATIONAL/);
    expect(loadConfig({ CONTACT_CENTRE_PHONE_INTERNATIONAL: '+32 (0)2 511.51.51' }).contactCentre.phoneInternational).toBe('+32 (0)2 511.51.51');
  });
});

describe('isAllowedOrigin', () => {
  const allowed = { pageOrigin: 'https://bot.example.org', embedOrigins: ['https://intranet.example.org'] };

  it.each([
    ['the bot’s own page', 'https://bot.example.org', undefined, true],
    ['an embedding page', 'https://intranet.example.org', undefined, true],
    ['the same page reached by the host it was sent to', 'http://127.0.0.1:3978', '127.0.0.1:3978', true],
    ['no Origin at all (whether such a request may go on is the route guard’s choice)', undefined, undefined, false],
    ['another site', 'https://evil.example.net', 'bot.example.org', false],
    ['a look-alike of an embedding origin', 'https://intranet.example.org.evil.example.net', undefined, false],
    ['another port of an embedding host', 'https://intranet.example.org:8443', undefined, false],
    ['a sandboxed or file page', 'null', 'bot.example.org', false],
    ['garbage', 'not a url', 'bot.example.org', false],
  ])('%s', (_what, origin, host, expected) => {
    expect(isAllowedOrigin(origin, allowed, host)).toBe(expected);
  });

  it('lets only the embedding origins frame the embedded page, nobody when there are none', () => {
    expect(frameAncestors(['https://a.example.org', 'https://b.example.org'])).toBe('https://a.example.org https://b.example.org');
    expect(frameAncestors([])).toBe("'none'");
  });
});
