import type { StorageRetryOptions } from '@azure/storage-blob';
import type { Storage } from 'botbuilder';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { BlobStateStorage, sharedKeyAccountOf } from './blobStateStorage.js';
import { BoundedKeyStorage } from './boundedKeys.js';

/**
 * Dialog state in blob storage: the lean Shared Key client when the connection string carries an
 * account key (Azurite, most Azure set-ups), else botbuilder-azure-blobs' BlobsStorage, which
 * also understands SAS connection strings. Either way behind BoundedKeyStorage: a key too long
 * for a blob name never shares a blob with another.
 */
export function createStateStorage(connectionString: string, containerName: string, options: { retryOptions?: StorageRetryOptions } = {}): Storage {
  const account = sharedKeyAccountOf(connectionString);
  if (account) return new BoundedKeyStorage(new BlobStateStorage(account, containerName));
  return new BoundedKeyStorage(
    new BlobsStorage(connectionString, containerName, options.retryOptions ? { storagePipelineOptions: { retryOptions: options.retryOptions } } : {}),
  );
}
