import { createHash } from 'node:crypto';
import type { WorkerId } from '../identity/index.js';
import { LISTING_SCHEMA_VERSION, type Listing, type ListingKey, type WorkerEntry } from './model.js';

/**
 * Pure changes to a listing, applied by the store inside its read–modify–write loop (so they
 * may run more than once when a concurrent writer forces a retry). Each returns the new
 * listing, or `undefined` when there is nothing to change.
 */

export interface ListingHeader {
  readonly referenceNumber: string;
  readonly cause?: string | undefined;
  readonly reportedAt: string;
}

export interface NewWorker {
  readonly entryId: string;
  readonly workerId: WorkerId;
  readonly surname: string;
  readonly firstName: string;
}

/** Opens the listing, or updates the reference number of an existing one (a second report). */
export function openListing(key: ListingKey, header: ListingHeader, nowIso: string) {
  return (current: Listing | undefined): Listing | undefined => {
    if (current) {
      if (current.referenceNumber === header.referenceNumber) return undefined;
      return { ...current, referenceNumber: header.referenceNumber, updatedAt: nowIso };
    }
    return {
      schemaVersion: LISTING_SCHEMA_VERSION,
      tenantKey: key.tenantKey,
      declarationNumber: key.declarationNumber,
      date: key.date,
      referenceNumber: header.referenceNumber,
      ...(header.cause ? { cause: header.cause } : {}),
      reportedAt: header.reportedAt,
      createdAt: nowIso,
      updatedAt: nowIso,
      workers: [],
      appliedOperations: [],
    };
  };
}

const sameWorker = (a: WorkerId, b: WorkerId) => a.kind === b.kind && a.digits === b.digits;

/** The entry on the listing with this identifier, and its position (0-based); undefined when none. */
export function findWorker(listing: Listing | undefined, workerId: WorkerId): { entry: WorkerEntry; index: number } | undefined {
  const index = listing?.workers.findIndex((w) => sameWorker(w.workerId, workerId)) ?? -1;
  const entry = listing?.workers[index];
  return entry === undefined ? undefined : { entry, index };
}

/**
 * Adds a worker. A worker already on the listing (same identifier) is left exactly as it is:
 * never overwritten silently — a copy-paste slip must not turn Peeters Jan into someone else.
 * The caller sees that its entry is not on the returned listing (see addedEntries) and asks.
 */
export function addWorker(worker: NewWorker, nowIso: string) {
  return addWorkers([worker], nowIso);
}

/**
 * Adds workers in one write (a pasted crew, a file, a copied listing), in order. Each one whose
 * identifier is already on the listing, or earlier in the batch, is skipped, not merged.
 */
export function addWorkers(workers: readonly NewWorker[], nowIso: string) {
  return (current: Listing | undefined): Listing | undefined => {
    if (!current) return undefined;
    const added: WorkerEntry[] = [];
    for (const worker of workers) {
      const isOnListing = [...current.workers, ...added].some((w) => sameWorker(w.workerId, worker.workerId));
      if (!isOnListing) added.push({ ...worker, addedAt: nowIso });
    }
    if (added.length === 0) return undefined;
    return { ...current, workers: [...current.workers, ...added], updatedAt: nowIso };
  };
}

/** Which of `entryIds` are on the listing: after a batch write, those that were added. */
export function addedEntries(listing: Listing, entryIds: readonly string[]): Set<string> {
  const present = new Set(listing.workers.map((w) => w.entryId));
  return new Set(entryIds.filter((id) => present.has(id)));
}

/**
 * The entry id of the `index`-th worker added by one operation: derived from the operation id,
 * so the same message processed again (a redelivery after a crash) names the same entries and
 * the store's operation-id check is matched by the same ids the first attempt wrote.
 */
export function entryIdFor(operationId: string, index: number): string {
  return createHash('sha256').update(`${operationId}#${index}`).digest('base64url').slice(0, 32);
}

/** Replaces one entry (a correction); undefined when the entry is gone. */
export function replaceWorker(entryId: string, worker: Omit<NewWorker, 'entryId'>, nowIso: string) {
  return (current: Listing | undefined): Listing | undefined => {
    if (!current?.workers.some((w) => w.entryId === entryId)) return undefined;
    const others = current.workers.filter((w) => w.entryId !== entryId && !sameWorker(w.workerId, worker.workerId));
    const workers = current.workers
      .filter((w) => w.entryId === entryId || others.includes(w))
      .map((w) => (w.entryId === entryId ? { ...w, ...worker } : w));
    return { ...current, workers, updatedAt: nowIso };
  };
}

export function removeWorker(entryId: string, nowIso: string) {
  return (current: Listing | undefined): Listing | undefined => {
    if (!current?.workers.some((w) => w.entryId === entryId)) return undefined;
    return { ...current, workers: current.workers.filter((w) => w.entryId !== entryId), updatedAt: nowIso };
  };
}
