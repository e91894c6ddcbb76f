import { randomUUID } from 'node:crypto';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { z } from 'zod';
import { createLogger, errorFields, type Logger } from '../logger.js';
import type { Journal, JournalRecord } from './journal.js';
import { isTransientStorageError } from './transientErrors.js';

/**
 * Dialog state that survives a blob-storage outage: wraps the state Storage (BlobsStorage) so a
 * turn during an outage still answers, and what it changed is written when storage is back.
 *
 * Consistency rules — storage stays the truth; memory only bridges the outage:
 *
 * 1. Reads. A key with a change waiting to be written is answered from that change (storage
 *    holds an older state). Otherwise storage is read; when it cannot be reached, the last copy
 *    of that key this process read or wrote (a bounded LRU) answers instead. With no copy either,
 *    the error propagates: a real outage, and the turn fails with the localised apology.
 * 2. Every answer remembers what it was derived from — its *lineage*: the storage content it
 *    started from (with the ETag when known) and the contents this process wrote, or tried to,
 *    on top of it. The object BotState gets from `read` is the very object it hands back to
 *    `write` (a WeakMap links them), so the lineage belongs to the turn, not just to the key.
 * 3. A write derived from a fresh storage read, with nothing waiting for that key, goes
 *    straight through, unchanged: BotState's `eTag: '*'`, last write wins, no extra request.
 * 4. Any other write (derived from memory, or with a change already waiting) becomes the key's
 *    waiting change — latest wins — and is written *checked*, at once and then in the
 *    background until storage answers:
 *    - If-Match the ETag it was derived from, when known;
 *    - otherwise (or on a 412) storage is read: if it still holds the content the change was
 *      derived from, or one of this process's own writes whose arrival was unknown (the request
 *      landed but the answer was lost), it is overwritten If-Match the ETag just read;
 *    - if it holds anything else, someone else (another instance, after storage came back)
 *      wrote newer state: the waiting change is dropped, logged, and storage wins. A stale
 *      in-memory copy never overwrites newer content.
 *    BlobsStorage cannot express "only if absent" (If-None-Match: *): when the key is absent
 *    and the change was derived from "absent", it is written without a condition, right after
 *    the read that found it absent — racy only within that one round trip.
 * 5. A live write that fails because storage is unreachable becomes the waiting change, with
 *    the fresh read's ETag as its base.
 * 6. Only unreachable storage (transientErrors.ts) is bridged. Other errors propagate as before;
 *    a waiting change that meets one in the background is dropped and logged (retrying cannot
 *    fix it).
 *
 * Memory: waiting changes are never evicted (at most `maxPendingKeys`, beyond which a write
 * that cannot reach storage throws); last-known copies are an LRU of `maxCachedKeys`. The copies
 * hold dialog state, which may include a name being entered: never logged.
 *
 * Durability (7): with a journal (journal.ts), every waiting change is also appended to the
 * local disk, with what it was derived from, and synced before `write` returns; a process
 * started after a crash during the outage takes the journaled changes back as waiting changes,
 * so conversations continue at the step they had reached — and they are written by rule 4, so
 * a stale one still never overwrites newer state. Without a journal, waiting changes are lost
 * if the process dies during an outage (logged at an orderly shutdown).
 */

/** The journal record type of dialog state. */
export const STATE_JOURNAL_TYPE = 'state';

const journaledStateSchema = z.object({
  key: z.string().min(1),
  content: z.string(),
  base: z.object({ content: z.string().optional(), eTag: z.string().optional() }).nullable(),
  ours: z.array(z.string()),
});

/** What storage held, as far as this process knows: content without eTag (undefined: no item), and its ETag when known. */
interface Snapshot {
  readonly content: string | undefined;
  readonly eTag: string | undefined;
}

/** What a state object was derived from (rule 2). */
interface Lineage {
  /** Storage content it started from; undefined: never read (a blind write, as the caller asked). */
  readonly base: Snapshot | undefined;
  /** Contents this process wrote, or tried to, on top of base. */
  readonly ours: readonly string[];
  /** Read from storage in this very turn, with nothing waiting. */
  readonly isFresh: boolean;
}

interface PendingWrite {
  content: string;
  base: Snapshot | undefined;
  ours: string[];
  /** Bumped by every newer change, so a flush knows whether it wrote the latest. */
  version: number;
  /** Its records in the journal (one per version kept), marked done once it is settled. */
  journalIds: string[];
}

interface Entry {
  known?: Snapshot | undefined;
  pending?: PendingWrite | undefined;
  /** Lineage of the last answer "no item" (BotState then writes an object of its own). */
  absentLineage?: Lineage | undefined;
}

type FlushOutcome = 'saved' | 'superseded' | 'unreachable' | 'conflict' | 'dropped';

export interface ResilientStorageOptions {
  readonly logger?: Logger;
  /** Background flush: first retry after about baseDelayMs, doubling up to maxDelayMs. */
  readonly retry?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number };
  /** Last-known copies kept to answer reads while storage is unreachable. */
  readonly maxCachedKeys?: number;
  /** Keys whose change may wait in memory at once. */
  readonly maxPendingKeys?: number;
  readonly isTransient?: (error: unknown) => boolean;
  /** Where waiting changes are made durable, and taken back from at start-up (rule 7). */
  readonly journal?: Journal | undefined;
}

const DEFAULT_BASE_DELAY_MS = 1_000;
const DEFAULT_MAX_DELAY_MS = 30_000;
const DEFAULT_MAX_CACHED_KEYS = 2_000;
const DEFAULT_MAX_PENDING_KEYS = 10_000;
// Checked-write rounds per flush of one key: a 412 means re-read and decide again.
const MAX_ROUNDS_PER_FLUSH = 3;
// Own writes remembered per key: enough for every turn of a long outage, bounded anyway.
const MAX_OURS = 50;

export class ResilientStorage implements Storage {
  private readonly entries = new Map<string, Entry>();
  private readonly lineages = new WeakMap<object, Lineage>();
  /** One flush at a time per key, in order. */
  private readonly flushing = new Map<string, Promise<FlushOutcome>>();
  private readonly logger: Logger;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxCachedKeys: number;
  private readonly maxPendingKeys: number;
  private readonly isTransient: (error: unknown) => boolean;
  private readonly journal: Journal | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failedPasses = 0;
  private isStopped = false;

  constructor(
    private readonly inner: Storage,
    options: ResilientStorageOptions = {},
  ) {
    this.logger = options.logger ?? createLogger('silent');
    this.baseDelayMs = options.retry?.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
    this.maxDelayMs = options.retry?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
    this.maxCachedKeys = options.maxCachedKeys ?? DEFAULT_MAX_CACHED_KEYS;
    this.maxPendingKeys = options.maxPendingKeys ?? DEFAULT_MAX_PENDING_KEYS;
    this.isTransient = options.isTransient ?? isTransientStorageError;
    this.journal = options.journal;
    this.journal?.subscribe(STATE_JOURNAL_TYPE, (records) => this.restore(records));
  }

  async read(keys: string[]): Promise<StoreItems> {
    const result: StoreItems = {};
    const fromStorage: string[] = [];
    for (const key of keys) {
      const pending = this.entries.get(key)?.pending;
      if (pending) this.answer(result, key, pending.content, '*', { base: pending.base, ours: [...pending.ours, pending.content], isFresh: false });
      else fromStorage.push(key);
    }
    if (fromStorage.length === 0) return result;

    let items: StoreItems;
    try {
      items = await this.inner.read(fromStorage);
    } catch (error) {
      if (!this.isTransient(error) || fromStorage.some((key) => this.entries.get(key)?.known === undefined)) throw error;
      for (const key of fromStorage) this.answerFromMemory(result, key);
      this.logger.warn('state.read_from_memory', { keys: fromStorage.length, ...errorFields(error) });
      return result;
    }
    for (const key of fromStorage) {
      const entry = this.touch(key);
      // A change written meanwhile by a concurrent turn is newer than what was just read.
      if (entry.pending) {
        this.answerFromMemory(result, key);
        continue;
      }
      const item: unknown = items[key];
      const snapshot: Snapshot = isStoreItem(item) ? { content: contentOf(item), eTag: item.eTag } : { content: undefined, eTag: undefined };
      entry.known = snapshot;
      const lineage: Lineage = { base: snapshot, ours: [], isFresh: true };
      if (isStoreItem(item)) {
        this.lineages.set(item, lineage);
        result[key] = item;
        entry.absentLineage = undefined;
      } else {
        entry.absentLineage = lineage;
      }
    }
    this.evict();
    return result;
  }

  async write(changes: StoreItems): Promise<void> {
    const live: StoreItems = {};
    const liveLineages = new Map<string, Lineage | undefined>();
    const checked: string[] = [];
    for (const [key, value] of Object.entries(changes)) {
      const item: unknown = value;
      if (!isStoreItem(item)) throw new TypeError(`state "${key}" is not an object`);
      const entry = this.touch(key);
      // An object of BotState's own (no item was read) takes the key's last "no item" answer, once.
      const lineage = this.lineages.get(item) ?? entry.absentLineage;
      entry.absentLineage = undefined;
      if (entry.pending === undefined && (lineage === undefined || lineage.isFresh)) {
        live[key] = item;
        liveLineages.set(key, lineage);
      } else {
        this.keep(entry, contentOf(item), lineage);
        checked.push(key);
      }
    }

    if (liveLineages.size > 0) {
      try {
        await this.inner.write(live);
        for (const [key, item] of Object.entries(live)) this.touch(key).known = { content: contentOf(asStoreItem(item)), eTag: undefined };
      } catch (error) {
        if (!this.isTransient(error)) throw error;
        // Each key may or may not have been written: the content counts as ours either way.
        for (const [key, item] of Object.entries(live)) {
          const content = contentOf(asStoreItem(item));
          const lineage = liveLineages.get(key);
          this.keep(this.touch(key), content, lineage && { ...lineage, ours: [...lineage.ours, content] });
        }
        await this.journalWaiting(Object.keys(live));
        // Storage has just failed: the background retries, instead of a second failure now.
        this.scheduleFlush();
        this.logger.warn('state.write_deferred', { keys: liveLineages.size, ...errorFields(error) });
      }
    }

    await this.journalWaiting(checked);
    let failure: unknown;
    for (const key of checked) {
      const outcome = await this.flushKey(key, (error) => (failure ??= error));
      if (outcome === 'unreachable' || outcome === 'conflict') this.scheduleFlush();
    }
    this.evict();
    if (failure !== undefined) throw failure;
  }

  async delete(keys: string[]): Promise<void> {
    // Behind any flush of these keys, so a waiting change cannot bring deleted state back.
    await Promise.all(keys.map((key) => this.flushing.get(key)));
    for (const key of keys) {
      const entry = this.touch(key);
      this.settle(entry);
      entry.known = undefined;
      entry.absentLineage = undefined;
    }
    await this.inner.delete(keys);
    for (const key of keys) this.touch(key).known = { content: undefined, eTag: undefined };
  }

  /** Keys whose latest change is not in storage yet. */
  get pendingCount(): number {
    let count = 0;
    for (const entry of this.entries.values()) if (entry.pending) count += 1;
    return count;
  }

  /** One attempt now for every waiting change. Never throws. */
  async flush(): Promise<void> {
    for (const [key, entry] of [...this.entries]) {
      if (!entry.pending) continue;
      const outcome = await this.flushKey(key);
      // Still unreachable: the other keys would fail the same way; the next pass tries again.
      if (outcome === 'unreachable') break;
    }
  }

  /** Shutdown: no more background flushes; one last attempt; logs what could not be written. */
  async close(): Promise<void> {
    const isFirstClose = !this.isStopped;
    this.isStopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all(this.flushing.values());
    if (isFirstClose) await this.flush();
    if (this.pendingCount > 0) this.logger.error('state.unsaved_at_shutdown', { keys: this.pendingCount });
  }

  // --- internals ------------------------------------------------------------------------------

  private answer(result: StoreItems, key: string, content: string, eTag: string, lineage: Lineage): void {
    const item = itemOf(content, eTag);
    this.lineages.set(item, lineage);
    result[key] = item;
  }

  /** From the waiting change, else the last-known copy (which the caller checked exists). */
  private answerFromMemory(result: StoreItems, key: string): void {
    const entry = this.touch(key);
    if (entry.pending) {
      const { content, base, ours } = entry.pending;
      this.answer(result, key, content, '*', { base, ours: [...ours, content], isFresh: false });
      return;
    }
    const known = entry.known;
    const lineage: Lineage = { base: known, ours: [], isFresh: false };
    if (known?.content === undefined) {
      entry.absentLineage = lineage;
      return;
    }
    this.answer(result, key, known.content, known.eTag ?? '*', lineage);
  }

  /** Makes `content` the key's waiting change (latest wins), derived from `lineage`. */
  private keep(entry: Entry, content: string, lineage: Lineage | undefined): void {
    if (entry.pending) {
      const pending = entry.pending;
      pending.content = content;
      pending.version += 1;
      // Checked against what this change was derived from; what this process wrote before, or
      // tried to, stays "ours" (storage holding it means no one else wrote since).
      if (lineage) {
        pending.base = lineage.base;
        pending.ours = mergeOurs(pending.ours, lineage.ours);
      }
      return;
    }
    if (this.pendingCount >= this.maxPendingKeys) throw new Error('too many state changes are waiting for storage');
    entry.pending = { content, base: lineage?.base, ours: [...(lineage?.ours ?? [])].slice(-MAX_OURS), version: 1, journalIds: [] };
  }

  /** The key's waiting change is written, superseded or dropped: its journal records are done. */
  private settle(entry: Entry): void {
    for (const id of entry.pending?.journalIds ?? []) this.journal?.done(id);
    entry.pending = undefined;
  }

  /**
   * Appends the keys' waiting changes to the journal and waits until they are on the disk (rule
   * 7). A disk that refuses is logged: the changes still wait in memory, as without a journal.
   */
  private async journalWaiting(keys: readonly string[]): Promise<void> {
    const journal = this.journal;
    if (!journal || keys.length === 0) return;
    await Promise.all(
      keys.map(async (key) => {
        const pending = this.entries.get(key)?.pending;
        if (!pending) return;
        const id = `${STATE_JOURNAL_TYPE}:${randomUUID()}`;
        pending.journalIds.push(id);
        try {
          await journal.append(STATE_JOURNAL_TYPE, id, { key, content: pending.content, base: pending.base ?? null, ours: pending.ours });
        } catch (error) {
          this.logger.error('state.journal_failed', errorFields(error));
        }
      }),
    );
  }

  /** Waiting changes a previous process journaled: the latest per key waits again, retried at once. */
  private restore(records: readonly JournalRecord[]): void {
    const latest = new Map<string, { data: z.infer<typeof journaledStateSchema>; ids: string[] }>();
    for (const record of records) {
      const parsed = journaledStateSchema.safeParse(record.data);
      if (!parsed.success) {
        this.logger.error('state.journal_record_invalid', {});
        this.journal?.done(record.id);
        continue;
      }
      const ids = [...(latest.get(parsed.data.key)?.ids ?? []), record.id];
      latest.set(parsed.data.key, { data: parsed.data, ids });
    }
    for (const [key, { data, ids }] of latest) {
      const entry = this.touch(key);
      if (entry.pending) {
        // A change of this process is newer than a replayed one.
        for (const id of ids) this.journal?.done(id);
        continue;
      }
      const base = data.base === null ? undefined : { content: data.base.content, eTag: data.base.eTag };
      entry.pending = { content: data.content, base, ours: data.ours.slice(-MAX_OURS), version: 1, journalIds: ids };
    }
    this.logger.info('state.journal_restored', { keys: latest.size });
    void this.backgroundPass();
  }

  /** Writes the key's waiting change, checked (rule 4); in order with other flushes of the key. */
  private flushKey(key: string, onFailure?: (error: unknown) => void): Promise<FlushOutcome> {
    const previous = this.flushing.get(key) ?? Promise.resolve<FlushOutcome>('saved');
    const next = previous.then(() => this.flushKeyOnce(key, onFailure));
    this.flushing.set(key, next);
    void next.finally(() => {
      if (this.flushing.get(key) === next) this.flushing.delete(key);
    });
    return next;
  }

  private async flushKeyOnce(key: string, onFailure?: (error: unknown) => void): Promise<FlushOutcome> {
    try {
      return await this.writeChecked(key);
    } catch (error) {
      if (this.isTransient(error)) return 'unreachable';
      // Retrying cannot fix it: drop the change rather than retry forever.
      const entry = this.entries.get(key);
      if (entry) this.settle(entry);
      this.logger.error('state.flush_dropped', errorFields(error));
      onFailure?.(error);
      return 'dropped';
    }
  }

  private async writeChecked(key: string): Promise<FlushOutcome> {
    for (let round = 1; round <= MAX_ROUNDS_PER_FLUSH; round += 1) {
      const entry = this.entries.get(key);
      const pending = entry?.pending;
      if (!entry || !pending) return 'saved';
      const { content, version, base } = pending;

      let condition: string;
      if (base === undefined) {
        condition = '*';
      } else if (round === 1 && base.eTag !== undefined) {
        condition = base.eTag;
      } else {
        const current: unknown = (await this.inner.read([key]))[key];
        const currentContent = isStoreItem(current) ? contentOf(current) : undefined;
        const isOurLineage = currentContent === base.content || (currentContent !== undefined && pending.ours.includes(currentContent));
        if (!isOurLineage) {
          if (entry.pending === pending) this.settle(entry);
          entry.known = { content: currentContent, eTag: isStoreItem(current) ? current.eTag : undefined };
          this.logger.warn('state.pending_superseded', { reason: 'storage holds newer state' });
          return 'superseded';
        }
        // No item: BlobsStorage cannot say "only if absent" — unconditional, right after the read.
        condition = isStoreItem(current) ? (current.eTag ?? '*') : '*';
      }

      pending.ours = [...pending.ours, content].slice(-MAX_OURS);
      try {
        await this.inner.write({ [key]: itemOf(content, condition) });
      } catch (error) {
        if (isETagConflict(error)) continue;
        throw error;
      }
      entry.known = { content, eTag: undefined };
      if (entry.pending === pending && pending.version === version) {
        this.settle(entry);
        this.logger.info('state.pending_saved', {});
        return 'saved';
      }
      // A newer change arrived while writing: it derives from what was just written.
      if (entry.pending === pending) pending.base = { content, eTag: undefined };
    }
    return 'conflict';
  }

  private scheduleFlush(): void {
    if (this.isStopped || this.timer !== undefined) return;
    const window = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** this.failedPasses);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.backgroundPass();
    }, window / 2 + Math.random() * (window / 2));
    // Waiting changes alone must not keep a stopping process alive.
    this.timer.unref();
  }

  private async backgroundPass(): Promise<void> {
    try {
      await this.flush();
    } catch (error) {
      // flush() catches the store's errors; this is for a bug, never to reject a retry.
      this.logger.error('state.flush_failed', errorFields(error));
    }
    if (this.pendingCount === 0) {
      this.failedPasses = 0;
      return;
    }
    this.failedPasses += 1;
    this.scheduleFlush();
  }

  /** The key's entry, most recently used. */
  private touch(key: string): Entry {
    const entry = this.entries.get(key) ?? {};
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /** Forgets the least recently used copies beyond maxCachedKeys; waiting changes stay. */
  private evict(): void {
    if (this.entries.size <= this.maxCachedKeys) return;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxCachedKeys) return;
      if (!entry.pending && !this.flushing.has(key)) this.entries.delete(key);
    }
  }
}

function isStoreItem(value: unknown): value is StoreItem {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asStoreItem(value: unknown): StoreItem {
  if (!isStoreItem(value)) throw new TypeError('state is not an object');
  return value;
}

/** The stored form: what BlobsStorage uploads (everything but the eTag), as text. */
function contentOf(item: StoreItem): string {
  const { eTag: _eTag, ...content } = item;
  return JSON.stringify(content);
}

function itemOf(content: string, eTag: string): StoreItem {
  const parsed: unknown = JSON.parse(content);
  return { ...asStoreItem(parsed), eTag };
}

function mergeOurs(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].slice(-MAX_OURS);
}

/** BlobsStorage (and MemoryStorage) report a failed If-Match with this message, without a status. */
function isETagConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const status: unknown = (error as { statusCode?: unknown }).statusCode;
  if (status === 412) return true;
  return error instanceof Error && /eTag conflict/i.test(error.message);
}
