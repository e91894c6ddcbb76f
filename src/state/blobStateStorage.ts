import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Storage, StoreItems } from 'botbuilder';
import type { BearerTokenSource } from '../storage/blobTarget.js';
import { type HangBreaker, StorageTimeoutError } from '../storage/storageTimeout.js';

/**
 * Conversation state in Azure Blob Storage (or Azurite), one JSON blob per state key, with the
 * same contract as botbuilder-azure-blobs' BlobsStorage: an item's `eTag` is sent as If-Match,
 * so a write based on stale state fails instead of overwriting newer state.
 *
 * Why not BlobsStorage itself: every turn reads and writes the state once, and the Azure SDK's
 * request pipeline costs ~2.0 ms of CPU per read+write pair here, against ~0.6 ms for these two
 * plain HTTP requests signed with the account key (measured on this project's 2-core machines,
 * see README, "Performance"). With Microsoft Entra ID (no key: AZURE_STORAGE_ACCOUNT_URL) the
 * same requests carry a cached bearer token instead of the Shared Key signature. BlobsStorage
 * remains the choice for SAS connection strings: see `createStateStorage`.
 */
export class BlobStateStorage implements Storage {
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private container: Promise<void> | undefined;

  constructor(
    private readonly account: SharedKeyAccount | BearerAccount,
    private readonly containerName: string,
    /** Shared with the process's other blob clients (storage/storageTimeout.ts). */
    private readonly breaker?: HangBreaker,
  ) {
    this.transport = account.endpoint.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: 64 });
  }

  async read(keys: string[]): Promise<StoreItems> {
    await this.ensureContainer();
    const items: StoreItems = {};
    await Promise.all(
      keys.map(async (key) => {
        const response = await this.request('GET', this.blobPath(key), {}, undefined, RETRIES_FOR_READS);
        if (response.status === 404) return;
        if (response.status !== 200) throw new StateStorageError(`reading state failed with HTTP ${response.status}`, response.status, response.errorCode);
        const value = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
        items[key] = { ...value, eTag: response.etag };
      }),
    );
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await this.ensureContainer();
    await Promise.all(
      Object.entries(changes).map(async ([key, item]) => {
        const { eTag, ...value } = (item ?? {}) as Record<string, unknown>;
        const headers: Record<string, string> = typeof eTag === 'string' && eTag !== '*' && eTag !== '' ? { 'if-match': eTag } : {};
        const body = Buffer.from(JSON.stringify(value), 'utf8');
        // An unconditional PUT of the same body is idempotent: retried like a read. A checked one
        // (If-Match) is not retried here: if the first attempt landed, the retry would meet its
        // own new ETag (412); ResilientStorage sorts that case out (rule 4).
        const response = await this.request('PUT', this.blobPath(key), headers, body, headers['if-match'] ? 0 : RETRIES_FOR_READS);
        if (response.status === 412) throw new StateStorageError(`Storage: error writing "${key}" due to eTag conflict.`, 412);
        if (response.status !== 201) throw new StateStorageError(`writing state failed with HTTP ${response.status}`, response.status, response.errorCode);
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    await this.ensureContainer();
    await Promise.all(
      keys.map(async (key) => {
        const response = await this.request('DELETE', this.blobPath(key), { 'x-ms-delete-snapshots': 'include' }, undefined, RETRIES_FOR_READS);
        if (response.status !== 202 && response.status !== 404) throw new StateStorageError(`deleting state failed with HTTP ${response.status}`, response.status, response.errorCode);
      }),
    );
  }

  /** Frees the keep-alive sockets (shutdown, tests). */
  close(): void {
    this.agent.destroy();
  }

  private ensureContainer(): Promise<void> {
    this.container ??= this.request('PUT', `${this.containerPath()}?restype=container`, {}, undefined, RETRIES_FOR_READS).then(
      (response) => {
        if (response.status !== 201 && response.status !== 409) {
          throw new StateStorageError(`creating the state container failed with HTTP ${response.status}`, response.status, response.errorCode);
        }
      },
      (error: unknown) => {
        this.container = undefined;
        throw error;
      },
    );
    return this.container;
  }

  private containerPath(): string {
    return `${this.account.endpoint.pathname.replace(/\/+$/, '')}/${this.containerName}`;
  }

  private blobPath(key: string): string {
    return `${this.containerPath()}/${blobNameOf(key)}`;
  }

  private async request(method: string, path: string, extra: Record<string, string>, body: Buffer | undefined, retries: number): Promise<Response> {
    let staleSocketRetried = false;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const response = await this.send(method, path, extra, body);
        if (response.status < 500 || attempt >= retries) return response;
      } catch (error) {
        // A pooled connection the server closed while idle, just as we reused it: the request
        // never reached the server, so sending it again is safe whatever it is (Node's
        // documented remedy, `request.reusedSocket`). Without this, one idle-timeout race made
        // a state write fail, and with several instances the next turn, on another instance,
        // met the conversation one step behind (scale-out test).
        if (error instanceof StaleSocketError && !staleSocketRetried) {
          staleSocketRetried = true;
          attempt -= 1;
          continue;
        }
        // No answer in TIMEOUT_MS: asking again would only hold the turn as long again
        // (storage that hangs rather than refuses); ResilientStorage bridges it instead.
        if (attempt >= retries || error instanceof StorageTimeoutError) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * 2 ** attempt));
    }
  }

  private async send(method: string, path: string, extra: Record<string, string>, body: Buffer | undefined): Promise<Response> {
    const response = await this.sendOnce(method, path, extra, body);
    // A bearer token storage refuses (revoked, clock skew) is dropped and a new one tried once.
    if (response.status === 401 && 'tokens' in this.account) {
      this.account.tokens.invalidate();
      return this.sendOnce(method, path, extra, body);
    }
    return response;
  }

  private async sendOnce(method: string, path: string, extra: Record<string, string>, body: Buffer | undefined): Promise<Response> {
    this.breaker?.check(TIMEOUT_MS);
    const headers: Record<string, string> = {
      'x-ms-date': new Date().toUTCString(),
      'x-ms-version': API_VERSION,
      ...extra,
      ...(body ? { 'content-type': 'application/json', 'x-ms-blob-type': 'BlockBlob' } : {}),
    };
    headers.authorization =
      'key' in this.account ? sharedKey(this.account, method, path, headers, body?.length ?? 0) : `Bearer ${await this.account.tokens.token()}`;
    headers['content-length'] = String(body?.length ?? 0);
    const { hostname, port } = this.account.endpoint;
    return new Promise((resolve, reject) => {
      const request = this.transport.request({ hostname, port, method, path, headers, agent: this.agent, timeout: TIMEOUT_MS }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const etag = response.headers.etag;
          const errorCode = response.headers['x-ms-error-code'];
          resolve({
            status: response.statusCode ?? 0,
            ...(typeof etag === 'string' ? { etag } : {}),
            ...(typeof errorCode === 'string' ? { errorCode } : {}),
            body: Buffer.concat(chunks),
          });
        });
        response.on('error', reject);
      });
      request.on('timeout', () => {
        this.breaker?.trip();
        request.destroy(new StorageTimeoutError(TIMEOUT_MS));
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        reject(request.reusedSocket && error.code === 'ECONNRESET' ? new StaleSocketError(error) : error);
      });
      request.end(body);
    });
  }
}

export class StateStorageError extends Error {
  /** Azure Storage's error code (x-ms-error-code), e.g. AuthorizationPermissionMismatch. */
  readonly code: string | undefined;

  constructor(
    message: string,
    readonly statusCode: number,
    code?: string,
  ) {
    super(code ? `${message} (${code})` : message);
    this.name = 'StateStorageError';
    this.code = code;
  }
}

/** ECONNRESET on a reused keep-alive connection (see `request`). */
class StaleSocketError extends Error {
  readonly code = 'ECONNRESET';
  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = 'StaleSocketError';
  }
}

interface Response {
  readonly status: number;
  readonly etag?: string;
  readonly errorCode?: string;
  readonly body: Buffer;
}

/** An account reached with Microsoft Entra ID tokens (no key). */
export interface BearerAccount {
  /** Blob endpoint, e.g. https://acct.blob.core.windows.net/ */
  readonly endpoint: URL;
  readonly tokens: BearerTokenSource;
}

export interface SharedKeyAccount {
  readonly name: string;
  readonly key: Buffer;
  /** Blob endpoint, e.g. https://acct.blob.core.windows.net/ or http://127.0.0.1:10000/devstoreaccount1 */
  readonly endpoint: URL;
}

const API_VERSION = '2021-12-02';
// Fail fast like the other blob clients (storage/connect.ts): three quick tries ride out a blip;
// a longer outage is bridged in memory by ResilientStorage, and the user is told at once.
const RETRIES_FOR_READS = 2;
const RETRY_DELAY_MS = 200;
const TIMEOUT_MS = 5_000;
const MAX_BLOB_NAME = 1024;
const MAX_SLASHES = 255;

/**
 * The blob name of a state key, exactly as botbuilder-azure-blobs' sanitizeBlobKey makes it (empty
 * path segments dropped — ConversationState keys end in "/" — then URI-encoded, at most 1024
 * characters), so state written by either storage is found by the other.
 */
export function blobNameOf(key: string): string {
  if (key.length === 0) throw new Error('Please provide a non-empty key');
  const parts = key.split('/');
  const joined = parts.reduce((acc, part, index) => (part ? [acc, part].join(index < MAX_SLASHES ? '/' : '') : acc));
  return encodeURIComponent(joined).slice(0, MAX_BLOB_NAME);
}

/** The account name, key and blob endpoint of a connection string; undefined without an account key. */
export function sharedKeyAccountOf(connectionString: string): SharedKeyAccount | undefined {
  const parts = new Map(
    connectionString
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const at = part.indexOf('=');
        return [part.slice(0, at), part.slice(at + 1)] as const;
      }),
  );
  const name = parts.get('AccountName');
  const key = parts.get('AccountKey');
  if (!name || !key) return undefined;
  const endpoint =
    parts.get('BlobEndpoint') ??
    `${parts.get('DefaultEndpointsProtocol') ?? 'https'}://${name}.blob.${parts.get('EndpointSuffix') ?? 'core.windows.net'}`;
  return { name, key: Buffer.from(key, 'base64'), endpoint: new URL(endpoint) };
}

/**
 * The Shared Key signature of a Blob service request (Authorize with Shared Key, version
 * 2015-02-21 and later): the verb, the standard headers in their fixed order, the x-ms-*
 * headers sorted, then the account and the path, then the query parameters sorted.
 */
export function sharedKey(account: SharedKeyAccount, method: string, pathAndQuery: string, headers: Readonly<Record<string, string>>, contentLength: number): string {
  const [path = '', query = ''] = pathAndQuery.split('?');
  const msHeaders = Object.keys(headers)
    .filter((name) => name.startsWith('x-ms-'))
    .sort()
    .map((name) => `${name}:${headers[name]}\n`)
    .join('');
  const parameters = query
    ? query
        .split('&')
        .map((pair) => pair.split('='))
        .sort(([a = ''], [b = '']) => a.localeCompare(b))
        .map(([name = '', value = '']) => `\n${name.toLowerCase()}:${decodeURIComponent(value)}`)
        .join('')
    : '';
  const stringToSign = [
    method,
    headers['content-encoding'] ?? '',
    headers['content-language'] ?? '',
    contentLength > 0 ? String(contentLength) : '',
    headers['content-md5'] ?? '',
    headers['content-type'] ?? '',
    '', // Date: x-ms-date is used instead
    headers['if-modified-since'] ?? '',
    headers['if-match'] ?? '',
    headers['if-none-match'] ?? '',
    headers['if-unmodified-since'] ?? '',
    headers.range ?? '',
  ].join('\n');
  const resource = `/${account.name}${path}${parameters}`;
  const signature = createHmac('sha256', account.key).update(`${stringToSign}\n${msHeaders}${resource}`, 'utf8').digest('base64');
  return `SharedKey ${account.name}:${signature}`;
}
