import { createHmac } from 'node:crypto';
import { parseDeclarationNumber } from '../identity/index.js';
import type { ListingKey } from './model.js';

/**
 * Blob names for listings and evidence records. A name must carry no personal data and no raw
 * tenant id (PROCEDURE.md, Personal data): names end up in storage logs, metrics and URLs that
 * are read by people who have no access to the content. So the tenant key and the declaration
 * number appear only as keyed hashes; the date stays in clear because retention works on it.
 *
 *   listings/<tenantHash>/<YYYY-MM-DD>/<declarationHash>.json
 *   evidence/<tenantHash>/<YYYY-MM-DD>/<recordId>.json
 *
 * Why HMAC-SHA256 rather than a plain SHA-256: a plain hash of a Teams tenant id (a GUID that is
 * discoverable for any domain) or of a declaration number (short, possibly structured) can be
 * reversed by hashing candidates. HMAC with a secret `nameKey` makes the names unguessable to
 * anyone who does not hold the key. Without a configured secret, DEFAULT_NAME_KEY (public) is
 * used: the names are then no better than SHA-256 with a domain separator — fine for tests, not
 * for production. A purpose label is hashed with each value so that the same string used as a
 * tenant key and as a declaration number does not give the same hash.
 *
 * Changing the name key orphans every existing blob (it can no longer be found by its key);
 * retention still deletes orphans, because it reads only the date segment.
 */
export const LISTINGS_ROOT = 'listings/';
export const EVIDENCE_ROOT = 'evidence/';

/** Public default: pseudonymises, but does not stop someone who can guess the inputs. */
export const DEFAULT_NAME_KEY = 'checkinatwork-emergency-bot/blob-names/v1';

// 128 bits: collisions are out of reach for any realistic number of tenants and declarations,
// and the stores still check the content against the key they were asked for.
const HASH_HEX_CHARS = 32;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const HASH = /^[0-9a-f]{32}$/;

type Purpose = 'tenant' | 'declaration' | 'evidence-record';

function keyedHash(purpose: Purpose, value: string, nameKey: string): string {
  // NUL cannot occur in a purpose label, so `purpose\0value` is unambiguous.
  return createHmac('sha256', nameKey).update(`${purpose}\u0000${value}`, 'utf8').digest('hex').slice(0, HASH_HEX_CHARS);
}

/** A date becomes a path segment: anything but YYYY-MM-DD could add segments or escape the prefix. */
function checkedDate(date: string): string {
  if (!ISO_DATE.test(date)) throw new RangeError('blob name date must be YYYY-MM-DD');
  return date;
}

/**
 * The declaration number as stored in a listing (upper case, no separators), so `abc-1234` and
 * `ABC1234` address the same blob. Callers pass parsed numbers; an unparsable one is a bug.
 */
export function normaliseDeclarationNumber(declarationNumber: string): string {
  const parsed = parseDeclarationNumber(declarationNumber);
  // The error says which rule failed, never the number.
  if (!parsed.ok) throw new RangeError(`declaration number is not valid (${parsed.error})`);
  return parsed.value;
}

export function tenantHash(tenantKey: string, nameKey: string = DEFAULT_NAME_KEY): string {
  return keyedHash('tenant', tenantKey, nameKey);
}

/** `listings/<tenantHash>/`: the tenant's listings, one virtual folder per date below it. */
export function tenantPrefix(tenantKey: string, nameKey: string = DEFAULT_NAME_KEY): string {
  return `${LISTINGS_ROOT}${tenantHash(tenantKey, nameKey)}/`;
}

/** `listings/<tenantHash>/<date>/`: the tenant's listings of one day. */
export function listingDatePrefix(tenantKey: string, date: string, nameKey: string = DEFAULT_NAME_KEY): string {
  return `${tenantPrefix(tenantKey, nameKey)}${checkedDate(date)}/`;
}

export function listingBlobName(key: ListingKey, nameKey: string = DEFAULT_NAME_KEY): string {
  const declarationHash = keyedHash('declaration', normaliseDeclarationNumber(key.declarationNumber), nameKey);
  return `${listingDatePrefix(key.tenantKey, key.date, nameKey)}${declarationHash}.json`;
}

/** Which evidence record: recordId comes from evidenceRecordId. */
export interface EvidenceKey {
  readonly tenantKey: string;
  readonly date: string;
  readonly recordId: string;
}

/**
 * The same (tenant, operation) always gives the same id, so a redelivered activity addresses the
 * blob it already wrote. Keyed like the names because the operation id (an activity id) may be
 * guessable, and the tenant is part of the input so two tenants never share a record.
 */
export function evidenceRecordId(tenantKey: string, operationId: string, nameKey: string = DEFAULT_NAME_KEY): string {
  // JSON of the pair keeps the boundary between the two strings unambiguous.
  return keyedHash('evidence-record', JSON.stringify([tenantKey, operationId]), nameKey);
}

export function isEvidenceRecordId(recordId: string): boolean {
  return HASH.test(recordId);
}

/** `evidence/<tenantHash>/`. */
export function evidenceTenantPrefix(tenantKey: string, nameKey: string = DEFAULT_NAME_KEY): string {
  return `${EVIDENCE_ROOT}${tenantHash(tenantKey, nameKey)}/`;
}

/** `evidence/<tenantHash>/<date>/`. */
export function evidenceDatePrefix(tenantKey: string, date: string, nameKey: string = DEFAULT_NAME_KEY): string {
  return `${evidenceTenantPrefix(tenantKey, nameKey)}${checkedDate(date)}/`;
}

export function evidenceBlobName(key: EvidenceKey, nameKey: string = DEFAULT_NAME_KEY): string {
  // The record id becomes a path segment: only our own hashes are accepted.
  if (!isEvidenceRecordId(key.recordId)) throw new RangeError('evidence record id must be 32 lower-case hex digits');
  return `${evidenceDatePrefix(key.tenantKey, key.date, nameKey)}${key.recordId}.json`;
}

/**
 * The date segment of a virtual folder or blob name below `<root><tenantHash>/`, or undefined
 * when the name does not have our shape (such blobs are left alone, never guessed at).
 */
export function dateSegmentOf(name: string): string | undefined {
  const segments = name.split('/');
  const root = segments[0];
  const hash = segments[1];
  const date = segments[2];
  if ((root !== 'listings' && root !== 'evidence') || hash === undefined || !HASH.test(hash)) return undefined;
  return date !== undefined && ISO_DATE.test(date) ? date : undefined;
}
