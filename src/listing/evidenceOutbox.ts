import { z } from 'zod';
import { createLogger, errorFields, type Logger } from '../logger.js';
import type { Journal, JournalRecord } from '../storage/journal.js';
import { isTransientStorageError } from '../storage/transientErrors.js';
import { type AddEvidenceResult, type EvidenceStore, evidenceNoteSchema, type NewEvidenceRecord } from './evidenceStore.js';
import { DEFAULT_OUTBOX_RETRY, OutboxFullError, type OutboxRetryPolicy, retryDelayMs } from './outbox.js';

/**
 * Evidence records ("the unavailability must be verifiable") written while blob storage is
 * unreachable: kept — on the local disk first when there is a journal (journal.ts) — and stored
 * in the background as soon as storage answers, by the same `EvidenceStore.add` as a live write:
 * once per operation id (the record id derives from it; `If-None-Match: *`), with the time of
 * the verdict (`recordedAt`), not the time of the replay. A record is independent of the others,
 * so unlike listing changes there is no order to keep.
 */

export type EvidenceSubmitOutcome = { readonly status: 'saved'; readonly result: AddEvidenceResult } | { readonly status: 'pending' };

export interface EvidenceOutboxOptions {
  readonly logger?: Logger;
  readonly retry?: Partial<OutboxRetryPolicy>;
  readonly journal?: Journal | undefined;
  readonly maxPending?: number;
  readonly isTransient?: (error: unknown) => boolean;
}

export const EVIDENCE_JOURNAL_TYPE = 'evidence';
const DEFAULT_MAX_PENDING = 10_000;

const journaledEvidenceSchema = z.object({
  operationId: z.string().min(1).max(256),
  recordedAt: z.iso.datetime({ offset: true }),
  record: z.object({ tenantKey: z.string().min(1), date: z.string(), outcome: z.string(), cause: z.string().optional(), note: evidenceNoteSchema }),
});

interface PendingRecord {
  readonly operationId: string;
  readonly record: NewEvidenceRecord;
  readonly recordedAt: string;
  readonly journalId?: string | undefined;
}

export class EvidenceOutbox {
  private readonly pendingRecords = new Map<string, PendingRecord>();
  private readonly logger: Logger;
  private readonly retry: OutboxRetryPolicy;
  private readonly journal: Journal | undefined;
  private readonly maxPending: number;
  private readonly isTransient: (error: unknown) => boolean;
  private failedAttempts = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private isStopped = false;

  constructor(
    private readonly store: Pick<EvidenceStore, 'add'>,
    options: EvidenceOutboxOptions = {},
  ) {
    this.logger = options.logger ?? createLogger('silent');
    this.retry = { ...DEFAULT_OUTBOX_RETRY, ...options.retry };
    this.journal = options.journal;
    this.maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
    this.isTransient = options.isTransient ?? isTransientStorageError;
    this.journal?.subscribe(EVIDENCE_JOURNAL_TYPE, (records) => this.restore(records));
  }

  /** Stores the record now when storage answers; when it cannot be reached, keeps it (synced to disk) and resolves `pending`. */
  async submit(record: NewEvidenceRecord, operationId: string, recordedAt: Date): Promise<EvidenceSubmitOutcome> {
    if (this.pendingRecords.has(operationId)) return { status: 'pending' };
    try {
      return { status: 'saved', result: await this.store.add(record, operationId, recordedAt) };
    } catch (error) {
      if (!this.isTransient(error)) throw error;
      if (this.pendingRecords.size >= this.maxPending) throw new OutboxFullError();
      const journalId = this.journal ? `${EVIDENCE_JOURNAL_TYPE}:${operationId}` : undefined;
      const pending: PendingRecord = { operationId, record, recordedAt: recordedAt.toISOString(), journalId };
      if (this.journal && journalId) await this.journal.append(EVIDENCE_JOURNAL_TYPE, journalId, { operationId, record, recordedAt: pending.recordedAt });
      this.pendingRecords.set(operationId, pending);
      this.logger.warn('evidence.outbox_pending', { ...errorFields(error), pending: this.pendingRecords.size });
      this.schedule();
      return { status: 'pending' };
    }
  }

  get size(): number {
    return this.pendingRecords.size;
  }

  /** One attempt now for every waiting record. Never throws. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running ??= this.saveAll()
      .catch((error: unknown) => this.logger.error('evidence.outbox_failed', errorFields(error)))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Shutdown: no more retries; one last attempt; what is left stays in the journal (or is lost without one). */
  async close(): Promise<void> {
    const isFirstClose = !this.isStopped;
    this.isStopped = true;
    clearTimeout(this.timer);
    await this.running;
    if (isFirstClose) await this.flush();
    if (this.size === 0) return;
    if (this.journal) this.logger.warn('evidence.outbox_journaled_at_shutdown', { records: this.size });
    else this.logger.error('evidence.outbox_unsaved_at_shutdown', { records: this.size });
  }

  private restore(records: readonly JournalRecord[]): void {
    for (const journaled of records) {
      const parsed = journaledEvidenceSchema.safeParse(journaled.data);
      if (!parsed.success) {
        this.logger.error('evidence.journal_record_invalid', { paths: parsed.error.issues.map((i) => i.path.join('.')).join(',') });
        this.journal?.done(journaled.id);
        continue;
      }
      const { operationId, record, recordedAt } = parsed.data;
      if (!this.pendingRecords.has(operationId)) this.pendingRecords.set(operationId, { operationId, record, recordedAt, journalId: journaled.id });
    }
    this.logger.info('evidence.outbox_restored', { records: records.length });
    void this.flush();
  }

  private async saveAll(): Promise<void> {
    for (const pending of [...this.pendingRecords.values()]) {
      try {
        const result = await this.store.add(pending.record, pending.operationId, new Date(pending.recordedAt));
        this.logger.info('evidence.outbox_saved', { created: result.created, waited: this.failedAttempts });
      } catch (error) {
        if (this.isTransient(error)) {
          this.failedAttempts += 1;
          this.logger.warn('evidence.outbox_retry_failed', { ...errorFields(error), attempt: this.failedAttempts, records: this.size });
          this.schedule();
          return;
        }
        // Retrying cannot fix it (a bug, a corrupt blob): keeping it would retry forever.
        this.logger.error('evidence.outbox_dropped', errorFields(error));
      }
      this.pendingRecords.delete(pending.operationId);
      if (pending.journalId !== undefined) this.journal?.done(pending.journalId);
    }
    this.failedAttempts = 0;
  }

  private schedule(): void {
    if (this.isStopped || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, retryDelayMs(this.retry, this.failedAttempts));
    this.timer.unref();
  }
}
