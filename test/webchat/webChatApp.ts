import { createServer } from 'node:net';
import { inject } from 'vitest';
import { type AppOptions, createApp, type App } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { connectStores, type Stores } from '../../src/storage/connect.js';
import { uniqueContainerName } from '../helpers/azurite.js';

export interface RunningApp {
  readonly app: App;
  readonly port: number;
  readonly baseUrl: string;
  readonly stores: Stores;
  readonly config: Config;
}

/** A port free right now: the app's PUBLIC_BASE_URL (the PDF links) must name the real port, so PORT=0 won't do. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** The real app on a free loopback port (as test/e2e/server.test.ts), state and listings in the run's Azurite. */
export async function startWebChatApp(
  env: Record<string, string> = {},
  options: { clock?: () => Date; logger?: Logger; webChatLimits?: AppOptions['webChatLimits'] } = {},
): Promise<RunningApp> {
  const clock = options.clock ?? (() => new Date());
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    HOST: '127.0.0.1',
    STORAGE_DATA_CONTAINER: uniqueContainerName('webchat-data'),
    STORAGE_STATE_CONTAINER: uniqueContainerName('webchat-state'),
    ...env,
  });
  const stores = await connectStores(inject('azuriteConnectionString'), config.storage, clock);
  const app = createApp(config, stores, {
    clock,
    logger: options.logger ?? createLogger('silent'),
    ...(options.webChatLimits ? { webChatLimits: options.webChatLimits } : {}),
  });
  const bound = await app.listen();
  return { app, port: bound, baseUrl: `http://127.0.0.1:${bound}`, stores, config };
}
