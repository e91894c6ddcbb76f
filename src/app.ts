import { randomBytes } from 'node:crypto';
import { ConversationState } from 'botbuilder';
import type restify from 'restify';
import { createAdapter } from './adapter.js';
import { EmergencyBot } from './bot.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { createDownloadLinks, type DownloadLinks } from './listing/downloadLinks.js';
import { createLogger, type Logger } from './logger.js';
import { EvidenceOutbox } from './listing/evidenceOutbox.js';
import { ListingOutbox, type OutboxRetryPolicy } from './listing/outbox.js';
import { createPendingWorkerSeal } from './listing/pendingWorker.js';
import { reminderActivity } from '../dialogs/messages.js';
import { useTeamsCards } from '../dialogs/teamsCards.js';
import { startReminderScheduler } from './reminders/scheduler.js';
import { createServer } from './server.js';
import type { Stores } from './storage/connect.js';
import type { RateLimit } from './http/rateLimit.js';
import type { LocalConversationLimits } from './webchat/localConversations.js';
import type { Journal } from './storage/journal.js';
import { watchStorageReturn } from './storage/outageWatch.js';
import { webChatSettingsOf } from './webchat/registerWebChat.js';

export interface AppOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** How long close() lets requests in flight finish before cutting their connections. */
  readonly closeGraceMs?: number;
  /** Background retries of listing changes kept while storage is unreachable (outbox.ts). */
  readonly outageRetry?: Partial<OutboxRetryPolicy>;
  /** Bounds of the local Web Chat path and the per-client creation limit (tests; defaults otherwise). */
  readonly webChatLimits?: { readonly local?: LocalConversationLimits; readonly creation?: RateLimit };
  /** Makes what is kept during an outage durable, and replays what a previous process kept (journal.ts). */
  readonly journal?: Journal | undefined;
  /** How often storage is probed while something waits for it (outageWatch.ts). */
  readonly storageWatchMs?: number;
}

const DEFAULT_CLOSE_GRACE_MS = 10_000;
// Keep-alive connections that fall idle while closing are closed this often.
const IDLE_SWEEP_MS = 100;

export interface App {
  readonly server: restify.Server;
  readonly bot: EmergencyBot;
  readonly links: DownloadLinks;
  /** Listing changes kept while storage is unreachable, saved when it is back. */
  readonly listingOutbox: ListingOutbox;
  /** Evidence records kept while storage is unreachable. */
  readonly evidenceOutbox: EvidenceOutbox;
  /** Sends due "remind me when it opens" messages; `tick()` runs one pass now. */
  readonly reminders: { tick(): Promise<number> };
  /** Resolves with the bound port (PORT=0 picks a free one). */
  listen(): Promise<number>;
  /**
   * Stops accepting connections; resolves when requests in flight have finished (their turns
   * included), or after `closeGraceMs` (default 10 s), when the connections left are cut;
   * then the listing outbox makes its last attempt. Stores are not closed here (Stores.close).
   */
  close(): Promise<void>;
}

/** Wires config → stores → bot → server. Used by main.ts and by the end-to-end tests. */
export function createApp(config: Config, stores: Stores, options: AppOptions = {}): App {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  // Without a configured secret, links die with the process: fine for one local instance.
  const secret = config.storage.downloadLinkSecret ?? randomBytes(32);
  const links = createDownloadLinks(secret, config.storage.downloadLinkTtlMinutes * 60_000, clock);
  // On the stores' listing store, whatever it is (tests substitute a faulty one).
  const outboxOptions = { logger, journal: options.journal, ...(options.outageRetry ? { retry: options.outageRetry } : {}) };
  const listingOutbox = new ListingOutbox(stores.listingStore, outboxOptions);
  const evidenceOutbox = new EvidenceOutbox(stores.evidenceStore, outboxOptions);
  // Storage back: everything waiting is replayed at once, not at the next back-off.
  const storageWatch = watchStorageReturn({
    probe: () => stores.outage.probe(),
    waiting: () => listingOutbox.size + evidenceOutbox.size + stores.outage.waiting(),
    replay: async () => {
      await Promise.all([listingOutbox.flush(), evidenceOutbox.flush(), stores.outage.replay()]);
    },
    logger,
    ...(options.storageWatchMs ? { intervalMs: options.storageWatchMs } : {}),
  });
  const bot = new EmergencyBot({
    config,
    conversationState: new ConversationState(stores.stateStorage),
    clock,
    logger,
    listings: {
      reminders: stores.reminderStore,
      store: stores.listingStore,
      outbox: listingOutbox,
      evidence: stores.evidenceStore,
      evidenceOutbox,
      links,
      publicBaseUrl: config.storage.publicBaseUrl,
      // From the same secret: with DOWNLOAD_LINK_SECRET set, a worker half-entered survives a
      // restart and another instance; without it, like the links, it dies with the process.
      pendingWorkers: createPendingWorkerSeal(secret, clock),
    },
  });
  const adapter = createAdapter(config, logger);
  const server = createServer({
    adapter,
    bot,
    logger,
    clock,
    links,
    listingStore: stores.listingStore,
    webChat: webChatSettingsOf(config),
    access: config.access,
    ...(options.webChatLimits ? { webChatLimits: options.webChatLimits } : {}),
    // ConversationState's key (botbuilder-core): what a forgotten local conversation left.
    forgetConversation: (channelId, conversationId) => stores.stateStorage.delete([`${channelId}/conversations/${conversationId}/`]),
  });
  const reminders = startReminderScheduler({
    store: stores.reminderStore,
    adapter,
    appId: config.bot.appId ?? '',
    clock,
    logger,
    message: (reminder) => reminderActivity(reminder, config.contactCentre, clock()),
    prepare: useTeamsCards,
    intervalMs: config.reminders.checkIntervalSeconds * 1000,
  });
  return {
    server,
    bot,
    links,
    listingOutbox,
    evidenceOutbox,
    reminders,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve(server.address().port));
      }),
    close: async () => {
      reminders.stop();
      storageWatch.stop();
      await closeServer(server, options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS, logger);
      await Promise.all([listingOutbox.close(), evidenceOutbox.close()]);
    },
  };
}

/**
 * restify's close() is Node's: no new connections, and the callback once every connection has
 * ended. Idle keep-alive connections (a channel's pooled ones) would hold it until they time
 * out, so they are closed at once and as soon as each request in flight has been answered;
 * after the grace period whatever is left is cut.
 */
function closeServer(server: restify.Server, graceMs: number, logger: Logger): Promise<void> {
  const http = server.server;
  const closeIdle = () => {
    if ('closeIdleConnections' in http) http.closeIdleConnections();
  };
  return new Promise((resolve) => {
    const sweeper = setInterval(closeIdle, IDLE_SWEEP_MS);
    const deadline = setTimeout(() => {
      logger.warn('server.close_grace_expired', { graceMs });
      if ('closeAllConnections' in http) http.closeAllConnections();
    }, graceMs);
    server.close(() => {
      clearInterval(sweeper);
      clearTimeout(deadline);
      resolve();
    });
    closeIdle();
  });
}
