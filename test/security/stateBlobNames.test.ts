import type { Storage } from 'botbuilder';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { describe, expect, inject, it } from 'vitest';
import { BoundedKeyStorage, boundedStateKey } from '../../src/state/boundedKeys.js';
import { createStateStorage } from '../../src/state/createStateStorage.js';
import { uniqueContainerName } from '../helpers/azurite.js';

/**
 * Issue 13, suspicion: state blob names were cut after URI-encoding (1,024 characters), so two
 * long conversation ids sharing their beginning shared one blob — one conversation read and
 * overwrote the other's state. Against Azurite, with both state clients.
 */
const shared = `19:${'é'.repeat(180)}@thread.tacv2;messageid=`; // 1,100+ characters once encoded
const keyOf = (suffix: string) => `msteams/conversations/${shared}${suffix}/`;

describe.each([
  ['the Shared Key client (createStateStorage)', () => createStateStorage(inject('azuriteConnectionString'), uniqueContainerName('state-names'))],
  [
    'BlobsStorage (SAS connection strings)',
    () => new BoundedKeyStorage(new BlobsStorage(inject('azuriteConnectionString'), uniqueContainerName('state-names-sdk'))),
  ],
])('%s', (_name, create: () => Storage) => {
  it('keeps two long conversation ids with the same beginning in two blobs', async () => {
    const storage = create();
    const [first, second] = [keyOf('1111'), keyOf('2222')];
    await storage.write({ [first]: { owner: 'first' } });
    await storage.write({ [second]: { owner: 'second' } });
    const read = await storage.read([first, second]);
    expect(read[first]).toMatchObject({ owner: 'first' });
    expect(read[second]).toMatchObject({ owner: 'second' });
    await storage.delete([first]);
    const after = await storage.read([first, second]);
    expect(after[first]).toBeUndefined();
    expect(after[second]).toMatchObject({ owner: 'second' });
  });

  it('keeps ordinary keys as they were (state written before is found)', async () => {
    const storage = create();
    const key = 'msteams/conversations/19:abc@thread.tacv2;messageid=1/';
    expect(boundedStateKey(key)).toBe(key);
    await storage.write({ [key]: { ok: true } });
    expect((await storage.read([key]))[key]).toMatchObject({ ok: true });
  });
});

describe('bounded state keys', () => {
  it('fit a blob name once encoded, and differ for different keys', () => {
    const a = boundedStateKey(keyOf('1'.repeat(400)));
    const b = boundedStateKey(keyOf('2'.repeat(400)));
    expect(encodeURIComponent(a).length).toBeLessThanOrEqual(1024);
    expect(a).not.toBe(b);
    expect(a.startsWith('msteams/conversations/19:')).toBe(true);
  });
});
