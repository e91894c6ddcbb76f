import { randomUUID } from 'node:crypto';
import { type Activity, ActivityTypes, ConversationState, MemoryStorage, type Storage, TestAdapter } from 'botbuilder';
import { inject } from 'vitest';
import { EmergencyBot } from '../../src/bot.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createDownloadLinks, type DownloadLinks } from '../../src/listing/downloadLinks.js';
import { EvidenceStore } from '../../src/listing/evidenceStore.js';
import { createPendingWorkerSeal } from '../../src/listing/pendingWorker.js';
import { createContainerClient, ListingStore } from '../../src/listing/listingStore.js';
import { createLogger } from '../../src/logger.js';
import { ReminderStore } from '../../src/reminders/reminderStore.js';
import { uniqueContainerName } from './azurite.js';

/** Fixed instants (UTC) with a known contact-centre status under the default hours. */
export const INSTANTS = {
  /** Wednesday 25 November 2026, 10:00 in Brussels: open until 20:00. */
  open: new Date('2026-11-25T09:00:00Z'),
  /** Saturday 28 November 2026, 10:00 in Brussels: closed, opens Monday 30 November at 07:00. */
  closed: new Date('2026-11-28T09:00:00Z'),
} as const;

export const TEST_LINK_SECRET = Buffer.alloc(32, 7);

/** Listing and evidence stores on the run's Azurite, in a container of this test file's own. */
export function testStores(clock: () => Date, containerName = uniqueContainerName('test-data')) {
  const container = createContainerClient(inject('azuriteConnectionString'), containerName);
  const ready = container.createIfNotExists();
  return {
    container,
    ready,
    listingStore: new ListingStore(container, clock),
    reminderStore: new ReminderStore(container),
    evidenceStore: new EvidenceStore(container, clock),
  };
}

export interface TestConversation {
  readonly adapter: TestAdapter;
  readonly links: DownloadLinks;
  readonly listingStore: ListingStore;
  readonly evidenceStore: EvidenceStore;
  /** The user and conversation of this test conversation (unique per conversation). */
  readonly userId: string;
  /** Sends a message (text, or a partial activity) and returns every reply of that turn. */
  say(message: string | Partial<Activity>): Promise<Partial<Activity>[]>;
  /** The texts of the replies, joined: handy for `toContain`. */
  sayText(message: string | Partial<Activity>): Promise<string>;
}

const sharedStores = new Map<string, ReturnType<typeof testStores>>();

export function createTestConversation(options: {
  readonly locale?: string;
  readonly now?: Date;
  readonly config?: Config;
  readonly storage?: Storage;
  readonly channelId?: string;
  readonly userId?: string;
  readonly conversationId?: string;
  readonly stores?: ReturnType<typeof testStores>;
} = {}): TestConversation {
  const storage = options.storage ?? new MemoryStorage();
  const clock = () => options.now ?? INSTANTS.open;
  const key = 'default';
  const stores = options.stores ?? sharedStores.get(key) ?? testStores(() => INSTANTS.open);
  if (!options.stores) sharedStores.set(key, stores);
  const links = createDownloadLinks(TEST_LINK_SECRET, 15 * 60_000, clock);
  const bot = new EmergencyBot({
    config: options.config ?? loadConfig({}),
    conversationState: new ConversationState(storage),
    clock,
    logger: createLogger('silent'),
    listings: {
      reminders: stores.reminderStore,
      store: stores.listingStore,
      evidence: stores.evidenceStore,
      links,
      publicBaseUrl: 'http://localhost:3978',
      // One key for every test bot: a "restart" (a new bot on the same state) still opens it.
      pendingWorkers: createPendingWorkerSeal(TEST_LINK_SECRET, clock),
    },
  });
  const userId = options.userId ?? `user-${randomUUID()}`;
  const adapter = new TestAdapter(async (context) => bot.run(context), {
    channelId: options.channelId ?? 'test',
    locale: options.locale ?? 'en-US',
    from: { id: userId, name: 'Foreman' },
    recipient: { id: 'bot', name: 'Bot' },
    conversation: { id: options.conversationId ?? `conv-${randomUUID()}`, isGroup: false, conversationType: 'personal', name: 'test' },
  });
  const say = async (message: string | Partial<Activity>) => {
    await stores.ready;
    const activity: Partial<Activity> =
      typeof message === 'string' ? { type: ActivityTypes.Message, text: message } : { type: ActivityTypes.Message, ...message };
    if (options.locale) activity.locale ??= options.locale;
    // Unique like a channel's: TestAdapter's own counter restarts with each adapter.
    activity.id ??= randomUUID();
    await adapter.receiveActivity(activity);
    return adapter.activeQueue.splice(0);
  };
  return {
    adapter,
    links,
    listingStore: stores.listingStore,
    evidenceStore: stores.evidenceStore,
    userId,
    say,
    sayText: async (message) => (await say(message)).map((a) => a.text ?? '').join('\n---\n'),
  };
}
