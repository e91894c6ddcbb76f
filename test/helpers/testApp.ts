import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createLogger, type Logger, type LogLevel } from '../../src/logger.js';
import { connectStores, type Stores } from '../../src/storage/connect.js';
import { uniqueContainerName } from './azurite.js';
import { type FakeChannel, startFakeChannel } from './fakeChannel.js';
import { INSTANTS } from './testBot.js';

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

/** The app of useAppWithChannel, with what the tests send it through. */
export interface AppWithChannel {
  readonly app: App;
  readonly port: number;
  /** The channel the bot replies to (every activity's `serviceUrl`). */
  readonly channel: FakeChannel;
  /** The app's log lines, as written. */
  readonly logs: string[];
  /** http://127.0.0.1:port/api/messages */
  readonly url: string;
  /** An activity as a channel sends it: `defaults`, then `overrides`, a fresh id and conversation. */
  activity(overrides?: Record<string, unknown>): Record<string, unknown>;
  /** POSTs `body` to /api/messages as JSON. */
  post(body: string, headers?: Record<string, string>): Promise<Response>;
}

/**
 * The real app (clock at INSTANTS.open) and a fake channel, for the tests of one describe block:
 * started before them, closed after. Read its fields inside the tests (they exist once started).
 */
export function useAppWithChannel(logLevel: LogLevel, defaults: Record<string, unknown>): AppWithChannel {
  const logs: string[] = [];
  let started: { app: App; port: number; channel: FakeChannel } | undefined;
  const running = () => {
    if (!started) throw new Error('the app is not started (read it inside a test)');
    return started;
  };
  const url = () => `http://127.0.0.1:${running().port}/api/messages`;

  beforeAll(async () => {
    const { app, port } = await startTestApp({}, { clock: () => INSTANTS.open, logger: createLogger(logLevel, (line) => logs.push(line)) });
    started = { app, port, channel: await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`) };
  });

  afterAll(async () => {
    await started?.channel.close();
    await started?.app.close();
  });

  return {
    get app() {
      return running().app;
    },
    get port() {
      return running().port;
    },
    get channel() {
      return running().channel;
    },
    logs,
    get url() {
      return url();
    },
    activity: (overrides = {}) => ({
      type: 'message',
      id: randomUUID(),
      serviceUrl: running().channel.serviceUrl,
      from: { id: 'user-1' },
      recipient: { id: 'bot-1' },
      conversation: { id: `conv-${randomUUID()}` },
      locale: 'en-US',
      ...defaults,
      ...overrides,
    }),
    post: (body, headers = {}) => fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }),
  };
}
