import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/**
 * Runs a real Azurite Blob server (the npm package in node_modules) as a child process, for the
 * storage tests and local development: the stores are tested against the real Blob API, never
 * a mock (STYLE.md, Tests).
 *
 * Flags (checked against `azurite-blob --help` of Azurite 3.35.0):
 *   --blobHost <host> --blobPort <port> --location <dir>
 *   --disableTelemetry     3.35 collects usage telemetry (Application Insights) unless told not to
 *   --skipApiVersionCheck  the SDK may be newer than the emulator's API version
 *   --silent               no access log on stdout
 *   --loose                ignore headers/parameters Azurite does not support instead of failing
 *   --cert <pem> --key <pem>  serve HTTPS (bearer tokens are refused over HTTP)
 *   --oauth basic          accept Microsoft Entra ID bearer tokens: issuer, audience, nbf/exp are
 *                          checked, not the signature (tests of keyless access)
 */

/** The emulator's well-known development account (public, documented by Microsoft). */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

// Generous: on a busy 2-core machine Node plus Azurite's Loki database take a few seconds.
const START_TIMEOUT_MS = 20_000;
const POLL_INTERVAL_MS = 100;
const PROBE_TIMEOUT_MS = 1_000;
const STOP_GRACE_MS = 5_000;
// A port picked free can be taken by another process (another test file) before Azurite binds it.
const MAX_PORT_ATTEMPTS = 3;
// Enough of stderr to explain a failed start, bounded so a chatty child cannot grow memory.
const OUTPUT_TAIL_CHARS = 4_000;

export interface StartAzuriteOptions {
  /** Workspace folder for Azurite's database and blob content (created if missing). */
  readonly location: string;
  /** 0 or undefined: pick a free port. */
  readonly port?: number;
  /** Listening address; default 127.0.0.1. */
  readonly host?: string;
  /**
   * Keep blobs in memory instead of `location` (Azurite's --inMemoryPersistence): nothing
   * survives a stop. For the benchmark, where Azurite stands in for a remote service and its
   * disk writes would compete for this machine's CPU with the bot being measured.
   */
  readonly inMemory?: boolean;
  /**
   * Aborting it stops Azurite, also while it is still starting (start-up rejects then): a
   * SIGTERM during the bot's start-up must not leave the child running (main.ts).
   */
  readonly signal?: AbortSignal;
  /** Serve HTTPS with this certificate and key (PEM files): needed for bearer tokens. */
  readonly tls?: { readonly certPath: string; readonly keyPath: string };
  /** Accept Entra ID bearer tokens (`--oauth basic`; requires `tls`). */
  readonly oauth?: boolean;
}

/** What launch() needs besides where to listen. */
type LaunchOptions = Pick<StartAzuriteOptions, 'location' | 'inMemory' | 'tls' | 'oauth' | 'signal'>;

export interface RunningAzurite {
  readonly connectionString: string;
  /** The account's blob endpoint, for Entra ID access (AZURE_STORAGE_ACCOUNT_URL). */
  readonly accountUrl: string;
  readonly port: number;
  /** The child process's id (logged, so an operator can tell it from other Node processes). */
  readonly pid: number | undefined;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

export class AzuriteStartError extends Error {
  constructor(
    message: string,
    readonly isAddressInUse: boolean,
  ) {
    super(message);
    this.name = 'AzuriteStartError';
  }
}

export async function startAzurite(options: StartAzuriteOptions): Promise<RunningAzurite> {
  const host = options.host ?? '127.0.0.1';
  if (options.oauth && !options.tls) throw new Error('Azurite accepts bearer tokens over HTTPS only: give `tls` with `oauth`');
  if (options.port !== undefined && options.port !== 0) return launch(options, host, options.port);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await launch(options, host, await findFreePort(host));
    } catch (error) {
      if (!(error instanceof AzuriteStartError && error.isAddressInUse) || attempt >= MAX_PORT_ATTEMPTS) throw error;
    }
  }
}

/** The script behind the package's `azurite-blob` bin, run with this Node rather than a shell shim. */
function azuriteBlobScript(): string {
  return require.resolve('azurite/dist/src/blob/main.js');
}

/** Binds port 0 to let the OS choose, then releases it for Azurite. */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (port === undefined ? reject(new Error('could not read the free port')) : resolve(port)));
    });
  });
}

export function azuriteConnectionString(host: string, port: number, protocol: 'http' | 'https' = 'http'): string {
  return (
    `DefaultEndpointsProtocol=${protocol};AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};` +
    `BlobEndpoint=${protocol}://${urlHost(connectableHost(host))}:${port}/${AZURITE_ACCOUNT_NAME};`
  );
}

async function launch(options: LaunchOptions, host: string, port: number): Promise<RunningAzurite> {
  const { location, inMemory, tls, oauth, signal } = options;
  if (signal?.aborted) throw new AzuriteStartError('Azurite start aborted', false);
  const env = { ...process.env };
  // AZURITE_ACCOUNTS replaces the well-known account, and the connection string relies on it.
  delete env.AZURITE_ACCOUNTS;
  const child = spawn(
    process.execPath,
    [
      azuriteBlobScript(),
      '--blobHost', host,
      '--blobPort', String(port),
      ...(inMemory ? ['--inMemoryPersistence'] : ['--location', location]),
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--silent',
      '--loose',
      ...(tls ? ['--cert', tls.certPath, '--key', tls.keyPath] : []),
      ...(oauth ? ['--oauth', 'basic'] : []),
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const state: ChildState = { stdout: '', stderr: '', hasExited: false, spawnError: undefined };
  // Both pipes are drained so the child never blocks on a full pipe.
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (state.stdout = tail(state.stdout + chunk)));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (state.stderr = tail(state.stderr + chunk)));
  // A spawn failure emits 'error' and possibly no 'exit'; a listener also keeps it from crashing the process.
  child.on('error', (error) => (state.spawnError = error));
  // A test run that crashes before stop() would otherwise leave Azurite running. 'exit' covers
  // normal exits and uncaught exceptions (not SIGKILL of this process, which nothing can cover).
  const killOnParentExit = () => child.kill('SIGKILL');
  process.once('exit', killOnParentExit);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      state.hasExited = true;
      process.removeListener('exit', killOnParentExit);
      resolve();
    });
  });
  const stop = memoise(() => stopChild(child, exited));
  const onAbort = () => void stop();
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
    await waitUntilListening(child, state, connectableHost(host), port, tls !== undefined, signal);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    // Once started, stopping is the caller's (main.ts stops it last, after the last writes).
    signal?.removeEventListener('abort', onAbort);
  }
  const protocol = tls ? 'https' : 'http';
  return {
    connectionString: azuriteConnectionString(host, port, protocol),
    accountUrl: `${protocol}://${urlHost(connectableHost(host))}:${port}/${AZURITE_ACCOUNT_NAME}`,
    port,
    pid: child.pid,
    stop,
  };
}

interface ChildState {
  stdout: string;
  stderr: string;
  hasExited: boolean;
  spawnError: Error | undefined;
}

async function waitUntilListening(child: ChildProcess, state: ChildState, host: string, port: number, isTls: boolean, signal: AbortSignal | undefined): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (signal?.aborted) throw new AzuriteStartError('Azurite start aborted', false);
    if (state.spawnError !== undefined) {
      throw new AzuriteStartError(`Azurite could not be spawned: ${state.spawnError.message}`, false);
    }
    if (state.hasExited) {
      const details = state.stderr.trim() || state.stdout.trim() || '(no output)';
      throw new AzuriteStartError(
        `Azurite exited during start (code ${String(child.exitCode)}, signal ${String(child.signalCode)}): ${details}`,
        /EADDRINUSE/.test(details),
      );
    }
    // Azurite binds its port only once its database is loaded, so its first answer means ready.
    if ((await isAzuriteAnswering(host, port, isTls)) && !state.hasExited) return;
    await delay(POLL_INTERVAL_MS);
  }
  throw new AzuriteStartError(
    `Azurite did not answer on ${host}:${port} within ${START_TIMEOUT_MS} ms; stderr: ${state.stderr.trim() || '(empty)'}`,
    false,
  );
}

/**
 * Any HTTP answer carrying Azurite's Server header (`Azurite-Blob/3.35.0`) will do; the status
 * (400 for a bare `/`) does not matter. Connecting alone is not enough: another process may hold
 * the port, and the connection succeeds while Azurite is failing with EADDRINUSE.
 */
function isAzuriteAnswering(host: string, port: number, isTls: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    // Only the Server header is read: the probe need not trust a test's self-signed certificate.
    const get = isTls ? (o: https.RequestOptions, cb: (r: http.IncomingMessage) => void) => https.get({ ...o, rejectUnauthorized: false }, cb) : http.get;
    const request = get({ host, port, path: '/', agent: false, timeout: PROBE_TIMEOUT_MS }, (response) => {
      response.resume();
      resolve(String(response.headers.server ?? '').startsWith('Azurite-Blob'));
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  // No pid: the spawn failed and there is nothing to stop (and maybe no 'exit' to wait for).
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  // Azurite closes its server and flushes its database on SIGTERM.
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), STOP_GRACE_MS);
  });
  const isTimedOut = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (!isTimedOut) return;
  child.kill('SIGKILL');
  await exited;
}

/** 0.0.0.0 and :: are listening addresses, not places to connect to. */
function connectableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function tail(text: string): string {
  return text.length > OUTPUT_TAIL_CHARS ? text.slice(-OUTPUT_TAIL_CHARS) : text;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function memoise(run: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => (pending ??= run());
}
