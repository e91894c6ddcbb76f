import {
  BlobServiceClient,
  type ContainerClient,
  newPipeline,
  ContainerClient as SdkContainerClient,
  type RequestPolicy,
  type RequestPolicyFactory,
} from '@azure/storage-blob';
import { entryIdFor } from '../../src/listing/listingOps.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listingBlobName } from '../../src/listing/blobNames.js';
import { createContainerClient, ListingStore, ListingStoreError } from '../../src/listing/listingStore.js';
import { type Listing, type ListingKey, LISTING_SCHEMA_VERSION, MAX_REMEMBERED_OPERATIONS, type WorkerEntry } from '../../src/listing/model.js';
import { type TestAzurite, useAzurite } from '../helpers/azurite.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

// Everything below is synthetic: numbers from the test builder, names and tenants made up.
const NOW = new Date('2026-11-25T09:00:00Z');
const clock = () => NOW;
const DATE = '2026-11-25';
const TENANT_A = 'tenant-a-3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const TENANT_B = 'tenant-b-6fa459ea-ee8a-3ca4-894e-db77e160355e';
const SURNAMES = ['Vandenbroucke', 'Peeters', 'Janssens', 'Maes', 'Willems'] as const;

let azurite: TestAzurite;
let containerName: string;
/** Plain SDK access to the same container: for writing around the store and for cleanup. */
let container: ContainerClient;
let store: ListingStore;
/** Every NISS, name, declaration number and tenant used, to prove none ends up in a blob name. */
const personalData = new Set<string>();

beforeAll(async () => {
  azurite = await useAzurite();
  containerName = azurite.containerName('listings');
  store = await ListingStore.create(azurite.connectionString, containerName, clock);
  container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(containerName);
});

afterAll(async () => {
  await container?.deleteIfExists();
  await azurite?.stop();
});

let keyCounter = 0;
/** A fresh declaration number per test, so tests sharing the container do not meet. */
function freshKey(tenantKey = TENANT_A, date = DATE): ListingKey {
  keyCounter += 1;
  const declarationNumber = `DECL${String(keyCounter).padStart(9, '0')}`;
  personalData.add(declarationNumber).add(tenantKey);
  return { tenantKey, declarationNumber, date };
}

function worker(counter: number): WorkerEntry {
  const digits = buildNationalNumber('850730', counter, 1900);
  const surname = SURNAMES[counter % SURNAMES.length] ?? 'Peeters';
  const firstName = `Jan${String.fromCharCode(97 + (counter % 26))}`;
  personalData.add(digits).add(surname).add(firstName);
  return { entryId: `entry-${counter}`, workerId: { kind: 'niss', digits }, surname, firstName, addedAt: NOW.toISOString() };
}

function newListing(key: ListingKey): Listing {
  return {
    schemaVersion: LISTING_SCHEMA_VERSION,
    tenantKey: key.tenantKey,
    declarationNumber: key.declarationNumber,
    date: key.date,
    referenceNumber: 'REF-2026-0001',
    reportedAt: NOW.toISOString(),
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    workers: [],
    appliedOperations: [],
  };
}

/** The mutate a dialog would pass: create the listing if needed, then append the worker. */
function addWorker(key: ListingKey, entry: WorkerEntry) {
  return (current: Listing | undefined): Listing => {
    const base = current ?? newListing(key);
    return { ...base, workers: [...base.workers, entry] };
  };
}

/** A client on the same container whose pipeline runs `beforeSend` before each request. */
function interceptedContainer(beforeSend: (method: string, url: string, ifMatch: string | undefined) => Promise<void>): ContainerClient {
  const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  const pipeline = newPipeline(service.credential);
  const interceptor: RequestPolicyFactory = {
    create: (next: RequestPolicy): RequestPolicy => ({
      sendRequest: async (request) => {
        await beforeSend(request.method, request.url, request.headers.get('If-Match'));
        return next.sendRequest(request);
      },
    }),
  };
  pipeline.factories.unshift(interceptor);
  return new SdkContainerClient(service.getContainerClient(containerName).url, pipeline);
}

/** Another writer, outside the store: reads the listing and appends a worker, unconditionally. */
async function writeBehindTheStoresBack(key: ListingKey, entry: WorkerEntry): Promise<void> {
  const current = await store.get(key);
  if (current === undefined) throw new Error('test setup: listing expected');
  const body = JSON.stringify({ ...current, workers: [...current.workers, entry] });
  await container.getBlockBlobClient(listingBlobName(key)).upload(body, Buffer.byteLength(body));
}

describe('ListingStore', () => {
  it('stores a listing and reads it back', async () => {
    const key = freshKey();
    const result = await store.update(key, 'op-create', addWorker(key, worker(1)));

    expect(result).toMatchObject({ ok: true, applied: true });
    const read = await store.get(key);
    expect(read?.workers.map((w) => w.workerId)).toEqual([{ kind: 'niss', digits: buildNationalNumber('850730', 1, 1900) }]);
    expect(read?.appliedOperations).toEqual(['op-create']);
    expect(read?.updatedAt).toBe(NOW.toISOString());
    const properties = await container.getBlobClient(listingBlobName(key)).getProperties();
    expect(properties.contentType).toBe('application/json');
  });

  it('reads a listing that does not exist as undefined', async () => {
    expect(await store.get(freshKey())).toBeUndefined();
  });

  it('finds a listing whatever the separators and case of the declaration number', async () => {
    const key = freshKey();
    await store.update(key, 'op-1', addWorker(key, worker(2)));

    const typedDifferently = { ...key, declarationNumber: key.declarationNumber.toLowerCase().replace(/(\d{3})/, '$1-') };
    expect((await store.get(typedDifferently))?.declarationNumber).toBe(key.declarationNumber);
  });

  it.each([
    ['not JSON', '{"schemaVersion": 1, "surname": "Vandenbroucke"'],
    ['JSON that fails the schema', JSON.stringify({ schemaVersion: 1, workers: [{ surname: 'Vandenbroucke' }] })],
  ])('refuses a stored blob that is %s with a coded error that does not quote it', async (_label, content) => {
    const key = freshKey();
    await container.getBlockBlobClient(listingBlobName(key)).upload(content, Buffer.byteLength(content));

    const error = await store.get(key).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ListingStoreError);
    expect(error).toMatchObject({ code: 'corrupt', blobName: listingBlobName(key) });
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain('Vandenbroucke');
    await expect(store.update(key, 'op-x', addWorker(key, worker(3)))).rejects.toMatchObject({ code: 'corrupt' });
  });

  it('refuses a stored listing whose NISS fails its check digits', async () => {
    const key = freshKey();
    const listing = { ...newListing(key), workers: [{ ...worker(4), workerId: { kind: 'niss', digits: '85073000400' } }] };
    const body = JSON.stringify(listing);
    await container.getBlockBlobClient(listingBlobName(key)).upload(body, Buffer.byteLength(body));

    await expect(store.get(key)).rejects.toMatchObject({ code: 'corrupt', issuePaths: ['workers.0.workerId.digits'] });
  });

  it('keeps all 50 workers added by 50 concurrent updates', async () => {
    const key = freshKey();
    const counters = Array.from({ length: 50 }, (_, i) => i + 10);

    // 50 writers on one blob is far beyond real use; measured, the unluckiest needs about 9 of the
    // default 20 attempts. A larger budget keeps this test about "no update lost", not about
    // timing on a loaded machine.
    const patient = new ListingStore(createContainerClient(azurite.connectionString, containerName), clock, { retry: { maxAttempts: 60 } });

    const results = await Promise.all(counters.map((c) => patient.update(key, `op-concurrent-${c}`, addWorker(key, worker(c)))));

    expect(results.every((r) => r.ok && r.applied)).toBe(true);
    const stored = await store.get(key);
    expect(stored?.workers.map((w) => w.entryId).sort()).toEqual(counters.map((c) => `entry-${c}`).sort());
    expect(stored?.appliedOperations).toHaveLength(50);
  });

  it('retries on a stale ETag so that a concurrent writer and the update both survive', async () => {
    const key = freshKey();
    await store.update(key, 'op-first', addWorker(key, worker(70)));
    let hasSneakedIn = false;
    // Just before the store's conditional write, someone else writes: the store's ETag is stale.
    const intercepted = interceptedContainer(async (method, url, ifMatch) => {
      if (hasSneakedIn || method !== 'PUT' || ifMatch === undefined || !url.includes(listingBlobName(key))) return;
      hasSneakedIn = true;
      await writeBehindTheStoresBack(key, worker(71));
    });
    let mutateCalls = 0;
    const mutate = addWorker(key, worker(72));

    const result = await new ListingStore(intercepted, clock).update(key, 'op-second', (current) => {
      mutateCalls += 1;
      return mutate(current);
    });

    expect(result).toMatchObject({ ok: true, applied: true });
    expect(hasSneakedIn).toBe(true);
    expect(mutateCalls).toBe(2);
    expect((await store.get(key))?.workers.map((w) => w.entryId)).toEqual(['entry-70', 'entry-71', 'entry-72']);
  });

  it('gives up with a conflict when every attempt loses the race, without overwriting', async () => {
    const key = freshKey();
    await store.update(key, 'op-first', addWorker(key, worker(80)));
    let sneakCount = 0;
    const intercepted = interceptedContainer(async (method, url, ifMatch) => {
      if (method !== 'PUT' || ifMatch === undefined || !url.includes(listingBlobName(key))) return;
      sneakCount += 1;
      await writeBehindTheStoresBack(key, worker(80 + sneakCount));
    });
    const impatient = new ListingStore(intercepted, clock, { retry: { maxAttempts: 3, baseDelayMs: 1 } });

    const result = await impatient.update(key, 'op-loser', addWorker(key, worker(90)));

    expect(result).toEqual({ ok: false, error: 'conflict' });
    const stored = await store.get(key);
    expect(stored?.workers.map((w) => w.entryId)).toEqual(['entry-80', 'entry-81', 'entry-82', 'entry-83']);
    expect(stored?.appliedOperations).not.toContain('op-loser');
  });

  it('applies the same operation id once', async () => {
    const key = freshKey();
    let mutateCalls = 0;
    const mutate = (current: Listing | undefined) => {
      mutateCalls += 1;
      return addWorker(key, worker(100))(current);
    };

    const first = await store.update(key, 'activity-1', mutate);
    const again = await store.update(key, 'activity-1', mutate);

    expect(first).toMatchObject({ ok: true, applied: true });
    expect(again).toMatchObject({ ok: true, applied: false });
    expect(mutateCalls).toBe(1);
    expect((await store.get(key))?.workers).toHaveLength(1);
  });

  it('adds a crew in one checked write, never overwrites a worker already there, and adds nothing twice on redelivery', async () => {
    const key = freshKey();
    await store.update(key, 'op-open', addWorker(key, worker(200)));
    const slip = { ...worker(200), entryId: entryIdFor('op-crew', 0), surname: 'Someone', firstName: 'Else' };
    const crew = [slip, ...[201, 202, 203].map((c, i) => ({ ...worker(c), entryId: entryIdFor('op-crew', i + 1) }))];
    const first = await store.addWorkers(key, 'op-crew', crew, NOW.toISOString());
    expect(first).toMatchObject({ ok: true, applied: true });
    expect(first.ok && [...first.added]).toEqual(crew.slice(1).map((w) => w.entryId));
    const again = await store.addWorkers(key, 'op-crew', crew, NOW.toISOString());
    expect(again).toMatchObject({ ok: true, applied: false });
    // The redelivery reports the same workers as added: the entry ids come from the operation id.
    expect(again.ok && [...again.added]).toEqual(crew.slice(1).map((w) => w.entryId));
    const stored = await store.get(key);
    expect(stored?.workers).toHaveLength(4);
    expect(stored?.workers[0]).toMatchObject({ surname: worker(200).surname, firstName: worker(200).firstName });
  });

  it('remembers only the most recent operation ids', async () => {
    const key = freshKey();
    const full = Array.from({ length: MAX_REMEMBERED_OPERATIONS }, (_, i) => `old-${i}`);
    const body = JSON.stringify({ ...newListing(key), workers: [worker(110)], appliedOperations: full });
    await container.getBlockBlobClient(listingBlobName(key)).upload(body, Buffer.byteLength(body));

    await store.update(key, 'op-new', addWorker(key, worker(111)));

    const stored = await store.get(key);
    expect(stored?.appliedOperations).toHaveLength(MAX_REMEMBERED_OPERATIONS);
    expect(stored?.appliedOperations.at(-1)).toBe('op-new');
    expect(stored?.appliedOperations[0]).toBe('old-1');
  });

  it('writes nothing when mutate has nothing to change', async () => {
    const key = freshKey();
    expect(await store.update(key, 'op-1', () => undefined)).toEqual({ ok: false, error: 'not_found' });

    await store.update(key, 'op-2', addWorker(key, worker(120)));
    const etag = (await container.getBlobClient(listingBlobName(key)).getProperties()).etag;
    expect(await store.update(key, 'op-3', () => undefined)).toMatchObject({ ok: true, applied: false });
    expect((await container.getBlobClient(listingBlobName(key)).getProperties()).etag).toBe(etag);
  });

  it('refuses a mutate that moves the listing to another tenant', async () => {
    const key = freshKey();
    await expect(
      store.update(key, 'op-1', (current) => ({ ...addWorker(key, worker(130))(current), tenantKey: TENANT_B })),
    ).rejects.toMatchObject({ code: 'invalid_write' });
    expect(await store.get(key)).toBeUndefined();
  });

  it('does not let tenant B read tenant A’s listing with the same declaration number and date', async () => {
    const keyA = freshKey(TENANT_A, '2026-11-26');
    const keyB: ListingKey = { ...keyA, tenantKey: TENANT_B };
    personalData.add(TENANT_B);
    await store.update(keyA, 'op-a', addWorker(keyA, worker(140)));

    expect(await store.get(keyB)).toBeUndefined();
    expect(await store.listForDate(TENANT_B, '2026-11-26')).toEqual([]);
    expect(await store.listDates(TENANT_B)).toEqual([]);
    expect((await store.listForDate(TENANT_A, '2026-11-26')).map((l) => l.declarationNumber)).toEqual([keyA.declarationNumber]);
  });

  it('lists a tenant’s dates and the listings of one date', async () => {
    const tenant = 'tenant-c-listing-dates';
    const first = freshKey(tenant, '2026-11-20');
    const second = freshKey(tenant, '2026-11-21');
    const third = freshKey(tenant, '2026-11-21');
    for (const key of [first, second, third]) await store.update(key, 'op', addWorker(key, worker(150)));

    expect(await store.listDates(tenant)).toEqual(['2026-11-20', '2026-11-21']);
    expect((await store.listForDate(tenant, '2026-11-21')).map((l) => l.declarationNumber)).toEqual([
      second.declarationNumber,
      third.declarationNumber,
    ]);
  });

  it('erases a listing on request', async () => {
    const key = freshKey();
    await store.update(key, 'op', addWorker(key, worker(160)));

    expect(await store.delete(key)).toBe(true);
    expect(await store.get(key)).toBeUndefined();
    expect(await store.delete(key)).toBe(false);
  });

  it('deletes the listings dated before the retention cutoff, and only those', async () => {
    const tenant = 'tenant-d-retention';
    const expired = [freshKey(tenant, '2025-06-30'), freshKey(TENANT_B, '2025-12-31')];
    const kept = freshKey(tenant, '2026-01-01');
    for (const key of [...expired, kept]) await store.update(key, 'op', addWorker(key, worker(170)));

    expect(await store.deleteOlderThan('2026-01-01')).toBe(2);

    for (const key of expired) expect(await store.get(key)).toBeUndefined();
    expect(await store.get(kept)).toBeDefined();
    expect(await store.listDates(tenant)).toEqual(['2026-01-01']);
  });

  it('sends one read and one write per update', async () => {
    let requests = 0;
    const counted = await ListingStore.create(azurite.connectionString, containerName, clock, { onRequest: () => (requests += 1) });
    const key = freshKey();
    requests = 0;

    await counted.update(key, 'op-create', addWorker(key, worker(180)));
    const forCreate = requests;
    requests = 0;
    await counted.update(key, 'op-add', addWorker(key, worker(181)));
    const forAdd = requests;
    requests = 0;
    await counted.update(key, 'op-add', addWorker(key, worker(181)));
    const forRedelivery = requests;

    expect({ forCreate, forAdd, forRedelivery }).toEqual({ forCreate: 2, forAdd: 2, forRedelivery: 1 });
  });

  // Last: looks at every blob the tests above wrote.
  it('puts no NISS, name, declaration number or tenant id in blob names', async () => {
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);

    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      expect(name).toMatch(/^listings\/[0-9a-f]{32}\/\d{4}-\d{2}-\d{2}\/[0-9a-f]{32}\.json$/);
      for (const value of personalData) expect(name.toLowerCase()).not.toContain(value.toLowerCase());
    }
  });
});
