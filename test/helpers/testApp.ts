import { inject } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { connectStores, type Stores } from '../../src/storage/connect.js';
import { uniqueContainerName } from './azurite.js';

export interface TestApp {
  readonly app: App;
  readonly port: number;
  readonly config: Config;
  readonly stores: Stores;
}

/**
 * The real app (server, adapter, bot) on a free loopback port, its listings and state in the
 * run's Azurite under containers of its own. `env` overrides the configuration.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  /** `connectionString`: the blob storage to use instead of the run's Azurite (e.g. a relay in front of it). */
  options: { clock?: () => Date; logger?: Logger; stores?: Stores; connectionString?: string } = {},
): Promise<TestApp> {
  const clock = options.clock ?? (() => new Date());
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    STORAGE_DATA_CONTAINER: uniqueContainerName('e2e-data'),
    STORAGE_STATE_CONTAINER: uniqueContainerName('e2e-state'),
    // Dozens of turns at once on a shared 2-core machine: a loopback reply may take over the
    // production 2 s; test/e2e/unreachableServiceUrl.test.ts checks the 2 s bound itself.
    REPLY_TIMEOUT_MS: '20000',
    ...env,
  });
  const stores = options.stores ?? (await connectStores(options.connectionString ?? inject('azuriteConnectionString'), config.storage, clock));
  const app = createApp(config, stores, { clock, logger: options.logger ?? createLogger('silent') });
  return { app, port: await app.listen(), config, stores };
}
