import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { CATALOGS } from '../../src/i18n/index.js';
import { createLogger } from '../../src/logger.js';
import { connectStores, type Stores } from '../../src/storage/connect.js';
import { uniqueContainerName } from '../helpers/azurite.js';
import { startFakeChannel, type FakeChannel } from '../helpers/fakeChannel.js';
import { startTestApp } from '../helpers/testApp.js';
import { INSTANTS } from '../helpers/testBot.js';

const BOT = { id: '28:bot-app-id', name: 'Checkinatwork' };

describe('Teams-shaped traffic over /api/messages', () => {
  let app: App;
  let channel: FakeChannel;
  let now = INSTANTS.closed;
  const tenant = randomUUID();

  beforeAll(async () => {
    let port: number;
    ({ app, port } = await startTestApp({}, { clock: () => now }));
    channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`);
  });

  afterAll(async () => {
    await channel?.close();
    await app?.close();
  });

  const teams = (conversationType: 'personal' | 'channel' | 'groupChat', conversationId = `19:${randomUUID()}@thread.tacv2`) => ({
    channelId: 'msteams',
    recipient: BOT,
    from: { id: '29:user-aad', name: 'Site manager' },
    conversation: { id: conversationId, tenantId: tenant, conversationType, isGroup: conversationType !== 'personal', name: '' },
    channelData: { tenant: { id: tenant } },
  });

  it('answers an @mention in a team channel, ignoring the mention text, with card buttons', async () => {
    const { status, replies } = await channel.send({
      ...teams('channel'),
      text: '<at>Checkinatwork</at> Checkinatwork is down, am I exempt?',
      entities: [{ type: 'mention', mentioned: BOT, text: '<at>Checkinatwork</at>' }],
      locale: 'en-US',
    });
    expect(status).toBe(200);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain(CATALOGS.en.procedure.outcome.exemptServiceDown.title);
    // In channels suggested actions do not show: the buttons come as an Adaptive Card (1.5).
    expect(replies[0]?.suggestedActions).toBeUndefined();
    const card = replies[0]?.attachments?.[0];
    expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const content = card?.content as { version: string; actions: { title: string; data: unknown }[] };
    expect(content.version).toBe('1.5');
    expect(content.actions[0]).toEqual({
      type: 'Action.Submit',
      title: CATALOGS.en.actions.recordEvidence,
      data: { msteams: { type: 'imBack', value: CATALOGS.en.actions.recordEvidence } },
    });
  });

  it('handles an Adaptive Card submit like a typed answer, in the language Teams sends', async () => {
    const shape = teams('personal');
    const first = await channel.send({ ...shape, text: 'Ben ik vandaag vrijgesteld?', locale: 'nl-BE' });
    expect(first.replies.map((r) => r.text).join('\n')).toContain(CATALOGS.nl.procedure.node.cause.question);
    const verdict = await channel.send({ ...shape, text: '', value: { answer: 'thirdParty' }, locale: 'nl-BE' });
    expect(verdict.replies[0]?.text).toContain(CATALOGS.nl.procedure.outcome.exemptThirdParty.title);
  });

  it('welcomes in the user’s language when the app is installed, in two lines', async () => {
    const { replies } = await channel.send({
      ...teams('personal'),
      type: 'conversationUpdate',
      membersAdded: [BOT],
      locale: 'de-DE',
    });
    expect(replies[0]?.text).toBe(CATALOGS.de.welcome);
  });

  it('does not greet every colleague who joins a team', async () => {
    const { replies } = await channel.send({ ...teams('channel'), type: 'conversationUpdate', membersAdded: [{ id: '29:new-colleague', name: '' }] });
    expect(replies).toHaveLength(0);
  });
});

describe('"remind me when it opens"', () => {
  let stores: Stores;
  let channel: FakeChannel;
  let now = INSTANTS.closed; // Saturday 10:00: closed until Monday 07:00
  const apps: App[] = [];
  let port = 0;

  const start = async () => {
    const config = loadConfig({ PORT: String(port), HOST: '127.0.0.1', STORAGE_DATA_CONTAINER: containers.data, STORAGE_STATE_CONTAINER: containers.state });
    const app = createApp(config, stores, { clock: () => now, logger: createLogger('silent') });
    port = await app.listen();
    apps.push(app);
    return app;
  };
  const containers = { data: uniqueContainerName('e2e-remind'), state: uniqueContainerName('e2e-remind-state') };

  beforeAll(async () => {
    const config = loadConfig({ STORAGE_DATA_CONTAINER: containers.data, STORAGE_STATE_CONTAINER: containers.state });
    stores = await connectStores(inject('azuriteConnectionString'), config.storage, () => now);
    await start();
    channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`, `conv-${randomUUID()}`);
  });

  afterAll(async () => {
    await channel?.close();
    for (const app of apps) await app.close();
  });

  it('messages the user once at the next opening with the phone route, even after a restart', async () => {
    now = INSTANTS.closed;
    const closed = await channel.send({ text: 'Is the contact centre open?', locale: 'en-US' });
    expect(closed.replies[0]?.suggestedActions?.actions.map((a) => a.title)).toEqual([CATALOGS.en.actions.remindMe]);
    const set = await channel.send({ text: CATALOGS.en.actions.remindMe, locale: 'en-US' });
    expect(set.replies[0]?.text).toContain("I'll write to you here on Monday 30 November at 07:00");

    // A restart: the reminder is in blob storage, the new instance sends it.
    await apps[0]?.close();
    const app = await start();
    expect(await app.reminders.tick()).toBe(0); // still Saturday

    now = new Date('2026-11-30T06:00:30Z'); // Monday 07:00:30 in Brussels
    const before = channel.received.length;
    expect(await app.reminders.tick()).toBe(1);
    const proactive = channel.received.slice(before).map((a) => a.text ?? '').join('\n');
    expect(proactive).toContain(CATALOGS.en.reminder.message);
    // The number is a link that dials it on a phone (one tap), and stays readable.
    expect(proactive).toContain('Call [02 511 51 51](tel:+3225115151)');
    expect(channel.received.at(-1)?.suggestedActions?.actions[0]).toEqual({ type: 'openUrl', title: 'Call 02 511 51 51', value: 'tel:+3225115151' });
    expect(await app.reminders.tick()).toBe(0); // at most once
  });

  it('can be cancelled', async () => {
    now = INSTANTS.closed;
    await channel.send({ text: 'Remind me when it opens', locale: 'en-US' });
    const cancelled = await channel.send({ text: 'cancel the reminder', locale: 'en-US' });
    expect(cancelled.replies[0]?.text).toBe(CATALOGS.en.reminder.cancelled);
    now = new Date('2026-11-30T06:00:30Z');
    expect(await apps.at(-1)?.reminders.tick()).toBe(0);
  });
});
