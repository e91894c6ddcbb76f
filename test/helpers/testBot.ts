import { type Activity, ActivityTypes, ConversationState, MemoryStorage, type Storage, TestAdapter, UserState } from 'botbuilder';
import { EmergencyBot } from '../../src/bot.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

/** Fixed instants (UTC) with a known contact-centre status under the default hours. */
export const INSTANTS = {
  /** Wednesday 25 November 2026, 10:00 in Brussels: open until 20:00. */
  open: new Date('2026-11-25T09:00:00Z'),
  /** Saturday 28 November 2026, 10:00 in Brussels: closed, opens Monday 30 November at 07:00. */
  closed: new Date('2026-11-28T09:00:00Z'),
} as const;

export interface TestConversation {
  readonly adapter: TestAdapter;
  /** Sends a message (text, or a partial activity) and returns every reply of that turn. */
  say(message: string | Partial<Activity>): Promise<Partial<Activity>[]>;
  /** The texts of the replies, joined: handy for `toContain`. */
  sayText(message: string | Partial<Activity>): Promise<string>;
}

export function createTestConversation(options: {
  readonly locale?: string;
  readonly now?: Date;
  readonly config?: Config;
  readonly storage?: Storage;
  readonly channelId?: string;
} = {}): TestConversation {
  const storage = options.storage ?? new MemoryStorage();
  const bot = new EmergencyBot({
    config: options.config ?? loadConfig({}),
    conversationState: new ConversationState(storage),
    userState: new UserState(storage),
    clock: () => options.now ?? INSTANTS.open,
    logger: createLogger('silent'),
  });
  const adapter = new TestAdapter(async (context) => bot.run(context), {
    channelId: options.channelId ?? 'test',
    locale: options.locale ?? 'en-US',
  });
  const say = async (message: string | Partial<Activity>) => {
    const activity: Partial<Activity> =
      typeof message === 'string' ? { type: ActivityTypes.Message, text: message } : { type: ActivityTypes.Message, ...message };
    if (options.locale) activity.locale ??= options.locale;
    await adapter.receiveActivity(activity);
    return adapter.activeQueue.splice(0);
  };
  return {
    adapter,
    say,
    sayText: async (message) => (await say(message)).map((a) => a.text ?? '').join('\n---\n'),
  };
}
