import type { Activity } from 'botbuilder';
import { z } from 'zod';
import { isLoopbackUrl } from './loopback.js';

/**
 * What /api/messages accepts as a Bot Framework activity: the fields every channel sends
 * (type, serviceUrl, channelId, from, recipient, conversation) and the right types for the
 * fields the bot and the SDK read. Anything else is kept as sent (channels add their own
 * fields). A body that fails is the client's fault, answered 400 before any turn runs: the bot
 * and the SDK's reply serialisation then never meet a `from` without an id or a mention
 * without text.
 */

/**
 * The longest message text either entry point (/api/messages, the local Direct Line path) takes.
 * The longest answer this bot takes is a crew pasted one worker per line (issue 9): 500 lines of
 * ~40 characters, about what Teams accepts in one message (~28 KB). Longer texts cost CPU in
 * every recogniser for nothing.
 */
export const MAX_TEXT_CHARS = 28_000;

const id = z.string().min(1).max(1024);
const optionalText = (max: number) => z.string().max(max).nullish();

const channelAccount = z.looseObject({
  id,
  name: optionalText(1024),
  role: optionalText(64),
  aadObjectId: optionalText(256),
});

const conversationAccount = z.looseObject({
  id,
  name: optionalText(1024),
  tenantId: optionalText(256),
  conversationType: optionalText(64),
  isGroup: z.boolean().nullish(),
});

const entity = z.looseObject({ type: z.string().max(256) });

export const incomingActivitySchema = z
  .looseObject({
    type: z.string().min(1).max(64),
    id: optionalText(1024),
    serviceUrl: z.url({ protocol: /^https?$/ }).max(2048),
    channelId: z.string().min(1).max(64),
    from: channelAccount,
    recipient: channelAccount,
    conversation: conversationAccount,
    text: z.string().max(MAX_TEXT_CHARS).nullish(),
    textFormat: optionalText(32),
    locale: optionalText(64),
    replyToId: optionalText(1024),
    timestamp: optionalText(64),
    localTimestamp: optionalText(64),
    localTimezone: optionalText(128),
    name: optionalText(1024),
    value: z.unknown().optional(),
    channelData: z.unknown().optional(),
    entities: z.array(entity).max(100).nullish(),
    attachments: z.array(z.looseObject({ contentType: z.string().max(256) })).max(50).nullish(),
    membersAdded: z.array(channelAccount).max(1000).nullish(),
    membersRemoved: z.array(channelAccount).max(1000).nullish(),
  })
  .superRefine((activity, ctx) => {
    // TurnContext.removeRecipientMention replaces a mention of the bot in the text with ''.
    activity.entities?.forEach((e, index) => {
      if (e.type.toLowerCase() !== 'mention') return;
      const mentioned = (e as { mentioned?: unknown }).mentioned;
      const hasMentioned = typeof mentioned === 'object' && mentioned !== null && typeof (mentioned as { id?: unknown }).id === 'string';
      if (!hasMentioned || typeof (e as { text?: unknown }).text !== 'string') {
        ctx.addIssue({ code: 'custom', path: ['entities', index], message: 'a mention needs `mentioned.id` and `text`' });
      } else if ((mentioned as { id: string }).id === activity.recipient.id && typeof activity.text !== 'string') {
        ctx.addIssue({ code: 'custom', path: ['text'], message: 'a mention of the bot needs the message text' });
      }
    });
  });

/** Nulls are dropped: the SDK and the bot test fields with `??` and `!== undefined`. */
function withoutNulls(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
}

export type IncomingActivityCheck = { ok: true; activity: Activity } | { ok: false; issues: readonly string[] };

export interface IncomingActivityRules {
  /**
   * Unauthenticated mode (no MicrosoftAppId): the bot replies only to a serviceUrl on this
   * machine, never to one a sender chose elsewhere (replies, stored reminders).
   */
  readonly isLoopbackServiceUrlOnly: boolean;
}

/**
 * The body as an activity, with its timestamps as Dates (as the SDK's own adapter does), or the
 * paths of what is wrong — never the values, which may be message text. The one check of both
 * entry points: /api/messages and the local Direct Line path.
 */
export function checkIncomingActivity(body: unknown, rules: IncomingActivityRules): IncomingActivityCheck {
  const parsed = incomingActivitySchema.safeParse(body);
  if (!parsed.success) {
    const issues = [...new Set(parsed.error.issues.map((issue) => issue.path.map(String).join('.') || '(body)'))].slice(0, 10);
    return { ok: false, issues };
  }
  if (rules.isLoopbackServiceUrlOnly && !isLoopbackUrl(parsed.data.serviceUrl)) return { ok: false, issues: ['serviceUrl'] };
  const raw = parsed.data;
  const activity = withoutNulls(raw);
  for (const account of ['from', 'recipient', 'conversation'] as const) activity[account] = withoutNulls(raw[account]);
  // Like the SDK's own adapter (activityValidator.ts of botbuilder): timestamps become Dates,
  // the text is kept as `raw…`. One that is not a date is dropped rather than refusing the message.
  for (const [field, rawField] of [['timestamp', 'rawTimestamp'], ['localTimestamp', 'rawLocalTimestamp']] as const) {
    const value = raw[field];
    if (typeof value !== 'string') continue;
    const date = new Date(value);
    activity[rawField] = value;
    if (Number.isNaN(date.getTime())) delete activity[field];
    else activity[field] = date;
  }
  // The schema above checked every field the bot and the SDK read; the rest is the channel's.
  return { ok: true, activity: activity as unknown as Activity };
}
