import type { StorageRetryOptions } from '@azure/storage-blob';
import { MemoryStorage, type Storage } from 'botbuilder';
import type { Clock } from '../clock.js';
import type { StorageConfig } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { EvidenceStore } from '../listing/evidenceStore.js';
import { ListingStore } from '../listing/listingStore.js';
import type { OutboxRetryPolicy } from '../listing/outbox.js';
import { ReminderStore } from '../reminders/reminderStore.js';
import { createStateStorage } from '../state/createStateStorage.js';
import { StateRetention } from '../state/stateRetention.js';
import type { Expirable } from '../listing/retention.js';
import { accountUrlOf, type BlobTarget, containerClientOf, toBlobTarget } from './blobTarget.js';
import { HangBreaker } from './storageTimeout.js';
import type { Journal } from './journal.js';
import { prepareWhenReachable } from './outageWatch.js';
import { ResilientStorage } from './resilientStorage.js';
import { AUTH_HINT, isStorageAuthError, isTransientStorageError, storageFailureFields } from './transientErrors.js';

export interface Stores {
  /**
   * Conversation and user state: a conversation continues at the same step after a restart,
   * and through a storage outage (resilientStorage.ts) when it is in blob storage.
   */
  readonly stateStorage: Storage;
  readonly listingStore: ListingStore;
  readonly evidenceStore: EvidenceStore;
  readonly reminderStore: ReminderStore;
  /** Deletes dialog state idle past the retention (undefined: state in memory). */
  readonly stateRetention?: Expirable;
  /** Shutdown: one last attempt at the state kept in memory, then no more background retries. */
  close(): Promise<void>;
  /** Around an outage (outageWatch.ts): one cheap request; state changes waiting; replay them now. */
  readonly outage: { probe(): Promise<unknown>; waiting(): number; replay(): Promise<void> };
}

export interface ConnectOptions {
  /** Called for every blob request of the stores (benchmark: blob requests per turn). */
  readonly onRequest?: () => void;
  readonly logger?: Logger;
  /** The SDK's own retries of each blob request; default BLOB_TRANSPORT_RETRY. */
  readonly transportRetry?: StorageRetryOptions;
  /** Background retries of the dialog state kept in memory during an outage. */
  readonly outageRetry?: Partial<OutboxRetryPolicy>;
  /** Makes dialog state kept during an outage durable (journal.ts). */
  readonly journal?: Journal | undefined;
}

/**
 * The SDK's default (4 tries, 4 s doubling, no per-try timeout) keeps a turn waiting 16 s or
 * more when storage is unreachable — past the channel's own timeout, so the user sees nothing
 * and the channel redelivers. Three quick tries still ride out a blip; a longer outage is
 * bridged in memory (outbox.ts, resilientStorage.ts) and the user is told so at once.
 */
export const BLOB_TRANSPORT_RETRY: StorageRetryOptions = {
  maxTries: 3,
  retryDelayInMs: 200,
  maxRetryDelayInMs: 1_000,
  // A listing blob is at most a few hundred KiB: 5 s per try is already very slow storage. The
  // SDK only passes this to the server; containerClientOf (blobTarget.ts) also ends a request
  // that gets no answer in that time, so storage that hangs cannot hold a turn.
  tryTimeoutInMs: 5_000,
};

/**
 * Connects every store to one Blob Storage account (Azure, or Azurite locally and in tests), by
 * connection string or with Microsoft Entra ID tokens (blobTarget.ts).
 */
export async function connectStores(target: BlobTarget | string, storage: StorageConfig, clock: Clock, options: ConnectOptions = {}): Promise<Stores> {
  const blobTarget = toBlobTarget(target);
  const logger = options.logger ?? createLogger('silent');
  const retryOptions = options.transportRetry ?? BLOB_TRANSPORT_RETRY;
  // One for every blob client: storage that left one request unanswered is not asked again by
  // the next call of the same turn (storageTimeout.ts).
  const breaker = new HangBreaker();
  const dataContainer = containerClientOf(blobTarget, storage.dataContainer, { retryOptions, onRequest: options.onRequest, breaker });
  // Storage may be down right now: the bot starts anyway (outageWatch.ts). Refused credentials at
  // start-up are a deployment mistake to name now, not a turn error later.
  const prepare = (name: string, run: () => Promise<unknown>) =>
    prepareWhenReachable(name, run, { logger, isTransient: (error) => isTransientStorageError(error) && !isStorageAuthError(error) }).catch((error: unknown) => {
      if (isStorageAuthError(error)) throw new StorageAccessError(accountUrlOf(blobTarget), error);
      throw error;
    });
  const preparing = [await prepare('data', () => dataContainer.createIfNotExists())];
  const storeOptions = { nameKey: storage.blobNameKey };
  const listingStore = new ListingStore(dataContainer, clock, storeOptions);
  const evidenceStore = new EvidenceStore(dataContainer, clock, storeOptions);
  const reminderStore = new ReminderStore(dataContainer);

  let stateStorage: Storage;
  let resilient: ResilientStorage | undefined;
  let stateRetention: Expirable | undefined;
  if (storage.stateStorage === 'memory') {
    stateStorage = new MemoryStorage();
  } else {
    const blobs = createStateStorage(blobTarget, storage.stateContainer, { retryOptions, breaker });
    // BlobsStorage (SAS connection strings) creates its container on first use and remembers
    // that promise, rejected included: a first use during an outage would break it until a
    // restart. Use it now; it also checks the account before the first turn.
    preparing.push(await prepare('state', () => blobs.read([])));
    if (storage.stateOutageBridge === 'off') {
      // Several instances: storage is the only copy (config.ts, stateOutageBridge) — neither
      // memory nor the local journal holds dialog state then; a turn without storage fails.
      stateStorage = blobs;
    } else {
      resilient = new ResilientStorage(blobs, { logger, journal: options.journal, ...(options.outageRetry ? { retry: options.outageRetry } : {}) });
      stateStorage = resilient;
    }
    stateRetention = new StateRetention(containerClientOf(blobTarget, storage.stateContainer, { retryOptions, breaker }));
  }

  return {
    stateStorage,
    listingStore,
    evidenceStore,
    reminderStore,
    ...(stateRetention ? { stateRetention } : {}),
    close: async () => {
      for (const task of preparing) task.stop();
      await resilient?.close();
    },
    outage: {
      probe: () => dataContainer.getProperties(),
      waiting: () => resilient?.pendingCount ?? 0,
      replay: async () => resilient?.flush(),
    },
  };
}

/** Start-up stopped: the account refused the credentials (wrong key, token audience, role, expiry). */
export class StorageAccessError extends Error {
  constructor(
    readonly accountUrl: string,
    cause: unknown,
  ) {
    const fields = storageFailureFields(cause);
    const detail = [fields.storageStatus, fields.storageErrorCode].filter((v) => v !== undefined).join(' ');
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    super(`Blob storage ${accountUrl} refused access${detail ? ` (${detail})` : ''}: ${reason}. ${AUTH_HINT}.`, { cause });
    this.name = 'StorageAccessError';
  }
}
