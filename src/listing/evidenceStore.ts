import type { ContainerClient } from '@azure/storage-blob';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import {
  type EvidenceKey,
  evidenceBlobName,
  evidenceDatePrefix,
  evidenceRecordId,
} from './blobNames.js';
import {
  type BlobStoreOptions,
  checkedNameKey,
  createContainerClient,
  deleteBlob,
  deleteBlobsOlderThan,
  ListingStoreError,
  listBlobNames,
  parseStored,
  readJsonBlob,
  writeJsonBlob,
} from './listingStore.js';

/**
 * Evidence of an exemption verdict: when the procedure ends in an outcome such as `third_party`
 * ("exempt for the day; the unavailability must be verifiable", PROCEDURE.md), the bot records
 * what was decided, when, and why, so the company can show the inspection services its
 * reasoning. Written once, never changed: a record is created with `ifNoneMatch: '*'`, and its
 * id is derived from (tenant, operation id) so a redelivered activity finds its own record.
 *
 * Stored next to the listings (evidence/<tenantHash>/<date>/<recordId>.json); the listing
 * store's retention deletes both.
 */
export const EVIDENCE_SCHEMA_VERSION = 1;

const MAX_NOTE_CHARS = 500;
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD');
const isoInstant = z.iso.datetime({ offset: true });
// Outcome and cause are ids from the procedure table, not free text.
const procedureId = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/i, 'must be an id');
// \p{C}: control, format (bidi overrides could make the note read differently from what was
// stored), surrogate, private-use and unassigned code points.
const FORBIDDEN_IN_NOTE = /\p{C}/u;

/**
 * A short free-text note. Line breaks and runs of blanks become one space (a pasted paragraph
 * stays readable on one line); other control and format characters are refused. Issue messages
 * are codes only: the note may quote anything the user typed.
 */
export const evidenceNoteSchema = z.string().transform((input, ctx) => {
  const normalised = input.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (FORBIDDEN_IN_NOTE.test(normalised)) {
    ctx.addIssue({ code: 'custom', message: 'characters' });
    return z.NEVER;
  }
  // Counted in code points so a character outside the BMP counts once.
  if ([...normalised].length > MAX_NOTE_CHARS) {
    ctx.addIssue({ code: 'custom', message: 'length' });
    return z.NEVER;
  }
  return normalised;
});

export const evidenceRecordSchema = z.object({
  schemaVersion: z.literal(EVIDENCE_SCHEMA_VERSION),
  /** Opaque tenant key, as in the listing: never shown, never in a blob name. */
  tenantKey: z.string().min(1).max(512),
  /** evidenceRecordId(tenantKey, operationId): 32 lower-case hex digits. */
  recordId: z.string().regex(/^[0-9a-f]{32}$/),
  /** The day the verdict is for, in Europe/Brussels. */
  date: isoDate,
  recordedAt: isoInstant,
  /** Outcome id of the procedure table, e.g. `third_party`. */
  outcome: procedureId,
  /** Cause id, when the user reported one. */
  cause: procedureId.max(32).optional(),
  note: evidenceNoteSchema,
});
export type EvidenceRecord = z.infer<typeof evidenceRecordSchema>;

/** What the caller supplies; the store adds the schema version, the record id and recordedAt. */
export type NewEvidenceRecord = Pick<EvidenceRecord, 'tenantKey' | 'date' | 'outcome' | 'note'> & { readonly cause?: string | undefined };

export type AddEvidenceResult = { ok: true; record: EvidenceRecord; created: boolean };

export class EvidenceStore {
  private readonly nameKey: string;

  constructor(
    private readonly container: ContainerClient,
    private readonly clock: Clock,
    options: Pick<BlobStoreOptions, 'nameKey'> = {},
  ) {
    this.nameKey = checkedNameKey(options.nameKey);
  }

  /** Connects and creates the container if it does not exist yet (it may be the listings' one). */
  static async create(connectionString: string, containerName: string, clock: Clock, options: BlobStoreOptions = {}): Promise<EvidenceStore> {
    const container = createContainerClient(connectionString, containerName, options);
    await container.createIfNotExists();
    return new EvidenceStore(container, clock, options);
  }

  /**
   * Writes the record once per (tenant, operation id). A redelivered activity gets the record
   * already stored (`created: false`), unchanged: the first verdict is the evidence.
   * An invalid record (e.g. a note with control characters) is a bug in the caller, which must
   * validate user text with evidenceNoteSchema first: it throws.
   * `recordedAt`: when the verdict was evidenced (default now); a record kept through a storage
   * outage (evidenceOutbox.ts) keeps the time the user gave it.
   */
  async add(record: NewEvidenceRecord, operationId: string, recordedAt: Date = this.clock()): Promise<AddEvidenceResult> {
    const recordId = evidenceRecordId(record.tenantKey, operationId, this.nameKey);
    const key: EvidenceKey = { tenantKey: record.tenantKey, date: record.date, recordId };
    const blob = this.container.getBlobClient(evidenceBlobName(key, this.nameKey));
    const parsed = evidenceRecordSchema.safeParse({
      schemaVersion: EVIDENCE_SCHEMA_VERSION,
      tenantKey: record.tenantKey,
      recordId,
      date: record.date,
      recordedAt: recordedAt.toISOString(),
      outcome: record.outcome,
      ...(record.cause === undefined ? {} : { cause: record.cause }),
      note: record.note,
    });
    if (!parsed.success) {
      throw new ListingStoreError('invalid_write', 'the evidence record fails the schema', blob.name, parsed.error.issues.map((i) => i.path.join('.')));
    }
    if (await writeJsonBlob(blob, parsed.data, { ifNoneMatch: '*' })) return { ok: true, record: parsed.data, created: true };

    const existing = await this.get(key);
    // Written a moment ago by the same operation, then gone: only an erasure in between does that.
    if (existing === undefined) throw new ListingStoreError('protocol', 'evidence record vanished after a write conflict', blob.name);
    return { ok: true, record: existing, created: false };
  }

  async get(key: EvidenceKey): Promise<EvidenceRecord | undefined> {
    const blob = this.container.getBlobClient(evidenceBlobName(key, this.nameKey));
    const read = await readJsonBlob(blob);
    if (read === undefined) return undefined;
    const record = parseStored(evidenceRecordSchema, read.json, blob.name);
    if (record.tenantKey !== key.tenantKey || record.date !== key.date || record.recordId !== key.recordId) {
      throw new ListingStoreError('mismatch', 'evidence blob does not belong to the key it was read by', blob.name);
    }
    return record;
  }

  /** The tenant's evidence records of one day, oldest first. */
  async listForDate(tenantKey: string, date: string): Promise<EvidenceRecord[]> {
    const names = await listBlobNames(this.container, evidenceDatePrefix(tenantKey, date, this.nameKey));
    const records = await Promise.all(
      names.map(async (name) => {
        const read = await readJsonBlob(this.container.getBlobClient(name));
        return read === undefined ? undefined : parseStored(evidenceRecordSchema, read.json, name);
      }),
    );
    return records
      // Defence in depth: the prefix already selects the tenant; a foreign blob under it is skipped.
      .filter((r): r is EvidenceRecord => r !== undefined && r.tenantKey === tenantKey && r.date === date)
      .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.recordId.localeCompare(b.recordId));
  }

  /** Erases one record now (GDPR erasure request); false when there was none. */
  async delete(key: EvidenceKey): Promise<boolean> {
    return deleteBlob(this.container.getBlobClient(evidenceBlobName(key, this.nameKey)));
  }

  /** Erases the tenant's records of one day; returns how many were deleted. */
  async deleteForDate(tenantKey: string, date: string): Promise<number> {
    let deleted = 0;
    for (const name of await listBlobNames(this.container, evidenceDatePrefix(tenantKey, date, this.nameKey))) {
      if (await deleteBlob(this.container.getBlobClient(name))) deleted += 1;
    }
    return deleted;
  }

  /** Retention; same sweep as ListingStore.deleteOlderThan (listings and evidence alike). */
  async deleteOlderThan(cutoffDate: string): Promise<number> {
    return deleteBlobsOlderThan(this.container, cutoffDate);
  }
}
