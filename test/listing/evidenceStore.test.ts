import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceBlobName, evidenceRecordId } from '../../src/listing/blobNames.js';
import { EvidenceStore, evidenceNoteSchema, type NewEvidenceRecord } from '../../src/listing/evidenceStore.js';
import { ListingStore, ListingStoreError } from '../../src/listing/listingStore.js';
import { LISTING_SCHEMA_VERSION } from '../../src/listing/model.js';
import { type TestAzurite, useAzurite } from '../helpers/azurite.js';

// Synthetic tenants and notes.
const NOW = new Date('2026-11-25T09:00:00Z');
const clock = () => NOW;
const DATE = '2026-11-25';
const TENANT_A = 'tenant-a-3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const TENANT_B = 'tenant-b-6fa459ea-ee8a-3ca4-894e-db77e160355e';
const NOTE = 'Proximus outage notice 08:12, screenshot kept by Vandenbroucke';

let azurite: TestAzurite;
let container: ContainerClient;
let store: EvidenceStore;

beforeAll(async () => {
  azurite = await useAzurite();
  const containerName = azurite.containerName('evidence');
  store = await EvidenceStore.create(azurite.connectionString, containerName, clock);
  container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(containerName);
});

afterAll(async () => {
  await container?.deleteIfExists();
  await azurite?.stop();
});

function verdict(overrides: Partial<NewEvidenceRecord> = {}): NewEvidenceRecord {
  return { tenantKey: TENANT_A, date: DATE, outcome: 'third_party', cause: 'network', note: NOTE, ...overrides };
}

describe('EvidenceStore', () => {
  it('records a verdict and lists it for its date', async () => {
    const result = await store.add(verdict({ date: '2026-11-01' }), 'activity-1');

    expect(result).toMatchObject({ ok: true, created: true });
    expect(await store.listForDate(TENANT_A, '2026-11-01')).toEqual([
      {
        schemaVersion: 1,
        tenantKey: TENANT_A,
        recordId: evidenceRecordId(TENANT_A, 'activity-1'),
        date: '2026-11-01',
        recordedAt: NOW.toISOString(),
        outcome: 'third_party',
        cause: 'network',
        note: NOTE,
      },
    ]);
  });

  it('writes once when the same activity is delivered twice, keeping the first verdict', async () => {
    const first = await store.add(verdict({ date: '2026-11-02' }), 'activity-2');
    const again = await store.add(verdict({ date: '2026-11-02', note: 'a different note' }), 'activity-2');

    expect(again).toEqual({ ok: true, record: first.record, created: false });
    expect(await store.listForDate(TENANT_A, '2026-11-02')).toHaveLength(1);
  });

  it('creates one record when the same activity is processed ten times at once', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => store.add(verdict({ date: '2026-11-03' }), 'activity-3')));

    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.record.recordId)).size).toBe(1);
    expect(await store.listForDate(TENANT_A, '2026-11-03')).toHaveLength(1);
  });

  it('keeps tenants apart even for the same activity id', async () => {
    const a = await store.add(verdict({ date: '2026-11-04' }), 'activity-4');
    const b = await store.add(verdict({ date: '2026-11-04', tenantKey: TENANT_B, outcome: 'registered' }), 'activity-4');

    expect(a.record.recordId).not.toBe(b.record.recordId);
    expect((await store.listForDate(TENANT_A, '2026-11-04')).map((r) => r.outcome)).toEqual(['third_party']);
    expect((await store.listForDate(TENANT_B, '2026-11-04')).map((r) => r.outcome)).toEqual(['registered']);
    expect(await store.get({ tenantKey: TENANT_B, date: '2026-11-04', recordId: a.record.recordId })).toBeUndefined();
  });

  it('puts a pasted multi-line note on one line', () => {
    expect(evidenceNoteSchema.parse('  outage\r\n\tsince 08:00  ')).toBe('outage since 08:00');
  });

  it.each([
    ['a control character', `${NOTE}\u0007`],
    ['a bidi override', `${NOTE}\u202E`],
    ['more than 500 characters', `${NOTE} ${'x'.repeat(500)}`],
  ])('refuses a note with %s, without quoting it', async (_label, note) => {
    const error = await store.add(verdict({ date: '2026-11-05', note }), 'activity-5').then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ListingStoreError);
    expect(error).toMatchObject({ code: 'invalid_write', issuePaths: ['note'] });
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain('Vandenbroucke');
    expect(await store.listForDate(TENANT_A, '2026-11-05')).toEqual([]);
  });

  it('refuses a stored record that fails the schema with a coded error', async () => {
    const key = { tenantKey: TENANT_A, date: '2026-11-06', recordId: evidenceRecordId(TENANT_A, 'activity-6') };
    const body = JSON.stringify({ schemaVersion: 1, tenantKey: TENANT_A, note: 'Vandenbroucke' });
    await container.getBlockBlobClient(evidenceBlobName(key)).upload(body, Buffer.byteLength(body));

    await expect(store.get(key)).rejects.toMatchObject({ code: 'corrupt' });
    await expect(store.listForDate(TENANT_A, '2026-11-06')).rejects.toMatchObject({ code: 'corrupt' });
  });

  it('erases one record, or a tenant’s records of a day', async () => {
    const one = await store.add(verdict({ date: '2026-11-07' }), 'activity-7a');
    await store.add(verdict({ date: '2026-11-07' }), 'activity-7b');
    await store.add(verdict({ date: '2026-11-07', tenantKey: TENANT_B }), 'activity-7c');
    const key = { tenantKey: TENANT_A, date: '2026-11-07', recordId: one.record.recordId };

    expect(await store.delete(key)).toBe(true);
    expect(await store.get(key)).toBeUndefined();
    expect(await store.delete(key)).toBe(false);
    expect(await store.deleteForDate(TENANT_A, '2026-11-07')).toBe(1);
    expect(await store.listForDate(TENANT_A, '2026-11-07')).toEqual([]);
    expect(await store.listForDate(TENANT_B, '2026-11-07')).toHaveLength(1);
  });

  it('is swept by retention together with the listings in the same container', async () => {
    const listings = new ListingStore(container, clock);
    const listingKey = { tenantKey: TENANT_A, declarationNumber: 'RETENTION1', date: '2025-03-01' };
    await listings.update(listingKey, 'op', () => ({
      schemaVersion: LISTING_SCHEMA_VERSION,
      ...listingKey,
      referenceNumber: 'REF-1',
      reportedAt: NOW.toISOString(),
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      workers: [],
      appliedOperations: [],
    }));
    await store.add(verdict({ date: '2025-03-01' }), 'activity-old');
    await store.add(verdict({ date: '2026-01-01' }), 'activity-kept');

    expect(await listings.deleteOlderThan('2026-01-01')).toBe(2);

    expect(await listings.get(listingKey)).toBeUndefined();
    expect(await store.listForDate(TENANT_A, '2025-03-01')).toEqual([]);
    expect(await store.listForDate(TENANT_A, '2026-01-01')).toHaveLength(1);
  });

  // Last: looks at every blob the tests above wrote.
  it('puts no tenant id, note or activity id in blob names', async () => {
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);

    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      expect(name).toMatch(/^(evidence|listings)\/[0-9a-f]{32}\/\d{4}-\d{2}-\d{2}\/[0-9a-f]{32}\.json$/);
      for (const value of [TENANT_A, TENANT_B, 'Vandenbroucke', 'activity', 'third_party']) expect(name).not.toContain(value);
    }
  });
});
