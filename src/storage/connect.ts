import { MemoryStorage, type Storage } from 'botbuilder';
import type { Clock } from '../clock.js';
import type { StorageConfig } from '../config.js';
import { EvidenceStore } from '../listing/evidenceStore.js';
import { createContainerClient, ListingStore } from '../listing/listingStore.js';
import { ReminderStore } from '../reminders/reminderStore.js';
import { createStateStorage } from '../state/createStateStorage.js';

export interface Stores {
  /** Conversation and user state: a conversation continues at the same step after a restart. */
  readonly stateStorage: Storage;
  readonly listingStore: ListingStore;
  readonly evidenceStore: EvidenceStore;
  readonly reminderStore: ReminderStore;
}

export interface ConnectOptions {
  /** Called for every blob request of the stores (benchmark: blob requests per turn). */
  readonly onRequest?: () => void;
}

/** Connects every store to one Blob Storage account (Azure, or Azurite locally and in tests). */
export async function connectStores(connectionString: string, storage: StorageConfig, clock: Clock, options: ConnectOptions = {}): Promise<Stores> {
  const storeOptions = { nameKey: storage.blobNameKey, ...(options.onRequest ? { onRequest: options.onRequest } : {}) };
  const [listingStore, evidenceStore] = await Promise.all([
    ListingStore.create(connectionString, storage.dataContainer, clock, storeOptions),
    EvidenceStore.create(connectionString, storage.dataContainer, clock, storeOptions),
  ]);
  const stateStorage = storage.stateStorage === 'memory' ? new MemoryStorage() : createStateStorage(connectionString, storage.stateContainer);
  const reminderStore = new ReminderStore(createContainerClient(connectionString, storage.dataContainer, options));
  return { stateStorage, listingStore, evidenceStore, reminderStore };
}
