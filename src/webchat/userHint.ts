import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../logger.js';

/**
 * The signed user hint: how an intranet page that knows its user (behind Entra ID) tells the
 * embedded chat who it is, so the bot gives that person the same user id on every device and
 * "my listing" / "my evidence" follow them.
 *
 * It is a compact JWT signed with HMAC-SHA256 (`alg: HS256`) under WEBCHAT_USER_HINT_SECRET,
 * which the intranet's server and the bot share: `{ sub, exp, iat? }`, `sub` being the intranet's
 * stable id for the person (e.g. the Entra object id). Short-lived: `exp` at most
 * MAX_LIFETIME_S ahead; a minute of clock skew is tolerated either way. The bot never keeps or
 * logs the subject: the user id is an HMAC of it (`userKeyOf`), so the id says nothing about the
 * person and nobody without the secret can compute another person's.
 */
export const MAX_LIFETIME_S = 15 * 60;
export const CLOCK_SKEW_S = 60;
const MAX_HINT_CHARS = 2048;

export type HintRefusal = 'malformed' | 'algorithm' | 'signature' | 'expired' | 'not_yet_valid' | 'too_long_lived';
export type HintCheck = { readonly ok: true; readonly userKey: string } | { readonly ok: false; readonly reason: HintRefusal };

const headerSchema = z.object({ alg: z.string(), typ: z.string().optional() });
const claimsSchema = z.object({
  sub: z.string().min(1).max(256),
  exp: z.number().int().positive(),
  iat: z.number().int().positive().optional(),
});

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function signature(secret: string, signingInput: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

/**
 * The stable, opaque key of a hinted user: 26 base64url characters of HMAC(secret, subject),
 * under a label of its own so it is never the same value as a signature.
 */
export function userKeyOf(subject: string, secret: string): string {
  return createHmac('sha256', secret).update(`checkinatwork-webchat-user\u0000${subject}`).digest('base64url').slice(0, 26);
}

/** Checks a hint; on success gives the user key derived from its subject (never the subject). */
export function verifyUserHint(hint: string, secret: string, now: Date): HintCheck {
  if (hint.length > MAX_HINT_CHARS) return { ok: false, reason: 'malformed' };
  const parts = hint.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return { ok: false, reason: 'malformed' };
  const [headerPart = '', claimsPart = '', signaturePart = ''] = parts;
  const header = headerSchema.safeParse(decodeJson(headerPart));
  if (!header.success) return { ok: false, reason: 'malformed' };
  // Only HS256: never "none", never an algorithm chosen by whoever made the token.
  if (header.data.alg !== 'HS256') return { ok: false, reason: 'algorithm' };
  const expected = signature(secret, `${headerPart}.${claimsPart}`);
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  const claims = claimsSchema.safeParse(decodeJson(claimsPart));
  if (!claims.success) return { ok: false, reason: 'malformed' };
  const nowS = Math.floor(now.getTime() / 1000);
  const { sub, exp, iat } = claims.data;
  if (exp + CLOCK_SKEW_S <= nowS) return { ok: false, reason: 'expired' };
  if (iat !== undefined && iat - CLOCK_SKEW_S > nowS) return { ok: false, reason: 'not_yet_valid' };
  if (exp - nowS > MAX_LIFETIME_S + CLOCK_SKEW_S) return { ok: false, reason: 'too_long_lived' };
  return { ok: true, userKey: userKeyOf(sub, secret) };
}

/**
 * Makes a hint, as the intranet's server does (README, "Who the user is"). The bot itself never
 * needs to; tests and the sample host page do.
 */
export function signUserHint(subject: string, secret: string, now: Date, lifetimeS = 5 * 60): string {
  const iat = Math.floor(now.getTime() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: subject, iat, exp: iat + lifetimeS })}`;
  return `${signingInput}.${signature(secret, signingInput).toString('base64url')}`;
}

export interface UserHintSettings {
  readonly secret: string;
  readonly clock: () => Date;
}

/**
 * User ids derived from a hint start with this (after the channel's own prefix): a browser can
 * never claim one as its per-browser id (localDirectLine refuses ids that start with it).
 */
export const HINTED_USER_PREFIX = 'hint_';

/**
 * The user key for a conversation start that came with a hint: derived from a valid hint, else
 * undefined (the per-browser id applies). A refused hint is logged with its reason only — never
 * the hint, never the subject.
 */
export function hintedUserKey(hint: string | undefined, settings: UserHintSettings | undefined, logger: Logger): string | undefined {
  if (hint === undefined || hint === '') return undefined;
  if (!settings) {
    logger.warn('webchat.user_hint.ignored', { reason: 'not_configured' });
    return undefined;
  }
  const checked = verifyUserHint(hint, settings.secret, settings.clock());
  if (checked.ok) return checked.userKey;
  logger.warn('webchat.user_hint.ignored', { reason: checked.reason });
  return undefined;
}
