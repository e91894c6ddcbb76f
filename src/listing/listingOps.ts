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

export type AddWorkerOutcome = 'added' | 'duplicate';

/**
 * Adds a worker; a worker already on the listing (same identifier) is updated in place rather
 * than listed twice, since the listing must show each person present once.
 */
export function addWorker(worker: NewWorker, nowIso: string) {
  return (current: Listing | undefined): Listing | undefined => {
    if (!current) return undefined;
    const entry: WorkerEntry = { ...worker, addedAt: nowIso };
    const existing = current.workers.findIndex((w) => sameWorker(w.workerId, worker.workerId));
    const workers =
      existing >= 0 ? current.workers.map((w, i) => (i === existing ? { ...entry, entryId: w.entryId, addedAt: w.addedAt } : w)) : [...current.workers, entry];
    return { ...current, workers, updatedAt: nowIso };
  };
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
