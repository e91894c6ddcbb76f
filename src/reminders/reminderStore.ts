import { createHash } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import { z } from 'zod';
import { isLocale, type Locale } from '../i18n/index.js';
import { deleteBlob, listBlobNames, parseStored, readJsonBlob, statusOf, writeJsonBlob } from '../listing/listingStore.js';

/**
 * "Remind me when it opens": one pending reminder per conversation, as a blob, so it survives a
 * restart and any instance can send it. Sent at most once: the sender first claims the blob by
 * deleting it with its ETag; only the instance whose delete succeeds sends.
 */
export const REMINDER_SCHEMA_VERSION = 1;
const ROOT = 'reminders/';

/**
 * Just what is needed to write to the conversation again (a ConversationReference without the
 * user's display name, which is personal data the reminder does not need).
 */
const referenceSchema = z.object({
  channelId: z.string().min(1).max(64),
  serviceUrl: z.url(),
  conversation: z.object({ id: z.string().min(1).max(512), tenantId: z.string().max(128).optional(), conversationType: z.string().max(32).optional(), isGroup: z.boolean().optional() }),
  bot: z.object({ id: z.string().min(1).max(256) }),
  user: z.object({ id: z.string().min(1).max(256) }).optional(),
  locale: z.string().max(32).optional(),
});
export type StoredReference = z.infer<typeof referenceSchema>;

export const reminderSchema = z.object({
  schemaVersion: z.literal(REMINDER_SCHEMA_VERSION),
  dueAt: z.iso.datetime({ offset: true }),
  locale: z.string().refine(isLocale),
  reference: referenceSchema,
  createdAt: z.iso.datetime({ offset: true }),
});
export type Reminder = z.infer<typeof reminderSchema>;

export interface DueReminder {
  readonly reminder: Reminder;
  /** Claims it (at most once across instances); true when this caller may send it. */
  claim(): Promise<boolean>;
}

function blobNameOf(reference: Pick<StoredReference, 'channelId' | 'conversation'>): string {
  const hash = createHash('sha256').update(`${reference.channelId}\n${reference.conversation.id}`).digest('hex').slice(0, 40);
  return `${ROOT}${hash}.json`;
}

export class ReminderStore {
  constructor(private readonly container: ContainerClient) {}

  /** Sets (or moves) this conversation's reminder. */
  async set(reference: StoredReference, dueAt: Date, locale: Locale, now: Date): Promise<void> {
    const reminder: Reminder = reminderSchema.parse({
      schemaVersion: REMINDER_SCHEMA_VERSION,
      dueAt: dueAt.toISOString(),
      locale,
      reference: referenceSchema.parse(reference),
      createdAt: now.toISOString(),
    });
    const blob = this.container.getBlobClient(blobNameOf(reference));
    // Last request wins on purpose: a conversation has one reminder, the newest one.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const current = await readJsonBlob(blob);
      if (await writeJsonBlob(blob, reminder, current ? { ifMatch: current.etag } : { ifNoneMatch: '*' })) return;
    }
    throw new Error('could not store the reminder after repeated conflicts');
  }

  async cancel(reference: Pick<StoredReference, 'channelId' | 'conversation'>): Promise<boolean> {
    return deleteBlob(this.container.getBlobClient(blobNameOf(reference)));
  }

  async get(reference: Pick<StoredReference, 'channelId' | 'conversation'>): Promise<Reminder | undefined> {
    const blob = this.container.getBlobClient(blobNameOf(reference));
    const read = await readJsonBlob(blob);
    return read ? parseStored(reminderSchema, read.json, blob.name) : undefined;
  }

  /** Reminders due at `now`, each with its claim. */
  async due(now: Date): Promise<DueReminder[]> {
    const due: DueReminder[] = [];
    for (const name of await listBlobNames(this.container, ROOT)) {
      const blob = this.container.getBlobClient(name);
      const read = await readJsonBlob(blob);
      if (!read) continue;
      const reminder = parseStored(reminderSchema, read.json, name);
      if (new Date(reminder.dueAt).getTime() > now.getTime()) continue;
      due.push({
        reminder,
        claim: async () => {
          try {
            await blob.delete({ conditions: { ifMatch: read.etag } });
            return true;
          } catch (error) {
            // Claimed (or moved) by someone else in between: not ours to send.
            if (statusOf(error) === 412 || statusOf(error) === 404) return false;
            throw error;
          }
        },
      });
    }
    return due;
  }
}
