import type { Storage, StoreItems } from 'botbuilder';
import { describe, expect, inject, it } from 'vitest';
import { BlobStateStorage, sharedKeyAccountOf } from '../../src/state/blobStateStorage.js';
import { ResilientStorage } from '../../src/storage/resilientStorage.js';
import { uniqueContainerName } from '../helpers/azurite.js';

/** One instance's way to the shared state container, which can be cut (as a network fault would). */
class CutOff implements Storage {
  isCut = false;
  constructor(private readonly inner: Storage) {}
  private check(): void {
    if (this.isCut) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  }
  async read(keys: string[]): Promise<StoreItems> {
    this.check();
    return this.inner.read(keys);
  }
  async write(changes: StoreItems): Promise<void> {
    this.check();
    return this.inner.write(changes);
  }
  async delete(keys: string[]): Promise<void> {
    this.check();
    return this.inner.delete(keys);
  }
}

/**
 * Why STATE_OUTAGE_BRIDGE=off with several instances: instance A's last copy of a conversation
 * knows nothing of the turns instance B has taken since. Bridged in memory, A answers from it —
 * the conversation steps back; without the bridge, A's turn fails and apologises, and the next
 * message continues from storage.
 */
describe('dialog state of one conversation served by two instances', () => {
  const container = uniqueContainerName('two-instances');
  const blobs = () => {
    const account = sharedKeyAccountOf(inject('azuriteConnectionString'));
    if (!account) throw new Error('the Azurite connection string has an account key');
    return new BlobStateStorage(account, container);
  };
  const key = 'msteams/conversations/two-instances/';

  async function aTurnOnATurnOnBThenACutOff(a: Storage, aLink: CutOff, b: Storage) {
    await a.write({ [key]: { step: 'reference', eTag: '*' } });
    const read = await b.read([key]);
    await b.write({ [key]: { ...read[key], step: 'declaration', eTag: '*' } });
    aLink.isCut = true;
    return a.read([key]);
  }

  it('bridged in memory (one instance only): A answers from its own, older copy', async () => {
    const aLink = new CutOff(blobs());
    const a = new ResilientStorage(aLink);
    const b = new ResilientStorage(blobs());
    await a.read([key]);
    expect((await aTurnOnATurnOnBThenACutOff(a, aLink, b))[key]).toMatchObject({ step: 'reference' });
    await Promise.all([a.close(), b.close()]);
  });

  it('not bridged (STATE_OUTAGE_BRIDGE=off): A fails the turn rather than step back', async () => {
    const aLink = new CutOff(blobs());
    await expect(aTurnOnATurnOnBThenACutOff(aLink, aLink, blobs())).rejects.toThrow(/ECONNREFUSED/);
    aLink.isCut = false;
    expect((await aLink.read([key]))[key]).toMatchObject({ step: 'declaration' });
  });
});
