import type { StorageRetryOptions } from '@azure/storage-blob';
import type { Storage } from 'botbuilder';
import { BlobStateStorage, sharedKeyAccountOf } from './blobStateStorage.js';

/**
 * Dialog state in blob storage: the lean Shared Key client when the connection string carries an
 * account key (Azurite, most Azure set-ups), else botbuilder-azure-blobs' BlobsStorage, which
 * also understands SAS connection strings.
 */
export function createStateStorage(connectionString: string, containerName: string, options: { retryOptions?: StorageRetryOptions } = {}): Storage {
  const account = sharedKeyAccountOf(connectionString);
  if (account) return new BlobStateStorage(account, containerName);
  // Loaded only here: it brings a second copy of the Azure SDK that the Shared Key path never uses.
  const { BlobsStorage } = require('botbuilder-azure-blobs') as typeof import('botbuilder-azure-blobs');
  return new BlobsStorage(connectionString, containerName, options.retryOptions ? { storagePipelineOptions: { retryOptions: options.retryOptions } } : {});
}
