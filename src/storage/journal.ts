import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger, errorFields, type Logger } from '../logger.js';

/**
 * The durable local journal: what the user was told is kept while blob storage is unreachable
 * (listing changes, evidence records, dialog state) is appended here and flushed to the disk
 * (fdatasync) *before* the user is told "kept", so a crash, a restart or a deployment during
 * the outage loses nothing. The outboxes replay it when storage is back (outbox.ts,
 * evidenceOutbox.ts, resilientStorage.ts); each operation applies once by its operation id.
 *
 * Format: one JSON line per record, `{"len":N,"sum":"…","entry":{…}}`, where `len` and `sum`
 * (SHA-256, 16 hex digits) are those of `JSON.stringify(entry)`. A line that does not parse or
 * whose length or checksum does not match — the torn last line of a crash mid-write, or a
 * corrupt sector — is skipped and logged (by line number, never its content), never fatal.
 * Entries are `put` (an operation waiting for storage) and `done` (applied, superseded or
 * dropped). The file holds personal data (names, identifiers being listed), like the blobs it
 * stands in for: mode 0600 in a 0700 folder, and it is emptied as soon as nothing waits.
 *
 * Several instances may share the folder (App Service mounts the same /home on every instance):
 * each writes its own `<owner>.journal.jsonl`, named by the instance (WEBSITE_INSTANCE_ID, else
 * the host name) and guarded by `<owner>.lock` ({host, pid}, refreshed every few seconds). A
 * journal whose owner is gone (same host and its process dead, or a lock not refreshed for
 * STALE_LOCK_MS) is claimed by renaming it to `<claimer>.claimed-<random>.jsonl` — a rename
 * succeeds for one claimer only — merged into the claimer's own journal, then removed. Replay
 * itself is idempotent (operation ids, ETags), so even a record replayed twice applies once.
 */

export interface JournalRecord {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
}

/**
 * TEST-ONLY fault injection (config.ts honours it only with NODE_ENV=test): the process kills
 * itself with SIGKILL at the `atAppend`-th put of records of `type`, either after writing the
 * whole line but before fdatasync (`kill-after-write`), or half-way through the line
 * (`kill-mid-write`: a torn line).
 */
export interface JournalFault {
  readonly kind: 'kill-after-write' | 'kill-mid-write';
  readonly type: string;
  readonly atAppend: number;
}

export interface JournalOptions {
  readonly dir: string;
  /** Names this instance's journal; default: the host name. */
  readonly instanceId?: string | undefined;
  readonly logger?: Logger;
  readonly fault?: JournalFault | undefined;
  /** Lock refresh and check for orphaned journals; default HEARTBEAT_MS. */
  readonly heartbeatMs?: number;
  /** A lock not refreshed for this long (another host) is stale; default STALE_LOCK_MS. */
  readonly staleLockMs?: number;
}

type Entry = { readonly op: 'put'; readonly id: string; readonly type: string; readonly data: unknown } | { readonly op: 'done'; readonly id: string };

interface LockContent {
  readonly host: string;
  readonly pid: number;
  readonly nonce: string;
}

const HEARTBEAT_MS = 5_000;
const STALE_LOCK_MS = 30_000;
// Rewrite the file without its settled records once it is this big and mostly settled.
const COMPACT_AT_BYTES = 1024 * 1024;
const JOURNAL_SUFFIX = '.journal.jsonl';
const CLAIMED_INFIX = '.claimed-';
const LOCK_SUFFIX = '.lock';
const OWNER = /^[A-Za-z0-9_-]{1,64}$/;
/** Locks held by journals open in this process (a lock with our pid and another nonce is a previous life's). */
const heldNonces = new Set<string>();

/** `{"len":N,"sum":"…","entry":…}` for one entry. */
export function encodeJournalLine(entry: unknown): string {
  const text = JSON.stringify(entry);
  return `{"len":${Buffer.byteLength(text, 'utf8')},"sum":"${checksum(text)}","entry":${text}}\n`;
}

/** The entry of one line, or undefined when the line is torn or corrupt. */
export function decodeJournalLine(line: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { len, sum, entry } = parsed as { len?: unknown; sum?: unknown; entry?: unknown };
  if (entry === undefined) return undefined;
  const text = JSON.stringify(entry);
  return len === Buffer.byteLength(text, 'utf8') && sum === checksum(text) ? entry : undefined;
}

function checksum(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

function isEntry(value: unknown): value is Entry {
  if (typeof value !== 'object' || value === null) return false;
  const { op, id, type } = value as { op?: unknown; id?: unknown; type?: unknown };
  if (typeof id !== 'string' || id.length === 0) return false;
  return op === 'done' || (op === 'put' && typeof type === 'string' && 'data' in value);
}

/** A file-name-safe owner name for this instance. */
export function journalOwnerName(instanceId: string | undefined): string {
  const raw = (instanceId ?? os.hostname()).replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 48);
  return OWNER.test(raw) ? raw : 'instance';
}

function ownerOf(fileName: string): string | undefined {
  const owner = fileName.split('.')[0] ?? '';
  return OWNER.test(owner) ? owner : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, and belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type Subscriber = (records: readonly JournalRecord[]) => void;

export class Journal {
  private readonly live = new Map<string, { readonly line: string; readonly record: JournalRecord }>();
  private readonly subscribers = new Map<string, Subscriber>();
  /** Records recovered (own file, claimed files) and not yet handed to a subscriber. */
  private readonly unclaimed: JournalRecord[] = [];
  private readonly queue: { line: string; type: string | undefined; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private chain: Promise<void> = Promise.resolve();
  private isWriteScheduled = false;
  private fileBytes = 0;
  private putCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private isClosed = false;

  private constructor(
    private readonly dir: string,
    private readonly owner: string,
    private readonly nonce: string,
    private handle: FileHandle,
    private readonly logger: Logger,
    private readonly options: JournalOptions,
  ) {}

  /** Opens (creating) this instance's journal, claims orphaned ones, and loads what waits. */
  static async open(options: JournalOptions): Promise<Journal> {
    const logger = options.logger ?? createLogger('silent');
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    const nonce = randomBytes(8).toString('hex');
    let owner = journalOwnerName(options.instanceId);
    if (!(await acquireLock(options.dir, owner, nonce, options.staleLockMs ?? STALE_LOCK_MS))) {
      // Another live process uses this instance's name (two servers on one machine): its own file.
      owner = `${owner.slice(0, 40)}-p${process.pid}`;
      if (!(await acquireLock(options.dir, owner, nonce, options.staleLockMs ?? STALE_LOCK_MS))) throw new Error('the journal lock is held');
    }
    const file = path.join(options.dir, `${owner}${JOURNAL_SUFFIX}`);
    const handle = await open(file, fsConstants.O_CREAT | fsConstants.O_APPEND | fsConstants.O_WRONLY, 0o600);
    const journal = new Journal(options.dir, owner, nonce, handle, logger, options);
    await journal.exclusive(() => journal.recover(true));
    journal.timer = setInterval(() => void journal.heartbeat(), options.heartbeatMs ?? HEARTBEAT_MS);
    journal.timer.unref();
    return journal;
  }

  /** This instance's journal file. */
  get file(): string {
    return path.join(this.dir, `${this.owner}${JOURNAL_SUFFIX}`);
  }

  /** Records waiting for storage (not yet done). */
  get size(): number {
    return this.live.size;
  }

  /**
   * Receives the records of one type: those recovered at start-up at once, and those of
   * orphaned journals claimed later. One subscriber per type.
   */
  subscribe(type: string, handler: Subscriber): void {
    this.subscribers.set(type, handler);
    this.deliver();
  }

  /**
   * Appends a record and resolves once it is on the disk (fdatasync): only then may the user be
   * told "kept". Rejects if the disk refuses it; the record is then not kept.
   */
  append(type: string, id: string, data: unknown): Promise<void> {
    if (this.isClosed) return Promise.reject(new Error('the journal is closed'));
    const line = encodeJournalLine({ op: 'put', id, type, data });
    this.live.set(id, { line, record: { id, type, data } });
    return this.enqueue(line, type).catch((error: unknown) => {
      this.live.delete(id);
      throw error;
    });
  }

  /** The record is settled (applied, superseded or dropped): it will not be replayed. */
  done(id: string): void {
    if (!this.live.delete(id) || this.isClosed) return;
    // Not awaited: replay is idempotent, so a lost "done" costs one harmless replay at most.
    this.enqueue(encodeJournalLine({ op: 'done', id }), undefined).catch((error: unknown) => this.logger.warn('journal.done_failed', errorFields(error)));
  }

  /** Flushes what is queued, stops the heartbeat, releases the lock; removes the file if empty. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    clearInterval(this.timer);
    this.isClosed = true;
    await this.exclusive(() => this.handle.close());
    if (this.live.size === 0) await unlink(this.file).catch(() => undefined);
    else this.logger.info('journal.kept_at_shutdown', { records: this.live.size });
    await unlink(path.join(this.dir, `${this.owner}${LOCK_SUFFIX}`)).catch(() => undefined);
    heldNonces.delete(this.nonce);
  }

  // --- writing -------------------------------------------------------------------------------

  /** Runs file operations one at a time: appends, compaction, rewrites, recovery. */
  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.chain.then(run);
    this.chain = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  /** `type`: a put of that record type; undefined: a done. */
  private enqueue(line: string, type: string | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ line, type, resolve, reject });
      if (this.isWriteScheduled) return;
      this.isWriteScheduled = true;
      void this.exclusive(() => this.writeQueued());
    });
  }

  /** Group commit: everything queued is written in one go, then one fdatasync for all of it. */
  private async writeQueued(): Promise<void> {
    this.isWriteScheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.queue.length);
      try {
        await this.injectFault(batch);
        const bytes = Buffer.from(batch.map((item) => item.line).join(''), 'utf8');
        await this.handle.write(bytes);
        this.fileBytes += bytes.length;
        await this.handle.datasync();
        for (const item of batch) item.resolve();
      } catch (error) {
        this.logger.error('journal.write_failed', errorFields(error));
        for (const item of batch) item.reject(error);
      }
      await this.compactIfWorthIt();
    }
  }

  /** TEST-ONLY (JournalFault): writes up to the chosen put (half of it, or all of it), then SIGKILL. */
  private async injectFault(batch: readonly { line: string; type: string | undefined }[]): Promise<void> {
    const fault = this.options.fault;
    if (!fault) return;
    for (const [index, item] of batch.entries()) {
      if (item.type !== fault.type) continue;
      this.putCount += 1;
      if (this.putCount !== fault.atAppend) continue;
      const before = batch.slice(0, index).map((b) => b.line).join('');
      const part = fault.kind === 'kill-mid-write' ? item.line.slice(0, Math.floor(item.line.length / 2)) : item.line;
      await this.handle.write(before + part);
      process.kill(process.pid, 'SIGKILL');
      // SIGKILL is not delivered synchronously: nothing may run after it.
      await new Promise(() => undefined);
    }
  }

  /** Empty once nothing waits; rewritten once big and mostly settled. Within the write chain. */
  private async compactIfWorthIt(): Promise<void> {
    if (this.queue.length > 0) return;
    try {
      if (this.live.size === 0 && this.fileBytes > 0) {
        await this.handle.truncate(0);
        await this.handle.sync();
        this.fileBytes = 0;
        this.logger.info('journal.compacted', { records: 0 });
      } else if (this.fileBytes > COMPACT_AT_BYTES) {
        await this.rewrite();
      }
    } catch (error) {
      this.logger.warn('journal.compaction_failed', errorFields(error));
    }
  }

  /** Writes the live records to a new file, syncs it, and renames it over the journal. */
  private async rewrite(): Promise<void> {
    const lines = [...this.live.values()].map((l) => l.line).join('');
    const temporary = `${this.file}.${this.nonce}.tmp`;
    const next = await open(temporary, fsConstants.O_CREAT | fsConstants.O_TRUNC | fsConstants.O_WRONLY | fsConstants.O_APPEND, 0o600);
    try {
      await next.write(lines);
      await next.sync();
    } catch (error) {
      await next.close();
      throw error;
    }
    await rename(temporary, this.file);
    await syncDirectory(this.dir);
    await this.handle.close();
    this.handle = next;
    this.fileBytes = Buffer.byteLength(lines, 'utf8');
    this.logger.info('journal.compacted', { records: this.live.size });
  }

  // --- recovery ------------------------------------------------------------------------------

  /** Own journal and every orphaned one: loaded, merged into a fresh own file, claimed files removed. */
  private async recover(includeOwnFile: boolean): Promise<void> {
    const claimed = await this.claimOrphans();
    if (!includeOwnFile && claimed.length === 0) return;
    const files = includeOwnFile ? [this.file, ...claimed] : claimed;
    const entries: Entry[] = [];
    for (const file of files) entries.push(...(await this.readEntries(file)));
    const known = new Set(this.live.keys());
    for (const entry of entries) {
      if (entry.op === 'done') {
        this.live.delete(entry.id);
        continue;
      }
      this.live.set(entry.id, { line: encodeJournalLine(entry), record: { id: entry.id, type: entry.type, data: entry.data } });
    }
    await this.rewrite();
    for (const file of claimed) await unlink(file).catch(() => undefined);
    const recovered = [...this.live.values()].map((l) => l.record).filter((r) => !known.has(r.id));
    if (recovered.length > 0 || claimed.length > 0) this.logger.info('journal.recovered', { records: recovered.length, claimedFiles: claimed.length });
    this.unclaimed.push(...recovered);
    this.deliver();
  }

  private async readEntries(file: string): Promise<Entry[]> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const lines = text.split('\n');
    const last = lines.pop() ?? '';
    const entries: Entry[] = [];
    lines.forEach((line, index) => {
      if (line === '') return;
      const entry = decodeJournalLine(line);
      if (isEntry(entry)) entries.push(entry);
      else this.logger.warn('journal.corrupt_line_skipped', { file: path.basename(file), line: index + 1 });
    });
    // No final newline: the write of that line never finished (a crash mid-write).
    if (last !== '') this.logger.warn('journal.torn_line_skipped', { file: path.basename(file), line: lines.length + 1, bytes: Buffer.byteLength(last) });
    return entries;
  }

  /** Renames every orphaned journal (and claimed file) of the folder to a claimed file of ours. */
  private async claimOrphans(): Promise<string[]> {
    const staleMs = this.options.staleLockMs ?? STALE_LOCK_MS;
    const claimed: string[] = [];
    for (const name of await readdir(this.dir)) {
      const isJournal = name.endsWith(JOURNAL_SUFFIX) || (name.includes(CLAIMED_INFIX) && name.endsWith('.jsonl'));
      const owner = ownerOf(name);
      if (!isJournal || owner === undefined) continue;
      if (owner === this.owner && name.endsWith(JOURNAL_SUFFIX)) continue;
      if (owner !== this.owner && !(await isLockStale(this.dir, owner, staleMs))) continue;
      const target = path.join(this.dir, `${this.owner}${CLAIMED_INFIX}${randomBytes(6).toString('hex')}.jsonl`);
      try {
        await rename(path.join(this.dir, name), target);
        claimed.push(target);
      } catch (error) {
        // Claimed by another instance a moment ago.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return claimed;
  }

  private deliver(): void {
    if (this.unclaimed.length === 0) return;
    const byType = new Map<string, JournalRecord[]>();
    const left: JournalRecord[] = [];
    for (const record of this.unclaimed) {
      if (!this.subscribers.has(record.type)) {
        left.push(record);
        continue;
      }
      byType.set(record.type, [...(byType.get(record.type) ?? []), record]);
    }
    this.unclaimed.splice(0, this.unclaimed.length, ...left);
    for (const [type, records] of byType) this.subscribers.get(type)?.(records);
  }

  /** Refreshes the lock; re-creates the file if someone claimed it; claims orphans of others. */
  private async heartbeat(): Promise<void> {
    if (this.isClosed) return;
    try {
      await writeLock(this.dir, this.owner, this.nonce);
      await this.exclusive(async () => {
        if (this.isClosed) return;
        const [onDisk, ours] = await Promise.all([stat(this.file).catch(() => undefined), this.handle.stat()]);
        if (onDisk?.ino !== ours.ino) {
          // Another instance took us for dead and claimed our file: a new one with what waits.
          this.logger.warn('journal.file_claimed_by_another', {});
          await this.rewrite();
        }
        await this.recover(false);
      });
    } catch (error) {
      this.logger.warn('journal.heartbeat_failed', errorFields(error));
    }
  }
}

// --- locks -------------------------------------------------------------------------------------

async function readLock(dir: string, owner: string): Promise<{ content: LockContent | undefined; mtimeMs: number } | undefined> {
  const file = path.join(dir, `${owner}${LOCK_SUFFIX}`);
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    let content: LockContent | undefined;
    try {
      content = JSON.parse(text) as LockContent;
    } catch {
      content = undefined;
    }
    return { content, mtimeMs: info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Gone: no lock, or same host and its process dead (or it is this very pid), or not refreshed. */
async function isLockStale(dir: string, owner: string, staleMs: number, ownNonce?: string): Promise<boolean> {
  const lock = await readLock(dir, owner);
  if (lock === undefined) return true;
  const { content } = lock;
  if (content?.nonce !== undefined && content.nonce === ownNonce) return false;
  if (content?.host === os.hostname() && typeof content.pid === 'number') {
    // A container restarted keeps its host name and often its pid: that pid may be us now.
    if (content.pid === process.pid) return !heldNonces.has(content.nonce);
    return !isAlive(content.pid);
  }
  return Date.now() - lock.mtimeMs > staleMs;
}

async function writeLock(dir: string, owner: string, nonce: string): Promise<void> {
  const content: LockContent = { host: os.hostname(), pid: process.pid, nonce };
  const temporary = path.join(dir, `${owner}${LOCK_SUFFIX}.${nonce}.tmp`);
  await writeFile(temporary, JSON.stringify(content), { mode: 0o600 });
  await rename(temporary, path.join(dir, `${owner}${LOCK_SUFFIX}`));
}

/** Takes the owner's lock if free or stale; false when a live process holds it. */
async function acquireLock(dir: string, owner: string, nonce: string, staleMs: number): Promise<boolean> {
  if (!(await isLockStale(dir, owner, staleMs, nonce))) return false;
  await writeLock(dir, owner, nonce);
  // Two processes may both have found it stale: the last rename wins, and only it reads its nonce.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const lock = await readLock(dir, owner);
  if (lock?.content?.nonce !== nonce) return false;
  heldNonces.add(nonce);
  return true;
}

async function syncDirectory(dir: string): Promise<void> {
  // A rename is durable once the folder is synced; some file systems refuse to open a folder.
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // EINVAL/EISDIR on file systems without directory fsync: nothing more can be done.
  } finally {
    await handle.close();
  }
}

/** Opens the journal; see Journal. */
export function openJournal(options: JournalOptions): Promise<Journal> {
  return Journal.open(options);
}
