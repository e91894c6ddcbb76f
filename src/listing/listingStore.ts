import type { BlobClient, ContainerClient } from '@azure/storage-blob';
import type { z } from 'zod';
import type { Clock } from '../clock.js';
import { containerClientOf } from '../storage/blobTarget.js';
import {
  DEFAULT_NAME_KEY,
  EVIDENCE_ROOT,
  LISTINGS_ROOT,
  dateSegmentOf,
  listingBlobName,
  listingDatePrefix,
  normaliseDeclarationNumber,
  tenantPrefix,
} from './blobNames.js';
import { type Listing, type ListingKey, listingSchema, MAX_REMEMBERED_OPERATIONS } from './model.js';

/**
 * The attendance listings (procedure step 3.3) in Azure Blob Storage, one JSON blob per
 * (tenant, declaration number, date), named by blobNames.ts (no personal data in names).
 *
 * Concurrency: several people on a site may add workers to the same listing at the same time,
 * and a channel may redeliver an activity. Every write is conditional on the ETag that was read
 * (or on the blob not existing yet), and a lost race is retried on fresh content: never
 * last-write-wins. Each write records its operation id (the activity id), so a redelivered
 * activity has no second effect.
 */

export type ListingStoreErrorCode =
  /** A stored blob is not valid JSON or fails the schema (or is absurdly large). */
  | 'corrupt'
  /** A stored blob belongs to another tenant/declaration/date than its name says. */
  | 'mismatch'
  /** mutate produced a listing that fails the schema or changes the key: a bug in the caller. */
  | 'invalid_write'
  /** The service answered without something the protocol guarantees (e.g. an ETag). */
  | 'protocol';

/**
 * An infrastructure fault or a bug, never an expected outcome. Messages and fields carry codes,
 * blob names (hashed, see blobNames.ts) and schema paths only, never stored content: the error
 * ends up in logs and a listing holds NISS numbers and names.
 */
export class ListingStoreError extends Error {
  constructor(
    readonly code: ListingStoreErrorCode,
    message: string,
    readonly blobName?: string,
    /** Schema paths of the failed checks, e.g. `workers.3.workerId.digits`. */
    readonly issuePaths: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ListingStoreError';
  }
}

export type UpdateResult =
  | { ok: true; listing: Listing; applied: boolean }
  | { ok: false; error: 'conflict' | 'not_found' };

/** Listing or evidence blobs: same container options. */
export interface BlobStoreOptions {
  /**
   * Called for every request this store's client sends (reads, writes, list pages, deletes), to
   * measure blob requests per turn. Counted once per operation: the SDK's own transport retries
   * (5xx, network errors) are not counted again. ETag-conflict retries are separate requests
   * and are counted.
   */
  readonly onRequest?: () => void;
  /** Secret for the HMAC in blob names (blobNames.ts); default DEFAULT_NAME_KEY (public). */
  readonly nameKey?: string;
  /** Conflict retries; the defaults suit a handful of people editing one listing. */
  readonly retry?: Partial<RetryPolicy>;
}

export interface RetryPolicy {
  /** Read-modify-write attempts before giving up with `conflict`. */
  readonly maxAttempts: number;
  /** First back-off window; doubles per attempt up to maxDelayMs, full jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 20, baseDelayMs: 20, maxDelayMs: 2_000 };

// A listing is bounded by the schema (2000 workers, 500 operation ids): well under 2 MiB. A
// larger blob was not written by us, and is not read into memory.
const MAX_BLOB_BYTES = 4 * 1024 * 1024;
const JSON_CONTENT_TYPE = 'application/json';
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_OPERATION_ID_CHARS = 256;
// A short, random-enough name key could be brute-forced together with the inputs.
const MIN_NAME_KEY_CHARS = 16;

export class ListingStore {
  private readonly nameKey: string;
  private readonly retry: RetryPolicy;

  constructor(
    private readonly container: ContainerClient,
    private readonly clock: Clock,
    options: Pick<BlobStoreOptions, 'nameKey' | 'retry'> = {},
  ) {
    this.nameKey = checkedNameKey(options.nameKey);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** Connects and creates the container if it does not exist yet. */
  static async create(connectionString: string, containerName: string, clock: Clock, options: BlobStoreOptions = {}): Promise<ListingStore> {
    const container = createContainerClient(connectionString, containerName, options);
    await container.createIfNotExists();
    return new ListingStore(container, clock, options);
  }

  async get(key: ListingKey): Promise<Listing | undefined> {
    const blob = this.container.getBlobClient(listingBlobName(key, this.nameKey));
    return (await this.read(blob, key))?.listing;
  }

  /**
   * Read-modify-write with optimistic concurrency. `mutate` must be pure: it may run several
   * times (once per attempt) on fresh content. It returns the new listing, or undefined when
   * there is nothing to change. The store sets `updatedAt` and `appliedOperations`.
   *
   * - `operationId` already applied (a redelivered activity): `{ ok: true, applied: false }`,
   *   nothing written, mutate not called.
   * - No listing and mutate returns undefined: `{ ok: false, error: 'not_found' }`.
   * - Still losing the race after the retry budget: `{ ok: false, error: 'conflict' }`.
   */
  async update(
    key: ListingKey,
    operationId: string,
    mutate: (current: Listing | undefined) => Listing | undefined,
  ): Promise<UpdateResult> {
    if (operationId.length === 0 || operationId.length > MAX_OPERATION_ID_CHARS) {
      throw new RangeError(`operationId must have 1 to ${MAX_OPERATION_ID_CHARS} characters`);
    }
    const blob = this.container.getBlockBlobClient(listingBlobName(key, this.nameKey));
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt += 1) {
      const read = await this.read(blob, key);
      const current = read?.listing;
      if (current?.appliedOperations.includes(operationId)) return { ok: true, listing: current, applied: false };

      const proposed = mutate(current);
      if (proposed === undefined) {
        return current === undefined ? { ok: false, error: 'not_found' } : { ok: true, listing: current, applied: false };
      }
      const next = this.prepareWrite(key, blob.name, proposed, current, operationId);
      const isWritten = await writeJsonBlob(blob, next, read === undefined ? { ifNoneMatch: '*' } : { ifMatch: read.etag });
      if (isWritten) return { ok: true, listing: next, applied: true };
      if (attempt < this.retry.maxAttempts) await delay(backoffMs(attempt, this.retry));
    }
    return { ok: false, error: 'conflict' };
  }

  /** The dates (YYYY-MM-DD, ascending) on which the tenant has at least one listing. */
  async listDates(tenantKey: string): Promise<string[]> {
    const dates = new Set<string>();
    for await (const item of this.container.listBlobsByHierarchy('/', { prefix: tenantPrefix(tenantKey, this.nameKey) })) {
      const date = item.kind === 'prefix' ? dateSegmentOf(item.name) : undefined;
      if (date !== undefined) dates.add(date);
    }
    return [...dates].sort();
  }

  /** The tenant's listings of one day, by declaration number. */
  async listForDate(tenantKey: string, date: string): Promise<Listing[]> {
    const names = await listBlobNames(this.container, listingDatePrefix(tenantKey, date, this.nameKey));
    const listings = await Promise.all(names.map((name) => this.readUnkeyed(this.container.getBlobClient(name))));
    return listings
      // Defence in depth: the prefix already selects the tenant; a foreign blob under it is skipped.
      .filter((l): l is Listing => l !== undefined && l.tenantKey === tenantKey && l.date === date)
      .sort((a, b) => a.declarationNumber.localeCompare(b.declarationNumber));
  }

  /** Erases the listing now (GDPR erasure request); false when there was none. */
  async delete(key: ListingKey): Promise<boolean> {
    return deleteBlob(this.container.getBlobClient(listingBlobName(key, this.nameKey)));
  }

  /**
   * Retention: deletes every listing AND evidence record dated before `cutoffDate`, for all
   * tenants, by the date segment of the blob name (so even blobs whose name key was lost go).
   * Returns how many blobs were deleted.
   */
  async deleteOlderThan(cutoffDate: string): Promise<number> {
    return deleteBlobsOlderThan(this.container, cutoffDate);
  }

  private async read(blob: BlobClient, key: ListingKey): Promise<{ listing: Listing; etag: string } | undefined> {
    const read = await readJsonBlob(blob);
    if (read === undefined) return undefined;
    const listing = parseStored(listingSchema, read.json, blob.name);
    if (
      listing.tenantKey !== key.tenantKey ||
      listing.date !== key.date ||
      listing.declarationNumber !== normaliseDeclarationNumber(key.declarationNumber)
    ) {
      // Cannot happen with our names short of a hash collision or tampering: fail loudly rather
      // than show (or overwrite) someone else's listing.
      throw new ListingStoreError('mismatch', 'listing blob does not belong to the key it was read by', blob.name);
    }
    return { listing, etag: read.etag };
  }

  private async readUnkeyed(blob: BlobClient): Promise<Listing | undefined> {
    const read = await readJsonBlob(blob);
    return read === undefined ? undefined : parseStored(listingSchema, read.json, blob.name);
  }

  private prepareWrite(key: ListingKey, blobName: string, proposed: Listing, current: Listing | undefined, operationId: string): Listing {
    const remembered = [...(current?.appliedOperations ?? []), operationId].slice(-MAX_REMEMBERED_OPERATIONS);
    const parsed = listingSchema.safeParse({ ...proposed, appliedOperations: remembered, updatedAt: this.clock().toISOString() });
    if (!parsed.success) {
      throw new ListingStoreError('invalid_write', 'the updated listing fails the schema', blobName, issuePaths(parsed.error));
    }
    const next = parsed.data;
    if (next.tenantKey !== key.tenantKey || next.date !== key.date || next.declarationNumber !== normaliseDeclarationNumber(key.declarationNumber)) {
      throw new ListingStoreError('invalid_write', 'the updated listing does not match its key', blobName);
    }
    return next;
  }
}

// ---------------------------------------------------------------------------------------------
// Shared with evidenceStore.ts: client construction, request counting, conditional JSON I/O.

/** A ContainerClient of a connection string, with `onRequest` called once per operation (tests, benchmark). */
export function createContainerClient(
  connectionString: string,
  containerName: string,
  options: Pick<BlobStoreOptions, 'onRequest'> = {},
): ContainerClient {
  return containerClientOf({ kind: 'connectionString', connectionString }, containerName, { onRequest: options.onRequest });
}

export function checkedNameKey(nameKey: string | undefined): string {
  if (nameKey === undefined) return DEFAULT_NAME_KEY;
  if (nameKey.length < MIN_NAME_KEY_CHARS) throw new RangeError(`nameKey must have at least ${MIN_NAME_KEY_CHARS} characters`);
  return nameKey;
}

/** The HTTP status of an SDK error, if it is one. Structural, so a second copy of the SDK still matches. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  return typeof error.statusCode === 'number' ? error.statusCode : undefined;
}

/** The blob's JSON and ETag, or undefined when there is no such blob. */
export async function readJsonBlob(blob: BlobClient): Promise<{ json: unknown; etag: string } | undefined> {
  let response;
  try {
    response = await blob.download();
  } catch (error) {
    if (statusOf(error) === 404 && errorCodeOf(error) !== 'ContainerNotFound') return undefined;
    throw error;
  }
  const etag = response.etag;
  if (etag === undefined) throw new ListingStoreError('protocol', 'blob download returned no ETag', blob.name);
  if ((response.contentLength ?? 0) > MAX_BLOB_BYTES) throw new ListingStoreError('corrupt', 'blob is too large', blob.name);
  const body = response.readableStreamBody;
  if (body === undefined) throw new ListingStoreError('protocol', 'blob download returned no body', blob.name);
  const text = await readText(body, blob.name);
  try {
    return { json: JSON.parse(text) as unknown, etag };
  } catch {
    // The parser's message quotes the content: it is not passed on.
    throw new ListingStoreError('corrupt', 'blob is not valid JSON', blob.name);
  }
}

/** Parses stored JSON with a schema; a failure is corruption, reported by path only. */
export function parseStored<S extends z.ZodType>(schema: S, json: unknown, blobName: string): z.output<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ListingStoreError('corrupt', 'blob fails schema validation', blobName, issuePaths(parsed.error));
  return parsed.data;
}

/**
 * A conditional upload: true when written, false when someone else wrote (or deleted) in
 * between: 412 ConditionNotMet for a stale ETag, 409 BlobAlreadyExists for `ifNoneMatch: '*'`
 * on an existing blob, and 404 BlobNotFound in case the service reports an `ifMatch` on a blob
 * deleted meanwhile that way (Azurite 3.35 answers 412).
 */
export async function writeJsonBlob(
  blob: BlobClient,
  value: unknown,
  conditions: { ifMatch: string } | { ifNoneMatch: '*' },
): Promise<boolean> {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  try {
    await blob.getBlockBlobClient().upload(body, body.length, {
      conditions,
      blobHTTPHeaders: { blobContentType: JSON_CONTENT_TYPE },
    });
    return true;
  } catch (error) {
    const status = statusOf(error);
    if (status === 412 || status === 409) return false;
    if (status === 404 && errorCodeOf(error) === 'BlobNotFound') return false;
    throw error;
  }
}

export async function deleteBlob(blob: BlobClient): Promise<boolean> {
  // Snapshots would keep a copy of the personal data the erasure is meant to remove.
  return (await blob.deleteIfExists({ deleteSnapshots: 'include' })).succeeded;
}

export async function listBlobNames(container: ContainerClient, prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const item of container.listBlobsFlat({ prefix })) names.push(item.name);
  return names;
}

/**
 * Walks `<root>/<tenantHash>/<date>/` as virtual folders, so only expired days are listed blob
 * by blob: one request per tenant and per expired day, not one per stored blob.
 */
export async function deleteBlobsOlderThan(container: ContainerClient, cutoffDate: string): Promise<number> {
  if (!ISO_DATE.test(cutoffDate)) throw new RangeError('cutoffDate must be YYYY-MM-DD');
  let deleted = 0;
  for (const root of [LISTINGS_ROOT, EVIDENCE_ROOT]) {
    for (const tenant of await listFolders(container, root)) {
      for (const day of await listFolders(container, tenant)) {
        const date = dateSegmentOf(day);
        // Names we do not recognise are left alone; string order is date order for YYYY-MM-DD.
        if (date === undefined || date >= cutoffDate) continue;
        for (const name of await listBlobNames(container, day)) {
          if (await deleteBlob(container.getBlobClient(name))) deleted += 1;
        }
      }
    }
  }
  return deleted;
}

async function listFolders(container: ContainerClient, prefix: string): Promise<string[]> {
  const folders: string[] = [];
  for await (const item of container.listBlobsByHierarchy('/', { prefix })) {
    if (item.kind === 'prefix') folders.push(item.name);
  }
  return folders;
}

function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

async function readText(stream: NodeJS.ReadableStream, blobName: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    size += buffer.length;
    // Leaving the loop destroys the stream.
    if (size > MAX_BLOB_BYTES) throw new ListingStoreError('corrupt', 'blob is too large', blobName);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function issuePaths(error: z.ZodError): string[] {
  // Paths only: zod messages may echo expected values, and custom issues here are codes anyway.
  return error.issues.slice(0, 10).map((issue) => issue.path.map(String).join('.') || '(root)');
}

function backoffMs(attempt: number, retry: RetryPolicy): number {
  // Full jitter spreads the writers who lost the same race, so they do not collide again.
  const window = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return Math.random() * window;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
