import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { CATALOGS, t } from '../../src/i18n/index.js';
import type { Stores } from '../../src/storage/connect.js';
import { type FakeChannel, startFakeChannel } from '../helpers/fakeChannel.js';
import { startTestApp } from '../helpers/testApp.js';
import { INSTANTS } from '../helpers/testBot.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

const NISS = buildNationalNumber('850730', 33, 1900);

/**
 * A channel that did not get the bot's 200 in time delivers the same activity again — the very
 * same JSON, id included. Over /api/messages, the second delivery has no effect.
 */
describe('the same activity delivered twice over /api/messages', () => {
  let app: App;
  let port: number;
  let stores: Stores;
  let channel: FakeChannel;

  beforeAll(async () => {
    ({ app, port, stores } = await startTestApp({}, { clock: () => INSTANTS.open }));
    channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`);
  });

  afterAll(async () => {
    await channel?.close();
    await app?.close();
  });

  function conversation() {
    const conversationId = `conv-redelivery-${randomUUID()}`;
    const userId = `user-${randomUUID()}`;
    const activity = (text: string) => ({
      type: 'message',
      id: `activity-${randomUUID()}`,
      timestamp: new Date().toISOString(),
      channelId: 'fakechannel',
      serviceUrl: channel.serviceUrl,
      locale: 'en-US',
      from: { id: userId, name: 'Foreman' },
      recipient: { id: 'bot-1', name: 'Bot' },
      conversation: { id: conversationId },
      text,
    });
    /** Posts exactly this body; resolves with the status and every reply to its id so far. */
    const deliver = async (body: ReturnType<typeof activity>) => {
      const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await response.arrayBuffer();
      return { status: response.status, replies: channel.received.filter((r) => r.replyToId === body.id).map((r) => r.text ?? '') };
    };
    const say = async (text: string) => (await deliver(activity(text))).replies.join('\n');
    return { activity, deliver, say, tenantKey: `fakechannel:user:${userId}` };
  }

  it('answers once during the procedure, and the procedure moves on by one question', async () => {
    const { node } = CATALOGS.en.procedure;
    const { activity, deliver, say } = conversation();
    expect(await say('Am I exempt today?')).toContain(node.cause.question);

    const answer = activity('1'); // my service provider
    const first = await deliver(answer);
    expect(first.status).toBe(200);
    expect(first.replies.join('\n')).toContain(node.providerContacted.question);
    const again = await deliver(answer);
    expect(again.status).toBe(200);
    expect(again.replies).toEqual(first.replies);

    // Had "1" been taken twice, it would have answered this question too ("Yes, it has a solution").
    expect(await say('2')).toContain(node.providerOtherChannel.question);
  });

  it('stores the worker once and confirms it once during the listing', async () => {
    const { activity, deliver, say, tenantKey } = conversation();
    const declaration = `RED${randomUUID().slice(0, 8).toUpperCase()}`;
    await say('I have a reference number');
    await say('REF-REDELIVERY');
    await say(declaration);
    await say('today');
    await say(NISS);
    await say('Goossens');

    const firstName = activity('Sara');
    const first = await deliver(firstName);
    expect(first.replies.join('\n')).toContain('Added: 85.07.30-\\*\\*\\*.\\*\\* — Goossens Sara. Workers on the listing: 1.');
    const again = await deliver(firstName);
    expect(again.status).toBe(200);
    expect(again.replies).toEqual(first.replies);

    const listing = await stores.listingStore.get({ tenantKey, declarationNumber: declaration, date: '2026-11-25' });
    expect(listing?.workers).toHaveLength(1);
    // And the dialog is where one addition leaves it: asking for worker no. 2.
    expect(await say('list')).toContain(t('en', 'listing.askWorkerId', { n: 2 }));
  });
});
