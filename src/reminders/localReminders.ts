import type { Activity } from 'botbuilder';
import { LOCAL_CHANNEL_ID } from '../webchat/localDirectLine.js';

/**
 * Whether a reminder set in this conversation could ever be delivered. Not on the local Web Chat
 * path (no Direct Line secret, no MicrosoftAppId): its conversations live in this process's
 * memory, under a connector address that changes at every start, and are forgotten after 30
 * idle minutes — a reminder for the next opening would reach nobody, after a restart or simply
 * overnight. Rather than promise it, the bot says so and gives the opening time (bot.ts).
 * Direct Line's own Web Chat (channel "webchat" too, but the service's serviceUrl), Teams and
 * the other channels keep their reminders in blob storage and get them after a restart.
 */
export function canRemindLater(activity: Pick<Partial<Activity>, 'channelId' | 'serviceUrl'>): boolean {
  if (activity.channelId !== LOCAL_CHANNEL_ID) return true;
  const serviceUrl = activity.serviceUrl ?? '';
  return !/\/local-connector\//.test(serviceUrl);
}
