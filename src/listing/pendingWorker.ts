import { z } from 'zod';
import type { Clock } from '../clock.js';
import { type WorkerId, workerIdSchema } from '../identity/index.js';
import { createSealer, deriveKey } from './sealing.js';

/**
 * The worker being entered, between the identifier question and the first-name answer. Dialog
 * state is a blob read and written every turn and kept for the conversation's life, so the
 * identifier and surname never sit there in clear: they are sealed (AES-256-GCM) with a key
 * derived from the server's secret, bound to the conversation, and void after `ttlMs`. A
 * state blob (or a backup of it) then holds nothing readable, and an abandoned half-entered
 * worker is gone after the TTL even if the state blob stays (state retention: stateRetention.ts).
 */
export interface PendingWorker {
  readonly workerId: WorkerId;
  readonly surname?: string | undefined;
}

export interface PendingWorkerSeal {
  seal(worker: PendingWorker, conversation: string): string;
  /** The worker, or undefined when the seal is forged, from another conversation, or expired. */
  open(sealed: string, conversation: string): PendingWorker | undefined;
  sealSurname(surname: string, conversation: string): string;
  openSurname(sealed: string, conversation: string): string | undefined;
}

/** Long enough for a working day's interruptions, short enough that nothing lingers. */
export const PENDING_WORKER_TTL_MS = 12 * 3600_000;
const MAX_SEALED_CHARS = 2048;

const payloadSchema = z.object({
  w: workerIdSchema.optional(),
  s: z.string().max(512).optional(),
  exp: z.number().int(),
});

export function createPendingWorkerSeal(secret: Buffer, clock: Clock, ttlMs = PENDING_WORKER_TTL_MS): PendingWorkerSeal {
  const sealer = createSealer(deriveKey(secret, 'pending-worker-v1'), MAX_SEALED_CHARS);
  const seal = (payload: { w?: WorkerId; s?: string }, conversation: string) =>
    sealer.seal(JSON.stringify({ ...payload, exp: clock().getTime() + ttlMs }), conversation);
  const open = (sealed: string, conversation: string) => {
    const plain = sealer.open(sealed, conversation);
    if (plain === undefined) return undefined;
    try {
      const parsed = payloadSchema.safeParse(JSON.parse(plain));
      return parsed.success && parsed.data.exp > clock().getTime() ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    seal: (worker, conversation) => seal({ w: worker.workerId, ...(worker.surname !== undefined ? { s: worker.surname } : {}) }, conversation),
    open(sealed, conversation) {
      const payload = open(sealed, conversation);
      return payload?.w ? { workerId: payload.w, surname: payload.s } : undefined;
    },
    sealSurname: (surname, conversation) => seal({ s: surname }, conversation),
    openSurname: (sealed, conversation) => open(sealed, conversation)?.s,
  };
}
