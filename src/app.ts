import { ConversationState, MemoryStorage, type Storage, UserState } from 'botbuilder';
import type restify from 'restify';
import { createAdapter } from './adapter.js';
import { EmergencyBot } from './bot.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createServer } from './server.js';

export interface AppOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly storage?: Storage;
}

export interface App {
  readonly server: restify.Server;
  readonly bot: EmergencyBot;
  /** Resolves with the bound port (PORT=0 picks a free one). */
  listen(): Promise<number>;
  close(): Promise<void>;
}

/** Wires config → storage → bot → server. Used by main.ts and by the end-to-end tests. */
export function createApp(config: Config, options: AppOptions = {}): App {
  const logger = options.logger ?? createLogger(config.logLevel);
  const storage = options.storage ?? new MemoryStorage();
  const bot = new EmergencyBot({
    config,
    conversationState: new ConversationState(storage),
    userState: new UserState(storage),
    clock: options.clock ?? systemClock,
    logger,
  });
  const adapter = createAdapter(config, logger);
  const server = createServer({ adapter, bot, logger });
  return {
    server,
    bot,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          const address = server.address();
          resolve(address.port);
        });
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
