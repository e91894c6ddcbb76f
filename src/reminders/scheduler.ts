import type { Activity, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { Clock } from '../clock.js';
import { errorFields, type Logger } from '../logger.js';
import type { Reminder, ReminderStore } from './reminderStore.js';

export interface ReminderSchedulerDeps {
  readonly store: ReminderStore;
  readonly adapter: CloudAdapter;
  /** The bot's app id ('' without authentication). */
  readonly appId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** What to say when the reminder fires (the phone route, computed at that moment), text or activity. */
  readonly message: (reminder: Reminder) => Promise<string | Partial<Activity>> | string | Partial<Activity>;
  /** Prepares the proactive turn's context (the channel's rendering, e.g. Teams cards). */
  readonly prepare?: (context: TurnContext) => void;
  readonly intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 30_000;

/**
 * Sends due reminders proactively: every 30 s (and on demand in tests), claims each due one and
 * writes to its conversation. A reminder whose send fails after the claim is not retried — at
 * most once, never twice — and the failure is logged.
 */
export function startReminderScheduler(deps: ReminderSchedulerDeps): { tick(): Promise<number>; stop(): void } {
  let running: Promise<number> | undefined;
  const sendDue = async (): Promise<number> => {
    let sent = 0;
    for (const due of await deps.store.due(deps.clock())) {
      if (!(await due.claim())) continue;
      const reference = due.reminder.reference as Partial<ConversationReference>;
      try {
        const message = await deps.message(due.reminder);
        const activity: Partial<Activity> = typeof message === 'string' ? { type: 'message', text: message, textFormat: 'markdown' } : message;
        await deps.adapter.continueConversationAsync(deps.appId, reference, async (context) => {
          deps.prepare?.(context);
          await context.sendActivity({ ...activity, locale: due.reminder.locale });
        });
        sent += 1;
        deps.logger.info('reminder.sent', { channelId: due.reminder.reference.channelId });
      } catch (error) {
        deps.logger.error('reminder.send_failed', { ...errorFields(error), channelId: due.reminder.reference.channelId });
      }
    }
    return sent;
  };
  // One pass at a time: a slow pass is not overlapped by the next tick.
  const tick = () => (running ??= sendDue().finally(() => (running = undefined)));
  const timer = setInterval(() => {
    tick().catch((error: unknown) => deps.logger.error('reminder.tick_failed', errorFields(error)));
  }, deps.intervalMs ?? DEFAULT_INTERVAL_MS);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
