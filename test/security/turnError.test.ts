import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createTurnErrorHandler } from '../../src/adapter.js';
import { loadConfig } from '../../src/config.js';
import { CATALOGS } from '../../src/i18n/index.js';
import type { Locale } from '../../src/i18n/index.js';
import { createContainerClient, ListingStore, type UpdateResult } from '../../src/listing/listingStore.js';
import type { Listing, ListingKey } from '../../src/listing/model.js';
import { createLogger } from '../../src/logger.js';
import { ReminderStore, type StoredReference } from '../../src/reminders/reminderStore.js';
import { connectStores } from '../../src/storage/connect.js';
import { uniqueContainerName } from '../helpers/azurite.js';
import { startFakeChannel } from '../helpers/fakeChannel.js';
import { startTestApp } from '../helpers/testApp.js';
import { createTestConversation, INSTANTS, testStores } from '../helpers/testBot.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';
import { NISS_SHAPED } from './personalDataPatterns.js';

const NISS = buildNationalNumber('850730', 33, 1900);

/**
 * A reminder store whose next `set` throws, once: an unexpected failure (a bug, not an outage
 * the stores absorb) while the bot handles "remind me when it opens".
 */
class FailingReminderStore extends ReminderStore {
  private failures = 0;

  failNextSet(): void {
    this.failures += 1;
  }

  override async set(reference: StoredReference, dueAt: Date, locale: Locale, now: Date): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('simulated failure 85073003328');
    }
    return super.set(reference, dueAt, locale, now);
  }
}

/** A listing store whose next `update` throws, once: a failure in the middle of a waterfall step. */
class FailingListingStore extends ListingStore {
  private failures = 0;

  failNextUpdate(): void {
    this.failures += 1;
  }

  override async update(key: ListingKey, operationId: string, mutate: (current: Listing | undefined) => Listing | undefined): Promise<UpdateResult> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('simulated failure');
    }
    return super.update(key, operationId, mutate);
  }
}

/** On Saturday the contact centre is closed, so "remind me when it opens" stores a reminder. */
function conversationWithFailingReminders(locale: string) {
  const stores = testStores(() => INSTANTS.closed);
  const reminderStore = new FailingReminderStore(stores.container);
  const logs: string[] = [];
  const conversation = createTestConversation({ locale, now: INSTANTS.closed, stores: { ...stores, reminderStore } });
  conversation.adapter.onTurnError = createTurnErrorHandler('fr', createLogger('debug', (line) => logs.push(line)));
  return { conversation, reminderStore, logs };
}

describe('the turn error handler', () => {
  it('apologises in the language the user chose, not the channel’s, and logs the error without personal data', async () => {
    const { conversation, reminderStore, logs } = conversationWithFailingReminders('en-US');
    expect(await conversation.sayText('Nederlands')).toBe(CATALOGS.nl.language.switched);
    reminderStore.failNextSet();
    expect(await conversation.sayText(CATALOGS.nl.actions.remindMe)).toBe(CATALOGS.nl.error.turn);

    const failure = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'turn.failed');
    expect(failure).toMatchObject({ level: 'error', errorName: 'Error', channelId: 'test', activityType: 'message' });
    // The logger masks an identifier even in an error message.
    expect(failure?.errorMessage).toBe('simulated failure [redacted]');
    expect(logs.join('\n')).not.toMatch(NISS_SHAPED);
  });

  it('falls back to the channel’s language when the user chose none', async () => {
    const { conversation, reminderStore } = conversationWithFailingReminders('de-DE');
    reminderStore.failNextSet();
    expect(await conversation.sayText(CATALOGS.de.actions.remindMe)).toBe(CATALOGS.de.error.turn);
  });

  it('keeps the conversation where it was: the next message answers the same question', async () => {
    const { conversation, reminderStore } = conversationWithFailingReminders('fr-BE');
    expect(await conversation.sayText(CATALOGS.fr.actions.exemptToday)).toContain(CATALOGS.fr.procedure.node.cause.question);
    reminderStore.failNextSet();
    expect(await conversation.sayText(CATALOGS.fr.actions.remindMe)).toBe(CATALOGS.fr.error.turn);
    // "3": Checkinatwork itself is down — the answer to the question asked before the failure.
    expect(await conversation.sayText('3')).toContain(CATALOGS.fr.procedure.outcome.exemptServiceDown.title);
    // And the failed request works once the failure is gone.
    expect(await conversation.sayText(CATALOGS.fr.actions.remindMe)).toContain('lundi 30 novembre à 07:00');
  });

  // EmergencyBot.run saves state only after a turn that succeeded: a step that throws leaves the
  // prompt waiting for the same answer.
  it('keeps what was entered when a waterfall step fails: the same answer, sent again, continues', async () => {
    const stores = testStores(() => INSTANTS.open);
    const listingStore = new FailingListingStore(stores.container, () => INSTANTS.open);
    const conversation = createTestConversation({ locale: 'fr-BE', stores: { ...stores, listingStore } });
    conversation.adapter.onTurnError = createTurnErrorHandler('fr', createLogger('silent'));
    await conversation.sayText("J'ai un numéro de référence");
    await conversation.sayText('REF-FAIL-3');
    await conversation.sayText(`DECL${randomUUID().slice(0, 8)}`);
    await conversation.sayText("aujourd'hui");
    await conversation.sayText(NISS);
    expect(await conversation.sayText('Peeters')).toContain('Prénom de Peeters');

    listingStore.failNextUpdate();
    expect(await conversation.sayText('Jan')).toBe(CATALOGS.fr.error.turn);

    // "Your answers are kept: please send your last message again."
    expect(await conversation.sayText('Jan')).toContain('Travailleurs sur le listing\u00a0: 1');
  });
});

describe('a turn that fails behind /api/messages', () => {
  it('still answers 200 with the apology, and logs the failure under the request’s id, without personal data', async () => {
    const storage = loadConfig({ STORAGE_DATA_CONTAINER: uniqueContainerName('turn-error'), STORAGE_STATE_CONTAINER: uniqueContainerName('turn-error-state') }).storage;
    const connection = inject('azuriteConnectionString');
    const stores = await connectStores(connection, storage, () => INSTANTS.closed);
    const reminderStore = new FailingReminderStore(createContainerClient(connection, storage.dataContainer));
    const logs: string[] = [];
    const { app, port } = await startTestApp(
      { STORAGE_DATA_CONTAINER: storage.dataContainer, STORAGE_STATE_CONTAINER: storage.stateContainer },
      { clock: () => INSTANTS.closed, logger: createLogger('info', (line) => logs.push(line)), stores: { ...stores, reminderStore } },
    );
    const channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`, `conv-${randomUUID()}`);
    try {
      const say = (text: string) => channel.send({ text, locale: 'fr-BE' });
      await say(`${CATALOGS.fr.actions.exemptToday} ${NISS} Vandenbroucke`);
      reminderStore.failNextSet();
      const failed = await say(CATALOGS.fr.actions.remindMe);
      expect(failed.status).toBe(200);
      expect(failed.replies.map((r) => r.text)).toEqual([CATALOGS.fr.error.turn]);
      expect((await say('3')).replies.map((r) => r.text).join('\n')).toContain(CATALOGS.fr.procedure.outcome.exemptServiceDown.title);

      const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
      const failure = lines.find((l) => l.event === 'turn.failed');
      expect(failure?.requestId).toEqual(expect.any(String));
      const request = lines.find((l) => l.event === 'http.request' && l.requestId === failure?.requestId);
      expect(request).toMatchObject({ status: 200, route: '/api/messages', channelId: 'fakechannel', activityType: 'message' });
      const all = logs.join('\n');
      expect(all).not.toMatch(NISS_SHAPED);
      expect(all).not.toContain('Vandenbroucke');
    } finally {
      await channel.close();
      await app.close();
    }
  });
});
