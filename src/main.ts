import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { App } from './app.js';
import { type Clock, systemClock } from './clock.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { routeConsoleTo } from './http/frameworkLog.js';
import { createFileClock } from './fileClock.js';
import { createLogger, errorFields, type Logger } from './logger.js';
import type { RunningAzurite } from './storage/azurite.js';
import type { BlobTarget } from './storage/blobTarget.js';
import type { Stores } from './storage/connect.js';
import { type Journal, openJournal } from './storage/journal.js';
import { startTelemetry } from './telemetry.js';

/**
 * Composition root: configuration, blob storage (Azure, or an embedded Azurite when none is
 * configured, so `npm ci && npm start` works on a fresh machine with real blob storage), the
 * durable journal, the app, retention; graceful stop on SIGTERM/SIGINT — at any point of
 * start-up too. Nothing else listens or connects.
 */
async function main(): Promise<void> {
  // First of all: a SIGTERM during start-up (a deployment, an impatient Ctrl-C) must stop what
  // has been started so far — the embedded Azurite above all — instead of orphaning it.
  const stopping = listenForStop();
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  // The SDK writes errors (with their objects) to the console: through the redacting logger.
  routeConsoleTo(logger);
  logUnhandledRejections(logger);
  warnIfUnauthenticatedOnNetwork(config, logger);
  const testClock = config.testClockFile ? createFileClock(config.testClockFile, logger) : undefined;
  const clock: Clock = testClock?.clock ?? systemClock;
  if (testClock) logger.warn('config.test_clock', { effect: 'the time is read from TEST_CLOCK_FILE (tests only)' });

  // What has been started, stopped in reverse order if start-up is cut short.
  const started: (() => Promise<void>)[] = [];
  const checkNotStopping = () => {
    if (stopping.signal.aborted) throw new StartAborted();
  };
  let azurite: RunningAzurite | undefined;
  let running: {
    app: App;
    stores: Stores;
    journal: Journal;
    retention: { stop(): void };
    stateRetention: { stop(): void } | undefined;
    telemetry: { shutdown(): Promise<void> } | undefined;
  };
  try {
    // First, so that the HTTP server and the storage SDK are instrumented from the first request.
    const telemetry = config.telemetry.connectionString
      ? await startTelemetry({ connectionString: config.telemetry.connectionString, serviceName: 'checkinatwork-emergency-bot' }, logger)
      : undefined;
    if (telemetry) started.push(() => telemetry.shutdown());
    // Everything that loads http, restify or the storage SDK comes after: OpenTelemetry instruments
    // modules as they load.
    const [{ createApp }, { startRetention }, { startAzurite }, { blobTargetOf }, { connectStores }] = await Promise.all([
      import('./app.js'),
      import('./listing/retention.js'),
      import('./storage/azurite.js'),
      import('./storage/blobTarget.js'),
      import('./storage/connect.js'),
    ]);
    checkNotStopping();

    const access = config.storage.access;
    let target: BlobTarget;
    if (access.kind === 'embedded') {
      await mkdir(config.storage.embeddedDir, { recursive: true });
      checkNotStopping();
      // The signal stops an Azurite that is still starting, too.
      const embedded = await startAzurite({ location: config.storage.embeddedDir, signal: stopping.signal });
      azurite = embedded;
      started.push(() => embedded.stop());
      checkNotStopping();
      target = await blobTargetOf({ kind: 'connectionString', connectionString: embedded.connectionString });
      logger.info('storage.embedded_azurite', { port: embedded.port, pid: embedded.pid, location: config.storage.embeddedDir });
    } else {
      target = await blobTargetOf(access);
    }

    // Before the stores: what a previous process kept during an outage is replayed by them.
    const journal = await openJournal({ dir: config.journal.dir, instanceId: config.journal.instanceId, logger, fault: config.journal.fault });
    started.push(() => journal.close());
    checkNotStopping();
    const stores = await connectStores(target, config.storage, clock, { logger, journal });
    started.push(() => stores.close());
    checkNotStopping();
    const app = createApp(config, stores, { logger, clock, journal });
    started.push(() => app.close());
    const retention = startRetention([stores.listingStore, stores.evidenceStore], config.storage.retentionDays, clock, logger);
    started.push(async () => retention.stop());
    const stateRetention = stores.stateRetention ? startRetention([stores.stateRetention], config.storage.stateRetentionDays, clock, logger) : undefined;
    if (stateRetention) started.push(async () => stateRetention.stop());
    const port = await app.listen();
    checkNotStopping();
    running = { app, stores, journal, retention, stateRetention, telemetry };
    logger.info('server.listening', {
      port,
      endpoint: `http://localhost:${port}/api/messages`,
      authentication: config.bot.appId ? `bot-framework-jwt (${config.bot.appType})` : 'none (local / Emulator)',
      storage: azurite ? 'embedded-azurite' : access.kind === 'entraId' ? `azure-blob (entra-id, ${access.credential.kind})` : 'azure-blob (connection string)',
      telemetry: telemetry ? 'azure-monitor' : 'off',
    });
  } catch (error) {
    testClock?.stop();
    for (const stop of started.reverse()) await stop().catch((stopError: unknown) => logger.error('server.stop_failed', errorFields(stopError)));
    if (!stopping.signal.aborted) throw error;
    logger.info('server.stopped_during_start', { signal: String(stopping.signal.reason) });
    process.exit(0);
  }
  if (!config.storage.downloadLinkSecret) {
    logger.warn('config.download_link_secret_missing', { effect: 'download links stop working at restart and across instances' });
  }

  const { app, stores, journal, retention, stateRetention, telemetry } = running;
  onStop(stopping.signal, logger, async () => {
    retention.stop();
    stateRetention?.stop();
    testClock?.stop();
    // Turns in flight finish first (bounded: app.ts), then what storage could not take during
    // an outage gets a last attempt, while the embedded Azurite still runs.
    await app.close();
    await stores.close();
    await journal.close();
    await azurite?.stop();
    logger.info('server.stopped', {});
    await telemetry?.shutdown();
  });
}

/** ALLOW_UNAUTHENTICATED_NETWORK: the operator's explicit choice, said loudly at every start. */
function warnIfUnauthenticatedOnNetwork(config: Config, logger: Logger): void {
  if (!config.access.isUnauthenticated || !config.access.allowUnauthenticatedNetwork) return;
  const effect = 'no MicrosoftAppId: anyone who can reach this port can act as any user, tenant or channel and read their listings';
  process.stderr.write(`\n*** WARNING: ALLOW_UNAUTHENTICATED_NETWORK=true, HOST=${config.host} — ${effect}. Never in production. ***\n\n`);
  logger.warn('security.unauthenticated_network', { host: config.host, effect });
}

/** Start-up was cut short by SIGTERM/SIGINT. */
class StartAborted extends Error {
  constructor() {
    super('start-up stopped by a signal');
    this.name = 'StartAborted';
  }
}

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * A rejected promise nobody handled is logged, not fatal: one stray background retry must not
 * take down every conversation in progress (Node's default would exit). Background work
 * (outbox.ts, resilientStorage.ts, retention, reminders) catches its own errors; this is the
 * net under it. Uncaught exceptions keep Node's default: the process state is unknown then.
 */
function logUnhandledRejections(logger: Logger): void {
  process.on('unhandledRejection', (reason: unknown) => logger.error('process.unhandled_rejection', errorFields(reason)));
}

/** SIGTERM/SIGINT, from the very start: the signal aborts; the first one only. */
function listenForStop(): AbortController {
  const stopping = new AbortController();
  const onSignal = (signal: string) => {
    if (!stopping.signal.aborted) stopping.abort(signal);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  return stopping;
}

/** Once running: stop accepting, let turns in flight finish, stop what we started, exit 0. */
function onStop(signal: AbortSignal, logger: Logger, stop: () => Promise<void>): void {
  const run = () => {
    logger.info('server.stopping', { signal: String(signal.reason) });
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('server.stop_failed', errorFields(error));
        process.exit(1);
      },
    );
  };
  if (signal.aborted) run();
  else signal.addEventListener('abort', run, { once: true });
}

main().catch((error: unknown) => {
  // A refused credential is a deployment mistake: its message says what to check, no stack needed.
  const detail = error instanceof Error && error.name === 'StorageAccessError' ? error.message : error instanceof Error ? error.stack : String(error);
  process.stderr.write(`Start-up failed: ${detail}\n`);
  process.exit(1);
});
