import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { ListingKey } from '../src/listing/model.js';

/**
 * Who a listing belongs to. In Teams, the organisation (Azure AD tenant): colleagues of one
 * company share listings, another company never sees them. Elsewhere (Web Chat, Emulator) there
 * is no organisation in the activity, so the channel and the user: a listing is the user's own.
 * Opaque: never shown, never in a blob name (hashed there) or a URL (sealed there).
 */
export function tenantKeyOf(activity: Partial<Activity>): string {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const teamsTenant = activity.conversation?.tenantId ?? channelData?.tenant?.id;
  if (activity.channelId === 'msteams' && typeof teamsTenant === 'string' && teamsTenant.length > 0) {
    return `msteams:tenant:${teamsTenant}`;
  }
  return `${activity.channelId ?? 'unknown'}:user:${activity.from?.id ?? 'anonymous'}`;
}

/**
 * The one access check of every listing operation (open, add, correct, remove, list, PDF,
 * erase): the listing must belong to the tenant of the activity being answered — not merely
 * be the one in the conversation's state. In a group conversation outside Teams, another member
 * is another tenant and cannot read or change the listing someone else opened there.
 */
export function canUseListing(activity: Partial<Activity>, key: ListingKey): boolean {
  return key.tenantKey === tenantKeyOf(activity);
}

/**
 * The id under which one user action changes stored data once, even if the channel redelivers
 * the activity. Channels give activity ids unique within a conversation; an activity without
 * an id cannot be recognised when redelivered, so it gets a fresh one.
 */
export function operationIdOf(activity: Partial<Activity>): string {
  const id = activity.id ?? randomUUID();
  return `${activity.conversation?.id ?? '-'}:${id}`.slice(-256);
}
