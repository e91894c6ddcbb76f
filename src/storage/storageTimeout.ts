/**
 * Storage that hangs — accepts the connection, then says nothing (a saturated service, dropped
 * packets, a stuck load balancer) — costs each request its whole timeout. Refused connections fail
 * in milliseconds and need none of this; a hang would cost every storage call of every turn 5 s.
 */

/** A blob request that got no answer in time: storage is treated as unreachable (transientErrors.ts). */
export class StorageTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';

  constructor(
    readonly timeoutMs: number,
    /** Failed at once: another request timed out moments ago (HangBreaker). */
    readonly isFastFail = false,
  ) {
    super(isFastFail ? 'blob storage left a request unanswered moments ago' : `blob storage did not answer within ${timeoutMs} ms`);
    this.name = 'StorageTimeoutError';
  }
}

/**
 * Shared by every blob client of the process: once a request has gone unanswered, the requests
 * of the next `coolDownMs` fail at once as timeouts rather than each waiting the full time — a
 * turn then pays for one wait, not one per storage call (state read, listing change, state
 * write). After the cool-down one request is let through again; what failed meanwhile was kept
 * and is retried in the background (outbox.ts, resilientStorage.ts), as in any outage.
 */
export class HangBreaker {
  private openUntil = 0;

  constructor(
    readonly coolDownMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get isOpen(): boolean {
    return this.now() < this.openUntil;
  }

  /** Throws a StorageTimeoutError while open. */
  check(timeoutMs: number): void {
    if (this.isOpen) throw new StorageTimeoutError(timeoutMs, true);
  }

  /** A request went unanswered. */
  trip(): void {
    this.openUntil = this.now() + this.coolDownMs;
  }
}
