import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { BlobStateStorage, blobNameOf, sharedKeyAccountOf } from '../../src/state/blobStateStorage.js';
import { BoundedKeyStorage } from '../../src/state/boundedKeys.js';
import { createStateStorage } from '../../src/state/createStateStorage.js';
import { loadConfig } from '../../src/config.js';
import { connectStores } from '../../src/storage/connect.js';
import { ResilientStorage } from '../../src/storage/resilientStorage.js';
import { uniqueContainerName } from '../helpers/azurite.js';

function storage(): BlobStateStorage {
  const account = sharedKeyAccountOf(inject('azuriteConnectionString'));
  if (!account) throw new Error('the Azurite connection string has an account key');
  return new BlobStateStorage(account, uniqueContainerName('state-test'));
}

describe('BlobStateStorage (dialog state as blobs, Shared Key over plain HTTP)', () => {
  it('reads nothing for unknown keys, then reads back what it wrote with an eTag', async () => {
    const store = storage();
    expect(await store.read(['bench/conversations/a'])).toEqual({});
    await store.write({ 'bench/conversations/a': { dialogState: { step: 1 }, name: 'Zoë' } });
    const read = await store.read(['bench/conversations/a', 'missing']);
    expect(read['bench/conversations/a']).toMatchObject({ dialogState: { step: 1 }, name: 'Zoë', eTag: expect.stringMatching(/\S/) });
    expect(read.missing).toBeUndefined();
  });

  it('refuses a write based on stale state (If-Match) and keeps the newer one', async () => {
    const store = storage();
    await store.write({ k: { n: 1 } });
    const first = await store.read(['k']);
    await store.write({ k: { ...first.k, n: 2 } });
    await expect(store.write({ k: { ...first.k, n: 3 } })).rejects.toThrow(/eTag conflict/);
    expect((await store.read(['k'])).k).toMatchObject({ n: 2 });
  });

  it('lets exactly one of two writers with the same eTag win', async () => {
    const store = storage();
    await store.write({ race: { n: 0 } });
    const { race } = await store.read(['race']);
    const results = await Promise.allSettled([store.write({ race: { ...race, n: 1 } }), store.write({ race: { ...race, n: 2 } })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('writes unconditionally without an eTag or with "*", and deletes', async () => {
    const store = storage();
    await store.write({ w: { n: 1 } });
    await store.write({ w: { n: 2, eTag: '*' } });
    expect((await store.read(['w'])).w).toMatchObject({ n: 2 });
    await store.delete(['w', 'never-written']);
    expect(await store.read(['w'])).toEqual({});
  });

  it('handles keys with slashes, spaces and non-ASCII characters', async () => {
    const store = storage();
    const key = 'msteams/conversations/19:abc@thread.tacv2;messageid=1 ü';
    await store.write({ [key]: { ok: true } });
    expect((await store.read([key]))[key]).toMatchObject({ ok: true });
  });

  it('is what createStateStorage picks for a connection string with an account key', () => {
    const storage = createStateStorage(inject('azuriteConnectionString'), 'x');
    expect(storage).toBeInstanceOf(BoundedKeyStorage);
    expect((storage as BoundedKeyStorage).inner).toBeInstanceOf(BlobStateStorage);
    expect(sharedKeyAccountOf('BlobEndpoint=https://a.blob.core.windows.net/;SharedAccessSignature=sv=2020')).toBeUndefined();
    expect(sharedKeyAccountOf('DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net')?.endpoint.href).toBe(
      'https://acct.blob.core.windows.net/',
    );
  });
});

describe('dialog state with several instances (STATE_OUTAGE_BRIDGE=off)', () => {
  it('is read and written in storage only, with no copy in memory to answer from', async () => {
    const containers = { STORAGE_DATA_CONTAINER: uniqueContainerName('bridge-data'), STORAGE_STATE_CONTAINER: uniqueContainerName('bridge-state') };
    const off = await connectStores(inject('azuriteConnectionString'), loadConfig({ ...containers, STATE_OUTAGE_BRIDGE: 'off' }).storage, () => new Date());
    const bridged = await connectStores(inject('azuriteConnectionString'), loadConfig(containers).storage, () => new Date());
    expect(off.stateStorage).toBeInstanceOf(BlobStateStorage);
    expect(bridged.stateStorage).toBeInstanceOf(ResilientStorage);
    await Promise.all([off.close(), bridged.close()]);
  });
});

describe('blob names of state keys', () => {
  it.each([
    'fakechannel/conversations/conv-1/',
    'msteams/conversations/19:abc@thread.tacv2;messageid=1 ü/',
    'a//b///c',
  ])('are the ones BlobsStorage uses for %j', async (key) => {
    const { sanitizeBlobKey } = await import('botbuilder-azure-blobs/lib/sanitizeBlobKey.js');
    expect(blobNameOf(key)).toBe(sanitizeBlobKey(key));
  });

  it('finds state under a key with or without the trailing slash ConversationState adds', async () => {
    const store = storage();
    await store.write({ 'ch/conversations/c1/': { n: 1 } });
    expect((await store.read(['ch/conversations/c1']))['ch/conversations/c1']).toMatchObject({ n: 1 });
  });
});

describe('a pooled connection the storage server closed while idle', () => {
  /**
   * A blob endpoint that answers, keeps the connection open, and resets it when the next request
   * arrives on it: what a server whose keep-alive timeout fires just as the client reuses the
   * connection does (Azurite's is 5 s; on a loaded machine the client's own timer runs late).
   */
  async function serverThatResetsReusedConnections() {
    const served = new WeakSet<Socket>();
    const seen: string[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        if (served.has(req.socket)) {
          seen.push(`reset ${req.method}`);
          req.socket.resetAndDestroy();
          return;
        }
        served.add(req.socket);
        seen.push(`${req.method}`);
        res.writeHead(201, { etag: '"1"', 'keep-alive': 'timeout=60' });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const account = sharedKeyAccountOf(
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1`,
    );
    if (!account) throw new Error('no account');
    return { account, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it('sends the request again on a new connection, once, even a checked write', async () => {
    const server = await serverThatResetsReusedConnections();
    const store = new BlobStateStorage(server.account, 'stale-sockets');
    try {
      // The container is created on the first connection; the write reuses it and meets the reset.
      await store.write({ k: { n: 1, eTag: '"0"' } });
      expect(server.seen).toEqual(['PUT', 'reset PUT', 'PUT']);
    } finally {
      store.close();
      await server.close();
    }
  });
});
