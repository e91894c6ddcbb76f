import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { CLOCK_SKEW_S, hintedUserKey, MAX_LIFETIME_S, signUserHint, userKeyOf, verifyUserHint } from '../../src/webchat/userHint.js';

const SECRET = 'intranet-and-bot-share-this-secret-0123456789';
const NOW = new Date('2026-12-02T08:00:00Z');
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token made by hand, as the README's snippet does, so the format is pinned independently of signUserHint. */
function handMade(header: object, claims: object, secret = SECRET): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

describe('the signed user hint', () => {
  const iat = Math.floor(NOW.getTime() / 1000);

  it('gives the same opaque user key for the same person on any device, never the subject', () => {
    const first = verifyUserHint(signUserHint('entra-oid-1', SECRET, NOW), SECRET, NOW);
    const second = verifyUserHint(handMade({ alg: 'HS256', typ: 'JWT' }, { sub: 'entra-oid-1', iat: iat + 30, exp: iat + 330 }), SECRET, at(40));
    expect(first).toEqual({ ok: true, userKey: userKeyOf('entra-oid-1', SECRET) });
    expect(second).toEqual(first);
    if (first.ok) {
      expect(first.userKey).toMatch(/^[A-Za-z0-9_-]{26}$/);
      expect(first.userKey).not.toContain('entra');
    }
    expect(verifyUserHint(signUserHint('entra-oid-2', SECRET, NOW), SECRET, NOW)).not.toEqual(first);
  });

  it.each([
    ['expired', handMade({ alg: 'HS256' }, { sub: 'a', exp: iat - CLOCK_SKEW_S - 1 }), 'expired'],
    ['issued in the future beyond the skew', handMade({ alg: 'HS256' }, { sub: 'a', iat: iat + CLOCK_SKEW_S + 5, exp: iat + 300 }), 'not_yet_valid'],
    ['valid for too long', handMade({ alg: 'HS256' }, { sub: 'a', exp: iat + MAX_LIFETIME_S + CLOCK_SKEW_S + 1 }), 'too_long_lived'],
    ['signed with another secret', handMade({ alg: 'HS256' }, { sub: 'a', exp: iat + 60 }, 'another-secret-another-secret-another'), 'signature'],
    ['unsigned (alg none)', `${b64({ alg: 'none' })}.${b64({ sub: 'a', exp: iat + 60 })}.`, 'malformed'],
    ['of another algorithm', handMade({ alg: 'HS512' }, { sub: 'a', exp: iat + 60 }), 'algorithm'],
    ['without a subject', handMade({ alg: 'HS256' }, { exp: iat + 60 }), 'malformed'],
    ['not a token', 'hello', 'malformed'],
  ])('is refused when %s', (_what, hint, reason) => {
    expect(verifyUserHint(hint, SECRET, NOW)).toEqual({ ok: false, reason });
  });

  it('is refused when its subject was changed after signing', () => {
    const [header, , signature] = signUserHint('alice', SECRET, NOW).split('.');
    expect(verifyUserHint(`${header}.${b64({ sub: 'bob', iat, exp: iat + 300 })}.${signature}`, SECRET, NOW)).toEqual({ ok: false, reason: 'signature' });
  });

  it('tolerates a minute of clock difference between the intranet server and the bot', () => {
    const hint = handMade({ alg: 'HS256' }, { sub: 'a', iat: iat + 50, exp: iat + 100 });
    expect(verifyUserHint(hint, SECRET, NOW).ok).toBe(true);
    expect(verifyUserHint(hint, SECRET, at(100 + CLOCK_SKEW_S - 1)).ok).toBe(true);
    expect(verifyUserHint(hint, SECRET, at(100 + CLOCK_SKEW_S)).ok).toBe(false);
  });

  it('is ignored with a log line that names the reason only', () => {
    const lines: string[] = [];
    const logger = createLogger('info', (line) => lines.push(line));
    const hint = signUserHint('alice@example.org', SECRET, at(-3600));
    expect(hintedUserKey(hint, { secret: SECRET, clock: () => NOW }, logger)).toBeUndefined();
    expect(hintedUserKey(hint, undefined, logger)).toBeUndefined();
    expect(hintedUserKey(undefined, { secret: SECRET, clock: () => NOW }, logger)).toBeUndefined();
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).toContain('"reason":"expired"');
    expect(lines.join('\n')).toContain('"reason":"not_configured"');
    expect(lines.join('\n')).not.toContain('alice');
    expect(lines.join('\n')).not.toContain(hint.split('.')[1]);
  });
});

describe('the README’s recipe for the intranet server', () => {
  it('makes hints the bot accepts, for the person named', () => {
    const readme = readFileSync('README.md', 'utf8');
    const code = /```js\n(const \{ createHmac \}[\s\S]*?function checkinatworkUserHint[\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const make = new Function('require', 'process', `${code ?? ''}\nreturn checkinatworkUserHint;`)(createRequire(path.resolve('package.json')), {
      env: { WEBCHAT_USER_HINT_SECRET: SECRET },
    }) as (subject: string) => string;
    const hint = make('entra-oid-readme');
    expect(verifyUserHint(hint, SECRET, new Date())).toEqual({ ok: true, userKey: userKeyOf('entra-oid-readme', SECRET) });
    // Five minutes: still good in four, refused in seven.
    expect(verifyUserHint(hint, SECRET, new Date(Date.now() + 4 * 60_000)).ok).toBe(true);
    expect(verifyUserHint(hint, SECRET, new Date(Date.now() + 7 * 60_000)).ok).toBe(false);
  });
});
