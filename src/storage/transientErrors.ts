/**
 * Which storage failures are worth retrying later: the service could not be reached, timed out
 * or answered 5xx/408/429. Everything else — a 4xx such as 403 (a wrong key), a blob that fails
 * the schema (ListingStoreError), a bug — is not: retrying cannot fix it, so it still throws.
 *
 * Structural, like listingStore.ts's statusOf: no import of the SDK, so a second copy of it
 * (botbuilder-azure-blobs has its own dependency tree) is classified the same way.
 */

/** Socket-level failures of Node and of the SDK's pipeline (@azure/core-rest-pipeline). */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'REQUEST_SEND_ERROR',
]);

/** A try that exceeded the SDK's tryTimeoutInMs ends as an abort. */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set(['AbortError', 'TimeoutError']);

export function isTransientStorageError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  // The container is not there yet: storage was unreachable at start-up and the background
  // set-up (outageWatch.ts) has not created it yet. What waits for it must not be dropped.
  if (stringField(error, 'code') === 'ContainerNotFound') return true;
  const status = numberField(error, 'statusCode');
  if (status !== undefined) return status === 408 || status === 429 || status >= 500;
  const code = stringField(error, 'code');
  if (code !== undefined && TRANSIENT_CODES.has(code)) return true;
  const name = stringField(error, 'name');
  if (name !== undefined && TRANSIENT_NAMES.has(name)) return true;
  // Node wraps some socket errors (AggregateError of every address tried, `cause` of fetch).
  const cause = 'cause' in error ? error.cause : undefined;
  if (cause !== undefined && cause !== error) return isTransientStorageError(cause);
  if (error instanceof AggregateError) return error.errors.some(isTransientStorageError);
  return false;
}

function numberField(value: object, field: string): number | undefined {
  const found: unknown = (value as Record<string, unknown>)[field];
  return typeof found === 'number' ? found : undefined;
}

function stringField(value: object, field: string): string | undefined {
  const found: unknown = (value as Record<string, unknown>)[field];
  return typeof found === 'string' ? found : undefined;
}
