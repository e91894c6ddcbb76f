import { randomBytes } from 'node:crypto';
import { ConversationState } from 'botbuilder';
import type restify from 'restify';
import { createAdapter } from './adapter.js';
import { EmergencyBot } from './bot.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { createDownloadLinks, type DownloadLinks } from './listing/downloadLinks.js';
import { createLogger, type Logger } from './logger.js';
import { reminderText } from '../dialogs/messages.js';
import { startReminderScheduler } from './reminders/scheduler.js';
import { createServer } from './server.js';
import type { Stores } from './storage/connect.js';
import { webChatSettingsOf } from './webchat/registerWebChat.js';

export interface AppOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export interface App {
  readonly server: restify.Server;
  readonly bot: EmergencyBot;
  readonly links: DownloadLinks;
  /** Sends due "remind me when it opens" messages; `tick()` runs one pass now. */
  readonly reminders: { tick(): Promise<number> };
  /** Resolves with the bound port (PORT=0 picks a free one). */
  listen(): Promise<number>;
  /** Stops accepting connections; resolves when requests in flight have finished. */
  close(): Promise<void>;
}

/** Wires config → stores → bot → server. Used by main.ts and by the end-to-end tests. */
export function createApp(config: Config, stores: Stores, options: AppOptions = {}): App {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  // Without a configured secret, links die with the process: fine for one local instance.
  const secret = config.storage.downloadLinkSecret ?? randomBytes(32);
  const links = createDownloadLinks(secret, config.storage.downloadLinkTtlMinutes * 60_000, clock);
  const bot = new EmergencyBot({
    config,
    conversationState: new ConversationState(stores.stateStorage),
    clock,
    logger,
    listings: {
      reminders: stores.reminderStore,
      store: stores.listingStore,
      evidence: stores.evidenceStore,
      links,
      publicBaseUrl: config.storage.publicBaseUrl,
    },
  });
  const adapter = createAdapter(config, logger);
  const server = createServer({ adapter, bot, logger, clock, links, listingStore: stores.listingStore, webChat: webChatSettingsOf(config) });
  const reminders = startReminderScheduler({
    store: stores.reminderStore,
    adapter,
    appId: config.bot.appId ?? '',
    clock,
    logger,
    message: (reminder) => reminderText(reminder, config.contactCentre, clock()),
  });
  return {
    server,
    bot,
    links,
    reminders,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve(server.address().port));
      }),
    close: () =>
      new Promise((resolve) => {
        reminders.stop();
        server.close(() => resolve());
      }),
  };
}
