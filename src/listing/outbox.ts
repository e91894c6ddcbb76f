import { z } from 'zod';
import { workerIdSchema } from '../identity/index.js';
import { createLogger, errorFields, type Logger } from '../logger.js';
import type { Journal, JournalRecord } from '../storage/journal.js';
import { isTransientStorageError } from '../storage/transientErrors.js';
import { addWorker, addWorkers, type ListingHeader, type NewWorker, openListing, removeWorker, replaceWorker } from './listingOps.js';
import type { ListingStore, UpdateResult } from './listingStore.js';
import type { Listing, ListingKey } from './model.js';

/**
 * The listing's changes that could not be saved because blob storage was unreachable, kept in
 * process memory and saved in the background as soon as storage is back (STYLE.md: "keeps what
 * the user entered").
 *
 * - A change is kept as data (its kind and inputs), never as a closure: what is retried is the
 *   same pure mutation of listingOps.ts, re-applied to whatever the listing holds by then.
 * - Exactly once: a change keeps the operation id of the activity that made it, and the store
 *   skips an operation id it has already applied — even when the "failed" attempt had in fact
 *   reached storage before the connection dropped.
 * - In order: while a listing has changes waiting, every new change to it waits behind them
 *   (a worker's correction never overtakes the worker's addition).
 * - Only unreachable storage is retried (transientErrors.ts). A conflict that outlasted the
 *   store's own retries is retried too; a listing that no longer exists (erased) or an error
 *   retrying cannot fix drops the change, logged.
 * - Durable with a journal (journal.ts, LOCAL_JOURNAL_DIR): a change is appended and synced to
 *   the local disk before `submit` answers `pending` (the user is then told "kept"); it is marked
 *   done once saved or dropped, and the changes a previous process (or a dead instance) left
 *   waiting are replayed here, in their order, by the same rules. Without a journal (tests, a
 *   throwaway run): memory only, and a change still waiting when the process dies is lost.
 */

export type ListingChange =
  | { readonly kind: 'open'; readonly header: ListingHeader; readonly at: string }
  | { readonly kind: 'addWorker'; readonly worker: NewWorker; readonly at: string }
  | { readonly kind: 'addWorkers'; readonly workers: readonly NewWorker[]; readonly at: string }
  | { readonly kind: 'replaceWorker'; readonly entryId: string; readonly worker: Omit<NewWorker, 'entryId'>; readonly at: string }
  | { readonly kind: 'removeWorker'; readonly entryId: string; readonly at: string };

/** The pure mutation a change stands for (listingOps.ts). */
export function mutationOf(key: ListingKey, change: ListingChange): (current: Listing | undefined) => Listing | undefined {
  switch (change.kind) {
    case 'open':
      return openListing(key, change.header, change.at);
    case 'addWorker':
      return addWorker(change.worker, change.at);
    case 'addWorkers':
      return addWorkers(change.workers, change.at);
    case 'replaceWorker':
      return replaceWorker(change.entryId, change.worker, change.at);
    case 'removeWorker':
      return removeWorker(change.entryId, change.at);
  }
}

/** `saved`: the store's answer, as from `update`. `pending`: kept, saved in the background. */
export type SubmitOutcome = { readonly status: 'saved'; readonly result: UpdateResult } | { readonly status: 'pending' };

export interface OutboxRetryPolicy {
  /** First background retry after about this long; doubles per failed attempt up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface OutboxOptions {
  readonly logger?: Logger;
  readonly retry?: Partial<OutboxRetryPolicy>;
  /** Changes kept at most (all listings); beyond, a change that cannot be saved throws. */
  readonly maxPendingChanges?: number;
  readonly isTransient?: (error: unknown) => boolean;
  /** Where kept changes are made durable, and replayed from at start-up. */
  readonly journal?: Journal | undefined;
}

/** The journal record type of listing changes. */
export const LISTING_JOURNAL_TYPE = 'listing';

const listingChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('open'), header: z.object({ referenceNumber: z.string(), cause: z.string().optional(), reportedAt: z.string() }), at: z.string() }),
  z.object({
    kind: z.literal('addWorker'),
    worker: z.object({ entryId: z.string(), workerId: workerIdSchema, surname: z.string(), firstName: z.string() }),
    at: z.string(),
  }),
  // A crew pasted or sent as a file: all its valid lines in one change.
  z.object({
    kind: z.literal('addWorkers'),
    workers: z.array(z.object({ entryId: z.string(), workerId: workerIdSchema, surname: z.string(), firstName: z.string() })).max(2000),
    at: z.string(),
  }),
  z.object({
    kind: z.literal('replaceWorker'),
    entryId: z.string(),
    worker: z.object({ workerId: workerIdSchema, surname: z.string(), firstName: z.string() }),
    at: z.string(),
  }),
  z.object({ kind: z.literal('removeWorker'), entryId: z.string(), at: z.string() }),
]);

/** What the journal keeps of one change (checked again when read back: the disk is input too). */
const journaledChangeSchema = z.object({
  key: z.object({ tenantKey: z.string().min(1), declarationNumber: z.string().min(1), date: z.string() }),
  operationId: z.string().min(1).max(256),
  change: listingChangeSchema,
});

/** The background retry's delay after `failures` failed attempts: doubling, capped, half jittered. */
export function retryDelayMs(policy: OutboxRetryPolicy, failures: number): number {
  const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** failures);
  // Jitter, so what was kept during one outage is not all retried at the same instant.
  return window / 2 + Math.random() * (window / 2);
}

export const DEFAULT_OUTBOX_RETRY: OutboxRetryPolicy = { baseDelayMs: 1_000, maxDelayMs: 30_000 };
const DEFAULT_MAX_PENDING_CHANGES = 10_000;

export class OutboxFullError extends Error {
  constructor() {
    super('too many listing changes are waiting for storage');
    this.name = 'OutboxFullError';
  }
}

interface PendingChange {
  readonly operationId: string;
  /** Its record in the journal, when there is one. */
  readonly journalId?: string | undefined;
  readonly change: ListingChange;
  /** Set once saved (or dropped), for the submit() that is waiting on it. */
  result?: UpdateResult;
  /** Set when dropped on an error retrying cannot fix: the waiting submit() throws it. */
  failure?: unknown;
}

interface ListingQueue {
  readonly key: ListingKey;
  readonly changes: PendingChange[];
  failedAttempts: number;
  timer?: NodeJS.Timeout | undefined;
  running?: Promise<void> | undefined;
}

export class ListingOutbox {
  private readonly queues = new Map<string, ListingQueue>();
  private readonly logger: Logger;
  private readonly retry: OutboxRetryPolicy;
  private readonly maxPendingChanges: number;
  private readonly isTransient: (error: unknown) => boolean;
  private readonly journal: Journal | undefined;
  private isStopped = false;

  constructor(
    private readonly store: Pick<ListingStore, 'update'>,
    options: OutboxOptions = {},
  ) {
    this.logger = options.logger ?? createLogger('silent');
    this.retry = { ...DEFAULT_OUTBOX_RETRY, ...options.retry };
    this.maxPendingChanges = options.maxPendingChanges ?? DEFAULT_MAX_PENDING_CHANGES;
    this.isTransient = options.isTransient ?? isTransientStorageError;
    this.journal = options.journal;
    this.journal?.subscribe(LISTING_JOURNAL_TYPE, (records) => this.restore(records));
  }

  /**
   * Saves the change now when storage answers; when it cannot be reached, keeps the change and
   * resolves `pending`. Errors retrying cannot fix (bugs, corrupt blobs) still throw.
   */
  async submit(key: ListingKey, operationId: string, change: ListingChange): Promise<SubmitOutcome> {
    const id = queueId(key);
    const queue = this.queues.get(id);
    if (queue === undefined) {
      try {
        return { status: 'saved', result: await this.store.update(key, operationId, mutationOf(key, change)) };
      } catch (error) {
        if (!this.isTransient(error)) throw error;
        await this.keep(key, operationId, change);
        this.logger.warn('listing.outbox_pending', { kind: change.kind, ...errorFields(error), pending: this.size });
        return { status: 'pending' };
      }
    }
    // A redelivered activity whose change is already waiting: nothing more to keep.
    if (queue.changes.some((c) => c.operationId === operationId)) return { status: 'pending' };
    const pending = await this.keep(key, operationId, change);
    // Behind the changes already waiting; one attempt now, since storage may be back.
    await this.drain(queue);
    if (pending.failure !== undefined) throw pending.failure;
    return pending.result === undefined ? { status: 'pending' } : { status: 'saved', result: pending.result };
  }

  /** The changes to this listing still waiting for storage, oldest first. */
  pending(key: ListingKey): readonly ListingChange[] {
    return this.queues.get(queueId(key))?.changes.map((c) => c.change) ?? [];
  }

  /** The listing as it will be once the waiting changes are saved (for showing it). */
  project(key: ListingKey, stored: Listing | undefined): Listing | undefined {
    return this.pending(key).reduce((listing, change) => mutationOf(key, change)(listing) ?? listing, stored);
  }

  /** How many changes are waiting, all listings together. */
  get size(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.changes.length;
    return count;
  }

  /** One attempt now for this listing's waiting changes (e.g. before showing it). Never throws. */
  async retryNow(key: ListingKey): Promise<void> {
    const queue = this.queues.get(queueId(key));
    if (queue) await this.drain(queue);
  }

  /** One attempt now for every listing. Never throws. */
  async flush(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => this.drain(queue)));
  }

  /**
   * Shutdown: no more background retries; waits for attempts under way, makes one last attempt,
   * and logs what could not be saved (it is lost with the process). Safe to call twice.
   */
  async close(): Promise<void> {
    const isFirstClose = !this.isStopped;
    this.isStopped = true;
    for (const queue of this.queues.values()) clearTimeout(queue.timer);
    await Promise.all([...this.queues.values()].map((queue) => queue.running));
    if (isFirstClose) await this.flush();
    if (this.size === 0) return;
    if (this.journal) this.logger.warn('listing.outbox_journaled_at_shutdown', { changes: this.size, listings: this.queues.size });
    else this.logger.error('listing.outbox_unsaved_at_shutdown', { changes: this.size, listings: this.queues.size });
  }

  /**
   * Keeps the change in order behind its listing's waiting changes and, with a journal, on the
   * disk: resolves once it is synced there (only then is the user told "kept"). If the disk
   * refuses it, the change is not kept and the error is thrown.
   */
  private async keep(key: ListingKey, operationId: string, change: ListingChange): Promise<PendingChange> {
    if (this.size >= this.maxPendingChanges) throw new OutboxFullError();
    const journalId = this.journal ? `${LISTING_JOURNAL_TYPE}:${operationId}` : undefined;
    const { queue, pending } = this.enqueue(key, { operationId, journalId, change });
    if (this.journal && journalId) {
      try {
        await this.journal.append(LISTING_JOURNAL_TYPE, journalId, { key, operationId, change });
      } catch (error) {
        const index = queue.changes.indexOf(pending);
        if (index >= 0) queue.changes.splice(index, 1);
        if (queue.changes.length === 0 && this.queues.get(queueId(key)) === queue) this.forget(queue);
        throw error;
      }
    }
    return pending;
  }

  private enqueue(key: ListingKey, pending: PendingChange): { queue: ListingQueue; pending: PendingChange } {
    const id = queueId(key);
    let queue = this.queues.get(id);
    if (queue === undefined) {
      queue = { key, changes: [], failedAttempts: 0 };
      this.queues.set(id, queue);
      this.schedule(queue);
    }
    queue.changes.push(pending);
    return { queue, pending };
  }

  /** Changes a previous process left in the journal: waiting again, in order, retried at once. */
  private restore(records: readonly JournalRecord[]): void {
    const queues = new Set<ListingQueue>();
    for (const record of records) {
      const parsed = journaledChangeSchema.safeParse(record.data);
      if (!parsed.success) {
        this.logger.error('listing.journal_record_invalid', { paths: parsed.error.issues.map((i) => i.path.join('.')).join(',') });
        this.journal?.done(record.id);
        continue;
      }
      const { key, operationId, change } = parsed.data;
      const queue = this.queues.get(queueId(key));
      if (queue?.changes.some((c) => c.operationId === operationId)) continue;
      queues.add(this.enqueue(key, { operationId, journalId: record.id, change: change as ListingChange }).queue);
    }
    this.logger.info('listing.outbox_restored', { changes: records.length, listings: queues.size });
    // Storage may well be back already: try now rather than after the first back-off.
    for (const queue of queues) void this.drain(queue);
  }

  private forget(queue: ListingQueue): void {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    this.queues.delete(queueId(queue.key));
  }

  /** Saves the queue's changes in order until one fails; one run at a time per listing. */
  private drain(queue: ListingQueue): Promise<void> {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    queue.running ??= this.saveInOrder(queue)
      // saveInOrder catches the store's errors; this is for a bug in it, never to reject a retry.
      .catch((error: unknown) => this.logger.error('listing.outbox_failed', errorFields(error)))
      .finally(() => {
        queue.running = undefined;
      });
    return queue.running;
  }

  private async saveInOrder(queue: ListingQueue): Promise<void> {
    for (let next = queue.changes[0]; next !== undefined; next = queue.changes[0]) {
      let result: UpdateResult;
      try {
        result = await this.store.update(queue.key, next.operationId, mutationOf(queue.key, next.change));
      } catch (error) {
        if (this.isTransient(error)) {
          this.failed(queue, { ...errorFields(error), reason: 'unreachable' });
          return;
        }
        // Retrying cannot fix it (a corrupt blob, a bug): keeping it would retry forever.
        this.logger.error('listing.outbox_dropped', { kind: next.change.kind, ...errorFields(error) });
        next.failure = error;
        this.settle(queue, next);
        continue;
      }
      if (!result.ok && result.error === 'conflict') {
        this.failed(queue, { reason: 'conflict' });
        return;
      }
      if (!result.ok) this.logger.warn('listing.outbox_dropped', { kind: next.change.kind, reason: result.error });
      else this.logger.info('listing.outbox_saved', { kind: next.change.kind, applied: result.applied, waited: queue.failedAttempts });
      queue.failedAttempts = 0;
      this.settle(queue, next, result);
    }
  }

  private settle(queue: ListingQueue, change: PendingChange, result?: UpdateResult): void {
    if (result !== undefined) change.result = result;
    queue.changes.shift();
    if (change.journalId !== undefined) this.journal?.done(change.journalId);
    if (queue.changes.length === 0) this.forget(queue);
  }

  private failed(queue: ListingQueue, fields: Record<string, string | number | boolean | undefined>): void {
    queue.failedAttempts += 1;
    this.logger.warn('listing.outbox_retry_failed', { ...fields, attempt: queue.failedAttempts, changes: queue.changes.length });
    this.schedule(queue);
  }

  private schedule(queue: ListingQueue): void {
    if (this.isStopped || queue.timer !== undefined) return;
    const delayMs = retryDelayMs(this.retry, queue.failedAttempts);
    queue.timer = setTimeout(() => {
      queue.timer = undefined;
      // drain() never rejects: every failure is caught and logged.
      void this.drain(queue);
    }, delayMs);
    // Pending retries alone must not keep a stopping process alive.
    queue.timer.unref();
  }
}

/** Map key of a listing (the dialog passes declaration numbers already normalised). */
function queueId(key: ListingKey): string {
  return JSON.stringify([key.tenantKey, key.date, key.declarationNumber]);
}
