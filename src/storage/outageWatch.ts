import { createLogger, errorFields, type Logger } from '../logger.js';
import { isTransientStorageError } from './transientErrors.js';

/**
 * Start-up and recovery around a blob-storage outage:
 *
 * - `prepareWhenReachable`: the one-off set-up of a store (creating its container) is tried at
 *   start-up; when storage cannot be reached, the bot starts anyway — it answers, tells people
 *   storage is unavailable and keeps what they enter (outbox.ts, journal.ts) — and the set-up is
 *   retried in the background until it succeeds. Any other failure (a wrong key) still stops
 *   start-up: retrying cannot fix it.
 * - `watchStorageReturn`: while anything waits for storage, one cheap request every couple of
 *   seconds tells when it is back, and everything waiting is replayed at once — rather than at
 *   the outboxes' next back-off, which grows to 30 s so that thousands of kept changes do not
 *   hammer a struggling service.
 */

export interface Stoppable {
  stop(): void;
}

const PREPARE_RETRY_MS = 2_000;
const WATCH_INTERVAL_MS = 2_000;

export async function prepareWhenReachable(
  name: string,
  prepare: () => Promise<unknown>,
  options: { readonly logger?: Logger; readonly retryMs?: number; readonly isTransient?: (error: unknown) => boolean } = {},
): Promise<Stoppable> {
  const logger = options.logger ?? createLogger('silent');
  const isTransient = options.isTransient ?? isTransientStorageError;
  try {
    await prepare();
    return { stop: () => undefined };
  } catch (error) {
    if (!isTransient(error)) throw error;
    logger.warn('storage.unreachable_at_start', { store: name, ...errorFields(error) });
  }
  let timer: NodeJS.Timeout | undefined;
  let isStopped = false;
  const attempt = () => {
    timer = setTimeout(() => {
      prepare().then(
        () => logger.info('storage.prepared_after_outage', { store: name }),
        (error: unknown) => {
          if (!isStopped) attempt();
          if (!isTransient(error)) logger.error('storage.prepare_failed', { store: name, ...errorFields(error) });
        },
      );
    }, options.retryMs ?? PREPARE_RETRY_MS);
    timer.unref();
  };
  attempt();
  return {
    stop: () => {
      isStopped = true;
      clearTimeout(timer);
    },
  };
}

export interface StorageReturnWatch {
  /** One cheap request to storage; rejects while it is unreachable. */
  readonly probe: () => Promise<unknown>;
  /** How much waits for storage (outboxes, dialog state). */
  readonly waiting: () => number;
  /** Replays what waits, now. Never rejects. */
  readonly replay: () => Promise<void>;
  readonly logger?: Logger;
  readonly intervalMs?: number;
}

export function watchStorageReturn(watch: StorageReturnWatch): Stoppable {
  const logger = watch.logger ?? createLogger('silent');
  let isBusy = false;
  let wasUnreachable = true;
  const check = async () => {
    if (isBusy || watch.waiting() === 0) return;
    isBusy = true;
    try {
      await watch.probe();
      if (wasUnreachable) logger.info('storage.back', { waiting: watch.waiting() });
      wasUnreachable = false;
      await watch.replay();
    } catch {
      // Still unreachable: the next check tries again.
      wasUnreachable = true;
    } finally {
      isBusy = false;
    }
  };
  const timer = setInterval(() => void check(), watch.intervalMs ?? WATCH_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
