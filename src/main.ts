import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createApp } from './app.js';
import { systemClock } from './clock.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { createLogger, errorFields, type Logger } from './logger.js';
import { startRetention } from './listing/retention.js';
import { type RunningAzurite, startAzurite } from './storage/azurite.js';
import { connectStores } from './storage/connect.js';
import { openJournal } from './storage/journal.js';

/**
 * Composition root: configuration, blob storage (Azure, or an embedded Azurite when none is
 * configured, so `npm ci && npm start` works on a fresh machine with real blob storage), the
 * app, retention; graceful stop on SIGTERM/SIGINT. Nothing else listens or connects.
 */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  logUnhandledRejections(logger);

  let azurite: RunningAzurite | undefined;
  let connectionString = config.storage.connectionString;
  if (!connectionString) {
    await mkdir(config.storage.embeddedDir, { recursive: true });
    azurite = await startAzurite({ location: config.storage.embeddedDir });
    connectionString = azurite.connectionString;
    logger.info('storage.embedded_azurite', { port: azurite.port, pid: azurite.pid, location: config.storage.embeddedDir });
  }

  // Before the stores: what a previous process kept during an outage is replayed by them.
  const journal = await openJournal({ dir: config.journal.dir, instanceId: config.journal.instanceId, logger, fault: config.journal.fault });
  const stores = await connectStores(connectionString, config.storage, systemClock, { logger, journal });
  const app = createApp(config, stores, { logger, journal });
  const retention = startRetention([stores.listingStore, stores.evidenceStore], config.storage.retentionDays, systemClock, logger);
  const port = await app.listen();
  logger.info('server.listening', {
    port,
    endpoint: `http://localhost:${port}/api/messages`,
    authentication: config.bot.appId ? 'bot-framework-jwt' : 'none (local / Emulator)',
    storage: azurite ? 'embedded-azurite' : 'azure-blob',
  });
  if (!config.storage.downloadLinkSecret) {
    logger.warn('config.download_link_secret_missing', { effect: 'download links stop working at restart and across instances' });
  }

  installShutdown(logger, async () => {
    retention.stop();
    // Turns in flight finish first (bounded: app.ts), then what storage could not take during
    // an outage gets a last attempt, while the embedded Azurite still runs.
    await app.close();
    await stores.close();
    await journal.close();
    await azurite?.stop();
    logger.info('server.stopped', {});
  });
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

/** SIGTERM/SIGINT: stop accepting, let turns in flight finish, stop what we started, exit 0. */
function installShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('server.stopping', { signal });
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('server.stop_failed', errorFields(error));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Start-up failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
