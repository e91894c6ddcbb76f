import { z } from 'zod';
import { isLocale, type Locale } from '../i18n/index.js';
import type { ListingKey } from './model.js';
import { createSealer } from './sealing.js';

/**
 * Short-lived download links for the printable listing, served by the bot itself so they work
 * wherever the bot is reachable (Emulator, Web Chat, Teams), Azurite or Azure alike.
 *
 * The token is the listing's key sealed with AES-256-GCM: opaque (no tenant id, declaration
 * number or anything personal readable in the URL), tamper-proof, bound to one listing of one
 * tenant, and void after its expiry. Whoever holds a valid link can download that one listing
 * until it expires — the same model as a SAS URL.
 */
export interface DownloadLinks {
  /** The URL path (`/listings/<token>.pdf`) for this listing, valid for `ttlMs` from now. */
  pathFor(key: ListingKey, locale: Locale): string;
  /** The listing key and locale from a token, or undefined when forged, damaged or expired. */
  open(token: string): { key: ListingKey; locale: Locale } | undefined;
  readonly ttlMs: number;
}

const payloadSchema = z.object({
  t: z.string().min(1),
  d: z.string().min(1),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  l: z.string().refine(isLocale),
  exp: z.number().int(),
});

/** Tokens longer than this were not made by us; refuse before any crypto. */
const MAX_TOKEN_CHARS = 2048;

export const DOWNLOAD_PATH_PREFIX = '/listings/';

export function createDownloadLinks(secret: Buffer, ttlMs: number, clock: () => Date): DownloadLinks {
  if (secret.length !== 32) throw new RangeError('The link secret must be 32 bytes');
  const sealer = createSealer(secret, MAX_TOKEN_CHARS);
  return {
    ttlMs,
    pathFor(key, locale) {
      const payload = JSON.stringify({
        t: key.tenantKey,
        d: key.declarationNumber,
        day: key.date,
        l: locale,
        exp: clock().getTime() + ttlMs,
      });
      return `${DOWNLOAD_PATH_PREFIX}${sealer.seal(payload)}.pdf`;
    },
    open(token) {
      const plain = sealer.open(token);
      if (plain === undefined) return undefined;
      try {
        const parsed = payloadSchema.safeParse(JSON.parse(plain));
        if (!parsed.success || parsed.data.exp <= clock().getTime()) return undefined;
        const { t, d, day, l } = parsed.data;
        return { key: { tenantKey: t, declarationNumber: d, date: day }, locale: l as Locale };
      } catch {
        return undefined;
      }
    },
  };
}
