import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { ResilientStorage } from '../../src/storage/resilientStorage.js';
import { uniqueContainerName } from '../helpers/azurite.js';

/** What the SDK throws when nothing listens on the storage port. */
function unreachable(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:10000'), { name: 'RestError', code: 'ECONNREFUSED' });
}

/**
 * The real BlobsStorage on Azurite behind a switch: `isDown` makes it unreachable;
 * `landThenLose` writes for real and then throws, as when the answer was lost on the way back.
 */
class FaultyStorage implements Storage {
  isDown = false;
  landThenLose = 0;
  reads = 0;
  writes = 0;

  constructor(private readonly inner: Storage) {}

  async read(keys: string[]): Promise<StoreItems> {
    this.reads += 1;
    if (this.isDown) throw unreachable();
    return this.inner.read(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    this.writes += 1;
    if (this.isDown) throw unreachable();
    await this.inner.write(changes);
    if (this.landThenLose > 0) {
      this.landThenLose -= 1;
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (this.isDown) throw unreachable();
    await this.inner.delete(keys);
  }
}

/** One turn as BotState runs it: read, change the very object read (or a new one), write it. */
async function turn(storage: Storage, key: string, change: (state: Record<string, unknown>) => void): Promise<void> {
  const items = await storage.read([key]);
  const state: Record<string, unknown> = items[key] ?? {};
  change(state);
  state.eTag = '*';
  await storage.write({ [key]: state });
}

describe('dialog state through a storage outage', () => {
  let blobs: BlobsStorage;
  /** Another instance of the bot, on the same container, that storage never failed. */
  let other: BlobsStorage;

  beforeAll(async () => {
    const container = uniqueContainerName('resilient-state');
    blobs = new BlobsStorage(inject('azuriteConnectionString'), container);
    other = new BlobsStorage(inject('azuriteConnectionString'), container);
    await blobs.read([]);
  });

  const stored = async (key: string) => {
    const { eTag: _eTag, ...content } = (await other.read([key]))[key] ?? {};
    return content;
  };

  it('passes a turn straight through when storage answers: one read, one write', async () => {
    const faulty = new FaultyStorage(blobs);
    const storage = new ResilientStorage(faulty);
    const key = `conv-${randomUUID()}`;
    await turn(storage, key, (s) => (s.step = 1));
    expect([faulty.reads, faulty.writes]).toEqual([1, 1]);
    await turn(storage, key, (s) => (s.step = 2));
    expect([faulty.reads, faulty.writes]).toEqual([2, 2]);
    expect(await stored(key)).toEqual({ step: 2 });
  });

  it('answers from the last copy while storage is unreachable, and writes the turn when it is back', async () => {
    const faulty = new FaultyStorage(blobs);
    const storage = new ResilientStorage(faulty, { retry: { baseDelayMs: 20, maxDelayMs: 50 } });
    const key = `conv-${randomUUID()}`;
    await turn(storage, key, (s) => (s.step = 1));

    faulty.isDown = true;
    await turn(storage, key, (s) => {
      expect(s.step).toBe(1);
      s.step = 2;
    });
    // The next turn sees its own change, though storage has not got it yet.
    await turn(storage, key, (s) => {
      expect(s.step).toBe(2);
      s.step = 3;
    });
    expect(storage.pendingCount).toBe(1);
    expect(await stored(key)).toEqual({ step: 1 });

    faulty.isDown = false;
    await expect.poll(() => storage.pendingCount, { timeout: 5_000 }).toBe(0);
    expect(await stored(key)).toEqual({ step: 3 });
    await turn(storage, key, (s) => expect(s.step).toBe(3));
  });

  it('fails the turn when it has nothing to answer from: a real outage', async () => {
    const faulty = new FaultyStorage(blobs);
    const storage = new ResilientStorage(faulty);
    faulty.isDown = true;
    await expect(storage.read([`conv-${randomUUID()}`])).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('keeps a failed write of a fresh turn and writes it when storage is back', async () => {
    const faulty = new FaultyStorage(blobs);
    const storage = new ResilientStorage(faulty, { retry: { baseDelayMs: 20, maxDelayMs: 50 } });
    const key = `conv-${randomUUID()}`;
    await turn(storage, key, (s) => (s.step = 1));
    const items = await storage.read([key]);
    const state = items[key] ?? {};
    state.step = 2;
    faulty.isDown = true;
    await storage.write({ [key]: state });
    expect(storage.pendingCount).toBe(1);
    faulty.isDown = false;
    await expect.poll(() => storage.pendingCount, { timeout: 5_000 }).toBe(0);
    expect(await stored(key)).toEqual({ step: 2 });
  });

  it('never overwrites newer state another instance wrote meanwhile', async () => {
    const faulty = new FaultyStorage(blobs);
    const lines: string[] = [];
    const storage = new ResilientStorage(faulty, { logger: createLogger('warn', (line) => lines.push(line)), retry: { baseDelayMs: 20, maxDelayMs: 50 } });
    const key = `conv-${randomUUID()}`;
    await turn(storage, key, (s) => (s.step = 1));

    faulty.isDown = true;
    await turn(storage, key, (s) => (s.step = 2));
    // Storage came back for the other instance first, which served the next turn.
    await turn(other, key, (s) => {
      expect(s.step).toBe(1);
      s.step = 'newer, from the other instance';
    });

    faulty.isDown = false;
    await expect.poll(() => storage.pendingCount, { timeout: 5_000 }).toBe(0);
    expect(await stored(key)).toEqual({ step: 'newer, from the other instance' });
    expect(lines.some((line) => line.includes('"event":"state.pending_superseded"'))).toBe(true);
    // And this instance now reads what storage holds.
    await turn(storage, key, (s) => expect(s.step).toBe('newer, from the other instance'));
  });

  it('drops a turn derived from memory once storage turned out to hold newer state, even if it was read before', async () => {
    const faulty = new FaultyStorage(blobs);
    const storage = new ResilientStorage(faulty, { retry: { baseDelayMs: 10_000, maxDelayMs: 10_000 } });
    const key = `conv-${randomUUID()}`;
    await turn(storage, key, (s) => (s.step = 1));
    faulty.isDown = true;
    await turn(storage, key, (s) => (s.step = 2));
    // A turn reads the kept change while storage is still down…
    const items = await storage.read([key]);
    const state = items[key] ?? {};
    await turn(other, key, (s) => (s.step = 'newer'));
    faulty.isDown = false;
    await storage.flush();
    // …and writes after the kept change was found superseded: its state derives from the stale one.
    state.step = 3;
    await storage.write({ [key]: state });
    expect(await stored(key)).toEqual({ step: 'newer' });
  });

  it('recognises its own write that reached storage though the answer was lost', async () => {
    const faulty = new FaultyStorage(blobs);
    const storage = new ResilientStorage(faulty, { retry: { baseDelayMs: 10_000, maxDelayMs: 10_000 } });
    const key = `conv-${randomUUID()}`;
    faulty.landThenLose = 1;
    await turn(storage, key, (s) => (s.step = 1));
    expect(storage.pendingCount).toBe(1);
    expect(await stored(key)).toEqual({ step: 1 });
    // The next turn builds on it; storage holds "ours", so it is overwritten, not dropped.
    await turn(storage, key, (s) => {
      expect(s.step).toBe(1);
      s.step = 2;
    });
    expect(storage.pendingCount).toBe(0);
    expect(await stored(key)).toEqual({ step: 2 });
  });

  it('stops flushing on close and logs what it could not write', async () => {
    const faulty = new FaultyStorage(blobs);
    const lines: string[] = [];
    const storage = new ResilientStorage(faulty, { logger: createLogger('warn', (line) => lines.push(line)), retry: { baseDelayMs: 20, maxDelayMs: 20 } });
    const key = `conv-${randomUUID()}`;
    await turn(storage, key, (s) => (s.step = 1));
    faulty.isDown = true;
    await turn(storage, key, (s) => (s.step = 2));
    await storage.close();
    const attempts = faulty.reads + faulty.writes;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(faulty.reads + faulty.writes).toBe(attempts);
    expect(lines.some((line) => line.includes('"event":"state.unsaved_at_shutdown"'))).toBe(true);
  });
});
