import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { openListing } from '../../src/listing/listingOps.js';
import { createContainerClient, ListingStore, ListingStoreError } from '../../src/listing/listingStore.js';
import type { ListingKey } from '../../src/listing/model.js';
import { type ListingChange, ListingOutbox } from '../../src/listing/outbox.js';
import { parseWorkerId, type WorkerId } from '../../src/identity/index.js';
import { uniqueContainerName } from '../helpers/azurite.js';
import { INSTANTS } from '../helpers/testBot.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

const NOW = INSTANTS.open.toISOString();
const RETRY = { baseDelayMs: 20, maxDelayMs: 80 };

/** What the SDK throws when nothing listens on the storage port. */
function unreachable(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:10000'), { name: 'RestError', code: 'ECONNREFUSED' });
}

function workerId(serial: number): WorkerId {
  const parsed = parseWorkerId(buildNationalNumber('850730', serial, 1900));
  if (!parsed.ok) throw new Error('test NISS is invalid');
  return parsed.value;
}

function addition(serial: number, surname: string): ListingChange {
  return { kind: 'addWorker', worker: { entryId: randomUUID(), workerId: workerId(serial), surname, firstName: 'Test' }, at: NOW };
}

/**
 * The real store on Azurite, behind a switch that makes it unreachable. `landThenLose` runs the
 * real update and then throws, as when the request reached storage but the answer was lost.
 */
function faultyStore(store: ListingStore) {
  const state = { isDown: false, landThenLose: 0, calls: 0 };
  return {
    state,
    update: async (...args: Parameters<ListingStore['update']>) => {
      state.calls += 1;
      if (state.isDown) throw unreachable();
      if (state.landThenLose > 0) {
        state.landThenLose -= 1;
        await store.update(...args);
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      return store.update(...args);
    },
  };
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the listing outbox', () => {
  let store: ListingStore;
  const clock = () => INSTANTS.open;

  beforeAll(async () => {
    const container = createContainerClient(inject('azuriteConnectionString'), uniqueContainerName('outbox'));
    await container.createIfNotExists();
    store = new ListingStore(container, clock);
  });

  async function openedListing(): Promise<ListingKey> {
    const key: ListingKey = { tenantKey: `test:user:${randomUUID()}`, declarationNumber: `OB${randomUUID().slice(0, 8).toUpperCase()}`, date: '2026-11-25' };
    const opened = await store.update(key, randomUUID(), openListing(key, { referenceNumber: 'REF-OUTBOX', reportedAt: NOW }, NOW));
    expect(opened.ok).toBe(true);
    return key;
  }

  it('saves at once when storage answers', async () => {
    const key = await openedListing();
    const outbox = new ListingOutbox(store, { retry: RETRY });
    const outcome = await outbox.submit(key, 'op-1', addition(1, 'Direct'));
    expect(outcome).toMatchObject({ status: 'saved', result: { ok: true, applied: true } });
    expect(outbox.size).toBe(0);
  });

  it('keeps a change while storage is unreachable and retries in the background until it is saved, once', async () => {
    const key = await openedListing();
    const faulty = faultyStore(store);
    const outbox = new ListingOutbox(faulty, { retry: RETRY });
    faulty.state.isDown = true;

    expect(await outbox.submit(key, 'op-1', addition(2, 'Kept'))).toEqual({ status: 'pending' });
    expect(outbox.pending(key)).toHaveLength(1);
    await until(() => faulty.state.calls >= 4);
    expect(outbox.size).toBe(1);

    faulty.state.isDown = false;
    await until(() => outbox.size === 0);
    const listing = await store.get(key);
    expect(listing?.workers.map((w) => w.surname)).toEqual(['Kept']);
    expect(listing?.appliedOperations.filter((id) => id === 'op-1')).toHaveLength(1);
    await outbox.close();
  });

  it('adds nothing twice when the failed attempt had in fact reached storage', async () => {
    const key = await openedListing();
    const faulty = faultyStore(store);
    const outbox = new ListingOutbox(faulty, { retry: RETRY });
    faulty.state.landThenLose = 1;

    expect(await outbox.submit(key, 'op-landed', addition(3, 'Landed'))).toEqual({ status: 'pending' });
    await until(() => outbox.size === 0);
    const listing = await store.get(key);
    expect(listing?.workers.map((w) => w.surname)).toEqual(['Landed']);
    expect(faulty.state.calls).toBe(2);
    await outbox.close();
  });

  it('keeps changes to one listing in order, shows them projected, and ignores a redelivered one', async () => {
    const key = await openedListing();
    const faulty = faultyStore(store);
    const outbox = new ListingOutbox(faulty, { retry: { baseDelayMs: 5_000, maxDelayMs: 5_000 } });
    faulty.state.isDown = true;

    const added = addition(4, 'Typo');
    const entryId = added.kind === 'addWorker' ? added.worker.entryId : '';
    expect(await outbox.submit(key, 'op-add', added)).toEqual({ status: 'pending' });
    expect(await outbox.submit(key, 'op-add', addition(4, 'Typo'))).toEqual({ status: 'pending' });
    const correction: ListingChange = { kind: 'replaceWorker', entryId, worker: { workerId: workerId(4), surname: 'Right', firstName: 'Test' }, at: NOW };
    expect(await outbox.submit(key, 'op-correct', correction)).toEqual({ status: 'pending' });
    expect(outbox.pending(key).map((c) => c.kind)).toEqual(['addWorker', 'replaceWorker']);
    expect(outbox.project(key, await store.get(key))?.workers.map((w) => w.surname)).toEqual(['Right']);

    // The correction could not overtake the addition: it waits behind it, and both land in order.
    faulty.state.isDown = false;
    const third = await outbox.submit(key, 'op-third', addition(5, 'Third'));
    expect(third).toMatchObject({ status: 'saved', result: { ok: true } });
    expect(outbox.size).toBe(0);
    expect((await store.get(key))?.workers.map((w) => w.surname)).toEqual(['Right', 'Third']);
    await outbox.close();
  });

  it('stops retrying on shutdown and logs what it could not save', async () => {
    const key = await openedListing();
    const faulty = faultyStore(store);
    const lines: string[] = [];
    const outbox = new ListingOutbox(faulty, { retry: RETRY, logger: createLogger('warn', (line) => lines.push(line)) });
    faulty.state.isDown = true;

    await outbox.submit(key, 'op-1', addition(6, 'Lost'));
    await until(() => faulty.state.calls >= 3);
    await outbox.close();
    const callsAtClose = faulty.state.calls;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(faulty.state.calls).toBe(callsAtClose);
    expect(lines.some((line) => line.includes('"event":"listing.outbox_unsaved_at_shutdown"') && line.includes('"changes":1'))).toBe(true);
    // Logs carry kinds and codes, never the worker.
    expect(lines.join('\n')).not.toContain('Lost');
  });

  it('does not keep a change retrying cannot fix: the error reaches the turn', async () => {
    const key = await openedListing();
    const broken = { update: async () => Promise.reject(new ListingStoreError('corrupt', 'blob fails schema validation')) };
    const outbox = new ListingOutbox(broken, { retry: RETRY });
    await expect(outbox.submit(key, 'op-1', addition(7, 'Never'))).rejects.toThrow(ListingStoreError);
    expect(outbox.size).toBe(0);
  });
});
