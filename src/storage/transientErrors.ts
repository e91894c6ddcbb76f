/**
 * Which storage failures are worth retrying later: the service could not be reached, timed out
 * or answered 5xx/408/429, or it refused the credentials (isStorageAuthError). Everything else —
 * a 404, a 409, a blob that fails the schema (ListingStoreError), a bug — is not: retrying cannot
 * fix it, so it still throws.
 *
 * Refused credentials are bridged like an outage, not thrown at the user: with Entra ID an
 * expired or wrongly scoped token, a managed-identity endpoint that is down, or a role
 * assignment still propagating after a deployment are faults of the infrastructure that an
 * operator fixes while the bot keeps what it was told ("kept, will be saved"), and the logs say
 * which it is (storageFailureFields).
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

/** Azure Storage error codes (x-ms-error-code) of a refused credential or a missing role. */
const AUTH_ERROR_CODES: ReadonlySet<string> = new Set([
  'AuthenticationFailed',
  'InvalidAuthenticationInfo',
  'NoAuthenticationInformation',
  'AuthorizationFailure',
  'AuthorizationPermissionMismatch',
  'KeyBasedAuthenticationNotPermitted',
]);

/** Errors of @azure/identity and of our lean client (blobTarget.ts) when no token could be had. */
const TOKEN_ERROR_NAMES: ReadonlySet<string> = new Set([
  'StorageTokenError',
  'CredentialUnavailableError',
  'AuthenticationError',
  'AggregateAuthenticationError',
  'AuthenticationRequiredError',
]);

/** Storage refused the credentials, or none could be had: see the comment at the top. */
export function isStorageAuthError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = stringField(error, 'name');
  if (name !== undefined && TOKEN_ERROR_NAMES.has(name)) return true;
  const status = numberField(error, 'statusCode');
  if (status === 401) return true;
  const code = stringField(error, 'code');
  return status === 403 && code !== undefined && AUTH_ERROR_CODES.has(code);
}

/** Technical fields that tell an operator what failed: status, Azure error code, and a hint. */
export function storageFailureFields(error: unknown): Readonly<Record<string, string | number | undefined>> {
  if (typeof error !== 'object' || error === null) return {};
  const status = numberField(error, 'statusCode');
  const code = stringField(error, 'code');
  return {
    ...(status !== undefined ? { storageStatus: status } : {}),
    ...(code !== undefined ? { storageErrorCode: code } : {}),
    ...(isStorageAuthError(error) ? { hint: AUTH_HINT } : {}),
  };
}

export const AUTH_HINT =
  'blob storage refused the credentials: with AZURE_STORAGE_ACCOUNT_URL, check that the managed identity (AZURE_CLIENT_ID) exists, ' +
  "has the 'Storage Blob Data Contributor' role on the account (allow a few minutes after assigning it) and that its tokens are for " +
  'https://storage.azure.com and not expired; with a connection string, check the account key or SAS';

export function isTransientStorageError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  // The container is not there yet: storage was unreachable at start-up and the background
  // set-up (outageWatch.ts) has not created it yet. What waits for it must not be dropped.
  if (stringField(error, 'code') === 'ContainerNotFound') return true;
  if (isStorageAuthError(error)) return true;
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
