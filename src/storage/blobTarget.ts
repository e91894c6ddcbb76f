import type { AccessToken, TokenCredential } from '@azure/identity';
import { BlobServiceClient, ContainerClient, newPipeline, type RequestPolicyFactory, type StorageRetryOptions } from '@azure/storage-blob';
import type { StorageAccess, StorageCredentialChoice } from '../config.js';
import { type HangBreaker, StorageTimeoutError } from './storageTimeout.js';

/**
 * One blob storage account as every store reaches it: a connection string (account key or SAS:
 * Azurite, or an account that allows shared keys) or the account's URL and a Microsoft Entra ID
 * credential (no key anywhere: the only way in when the account sets allowSharedKeyAccess false).
 */
export type BlobTarget =
  | { readonly kind: 'connectionString'; readonly connectionString: string }
  | { readonly kind: 'entraId'; readonly accountUrl: string; readonly credential: TokenCredential };

/** Entra ID scope of Azure Storage: tokens for it carry the audience https://storage.azure.com. */
export const STORAGE_SCOPE = 'https://storage.azure.com/.default';

/** A connection string, or an already resolved target (tests, the benchmark). */
export function toBlobTarget(target: BlobTarget | string): BlobTarget {
  return typeof target === 'string' ? { kind: 'connectionString', connectionString: target } : target;
}

/**
 * The configured access as a target. @azure/identity is loaded only when Entra ID is configured:
 * local runs and tests with a connection string do not pay for it at start-up.
 */
export async function blobTargetOf(access: Exclude<StorageAccess, { kind: 'embedded' }>): Promise<BlobTarget> {
  if (access.kind === 'connectionString') return { kind: 'connectionString', connectionString: access.connectionString };
  return { kind: 'entraId', accountUrl: access.accountUrl, credential: await createStorageCredential(access.credential) };
}

/**
 * ManagedIdentityCredential for a user-assigned identity (App Service, Container Apps: the
 * IDENTITY_ENDPOINT/IDENTITY_HEADER protocol; a VM: IMDS), or DefaultAzureCredential, which also
 * takes a developer's `az login`. Neither fetches anything until the first token is asked for.
 */
export async function createStorageCredential(choice: StorageCredentialChoice): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  if (choice.kind === 'managedIdentity') {
    return choice.clientId ? new identity.ManagedIdentityCredential({ clientId: choice.clientId }) : new identity.ManagedIdentityCredential();
  }
  return new identity.DefaultAzureCredential();
}

/** The blob endpoint of the account, for logs and messages (no key, no SAS). */
export function accountUrlOf(target: BlobTarget): string {
  if (target.kind === 'entraId') return target.accountUrl;
  return BlobServiceClient.fromConnectionString(target.connectionString).url.replace(/\?.*$/, '').replace(/\/+$/, '');
}

/**
 * A ContainerClient of the target with our transport retries, plus extra request policies
 * (e.g. the benchmark's request counter) ahead of the SDK's own, so each operation counts once.
 */
export function containerClientOf(
  target: BlobTarget,
  containerName: string,
  options: {
    readonly retryOptions?: StorageRetryOptions;
    readonly onRequest?: (() => void) | undefined;
    /** Shared with the process's other blob clients (storageTimeout.ts). */
    readonly breaker?: HangBreaker | undefined;
  } = {},
): ContainerClient {
  let url: string;
  let pipeline: ReturnType<typeof newPipeline>;
  if (target.kind === 'entraId') {
    url = `${target.accountUrl}/${containerName}`;
    pipeline = newPipeline(target.credential, options.retryOptions ? { retryOptions: options.retryOptions } : {});
  } else {
    const service = BlobServiceClient.fromConnectionString(target.connectionString);
    url = service.getContainerClient(containerName).url;
    pipeline = newPipeline(service.credential, options.retryOptions ? { retryOptions: options.retryOptions } : {});
  }
  const tryTimeoutMs = options.retryOptions?.tryTimeoutInMs;
  if (tryTimeoutMs !== undefined && tryTimeoutMs > 0) pipeline.factories.push(requestTimeout(tryTimeoutMs, options.breaker));
  const { onRequest } = options;
  if (onRequest !== undefined) {
    pipeline.factories.unshift({ create: (next) => ({ sendRequest: (request) => (onRequest(), next.sendRequest(request)) }) });
  }
  return new ContainerClient(url, pipeline);
}

/**
 * Ends each blob request that gets no answer within `timeoutMs`. The SDK's `tryTimeoutInMs` only
 * asks the *server* to give up (the `timeout` URL parameter): against storage that accepts the
 * connection and then says nothing — a saturated emulator, dropped packets, a stuck load
 * balancer — a request, and the user's turn with it, waited for minutes
 * (test/faults/storageHangs.test.ts). The timeout is raised as an error the SDK does not retry:
 * trying again storage that said nothing for seconds would only hold the turn longer; the
 * stores keep the change and bridge the outage instead. With a breaker, the requests right after
 * such a timeout fail at once.
 */
function requestTimeout(timeoutMs: number, breaker: HangBreaker | undefined): RequestPolicyFactory {
  return {
    create: (next) => ({
      sendRequest: async (request) => {
        breaker?.check(timeoutMs);
        request.timeout = timeoutMs;
        try {
          return await next.sendRequest(request);
        } catch (error) {
          // An abort that is not the caller's own is the timeout above.
          const isTimeout = (error as { name?: unknown }).name === 'AbortError' && request.abortSignal?.aborted !== true;
          if (!isTimeout) throw error;
          breaker?.trip();
          throw new StorageTimeoutError(timeoutMs);
        }
      },
    }),
  };
}

/**
 * Bearer tokens for the lean state client (state/blobStateStorage.ts), which signs its own
 * requests: one token shared by every request until shortly before it expires, renewed in the
 * background ahead of that, one renewal at a time. The credential's own cache sits behind it; this
 * one saves its per-call cost on the hot path (two state requests per turn).
 */
export class BearerTokenSource {
  private current: AccessToken | undefined;
  private pending: Promise<AccessToken> | undefined;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string = STORAGE_SCOPE,
    private readonly now: () => number = Date.now,
  ) {}

  async token(): Promise<string> {
    const current = this.current;
    const left = current ? current.expiresOnTimestamp - this.now() : 0;
    if (current && left > RENEW_AHEAD_MS) return current.token;
    if (current && left > STILL_USABLE_MS) {
      // Renew now for the next requests; this one goes with the token it has.
      this.renew().catch(() => undefined);
      return current.token;
    }
    return (await this.renew()).token;
  }

  /** Storage refused the token (401): never send it again. */
  invalidate(): void {
    this.current = undefined;
  }

  private renew(): Promise<AccessToken> {
    this.pending ??= this.credential
      .getToken(this.scope)
      .then(
        (token) => {
          if (!token) throw new StorageTokenError('the credential returned no token for Azure Storage');
          this.current = token;
          return token;
        },
        (error: unknown) => {
          throw new StorageTokenError(`no token for Azure Storage: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, error);
        },
      )
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}

// Renew five minutes ahead (as the SDK's bearerTokenAuthenticationPolicy does); below 30 s a token
// could expire on its way, so wait for the new one.
const RENEW_AHEAD_MS = 5 * 60_000;
const STILL_USABLE_MS = 30_000;

/**
 * No token could be had (the managed-identity endpoint is down or refuses, no credential is
 * available). A fault of the infrastructure like unreachable storage: bridged and retried.
 */
export class StorageTokenError extends Error {
  readonly code = 'STORAGE_TOKEN_UNAVAILABLE';
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'StorageTokenError';
  }
}
