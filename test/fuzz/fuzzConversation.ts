import { randomUUID } from 'node:crypto';
import { type Activity, ActivityTypes, ConversationState, MemoryStorage, TestAdapter } from 'botbuilder';
import { EmergencyBot } from '../../src/bot.js';
import { loadConfig } from '../../src/config.js';
import { checkIncomingActivity } from '../../src/http/activitySchema.js';
import { createDownloadLinks } from '../../src/listing/downloadLinks.js';
import type { Logger } from '../../src/logger.js';
import { INSTANTS, TEST_LINK_SECRET, type testStores } from '../helpers/testBot.js';

/**
 * The bot behind a TestAdapter, like test/helpers/testBot.ts, but with the logger given (the
 * fuzz scans what it logs) and no turn error handler: an exception fails the property.
 */
export interface FuzzConversation {
  /** The activity as /api/messages would hand it to the bot, or undefined when it would answer 400. */
  accepted(message: Partial<Activity>): Partial<Activity> | undefined;
  say(message: string | Partial<Activity>): Promise<Partial<Activity>[]>;
}

const CONFIG = loadConfig({});

export function startFuzzConversation(options: {
  readonly locale: string;
  readonly channelId: string;
  readonly stores: ReturnType<typeof testStores>;
  readonly logger: Logger;
}): FuzzConversation {
  const clock = () => INSTANTS.open;
  const { stores } = options;
  const bot = new EmergencyBot({
    config: CONFIG,
    conversationState: new ConversationState(new MemoryStorage()),
    clock,
    logger: options.logger,
    listings: {
      reminders: stores.reminderStore,
      store: stores.listingStore,
      evidence: stores.evidenceStore,
      links: createDownloadLinks(TEST_LINK_SECRET, 15 * 60_000, clock),
      publicBaseUrl: 'http://localhost:3978',
    },
  });
  const template = {
    channelId: options.channelId,
    locale: options.locale,
    serviceUrl: 'https://test.localhost/',
    from: { id: `user-${randomUUID()}`, name: 'Foreman' },
    recipient: { id: 'bot', name: 'Bot' },
    conversation: { id: `conv-${randomUUID()}`, isGroup: false, conversationType: 'personal', name: 'fuzz' },
  };
  const adapter = new TestAdapter(async (context) => bot.run(context), template);
  const complete = (message: string | Partial<Activity>): Partial<Activity> => ({
    type: ActivityTypes.Message,
    ...(typeof message === 'string' ? { text: message } : message),
    id: randomUUID(),
  });
  return {
    accepted(message) {
      const activity = complete(message);
      return checkIncomingActivity({ ...activity, ...template }, { isLoopbackServiceUrlOnly: false }).ok ? activity : undefined;
    },
    async say(message) {
      await adapter.receiveActivity(complete(message));
      return adapter.activeQueue.splice(0);
    },
  };
}
