import type { StorageRetryOptions } from '@azure/storage-blob';
import type { Storage } from 'botbuilder';
import { BearerTokenSource, type BlobTarget, toBlobTarget } from '../storage/blobTarget.js';
import { BlobStateStorage, sharedKeyAccountOf } from './blobStateStorage.js';
import { BoundedKeyStorage } from './boundedKeys.js';
import type { HangBreaker } from '../storage/storageTimeout.js';

/**
 * Dialog state in blob storage: the lean client (two plain HTTP requests a turn) signing with the
 * account key when the connection string has one (Azurite, most Azure set-ups) or with a cached
 * Entra ID bearer token (AZURE_STORAGE_ACCOUNT_URL); else botbuilder-azure-blobs' BlobsStorage,
 * which also understands SAS connection strings. Either way behind BoundedKeyStorage: a key too
 * long for a blob name never shares a blob with another.
 */
export function createStateStorage(
  target: BlobTarget | string,
  containerName: string,
  options: { retryOptions?: StorageRetryOptions; breaker?: HangBreaker | undefined } = {},
): Storage {
  const resolved = toBlobTarget(target);
  if (resolved.kind === 'entraId') {
    return new BoundedKeyStorage(new BlobStateStorage({ endpoint: new URL(`${resolved.accountUrl}/`), tokens: new BearerTokenSource(resolved.credential) }, containerName, options.breaker));
  }
  const account = sharedKeyAccountOf(resolved.connectionString);
  if (account) return new BoundedKeyStorage(new BlobStateStorage(account, containerName, options.breaker));
  // Loaded only here: it brings a second copy of the Azure SDK that the lean client never uses.
  const { BlobsStorage } = require('botbuilder-azure-blobs') as typeof import('botbuilder-azure-blobs');
  return new BoundedKeyStorage(
    new BlobsStorage(resolved.connectionString, containerName, options.retryOptions ? { storagePipelineOptions: { retryOptions: options.retryOptions } } : {}),
  );
}
