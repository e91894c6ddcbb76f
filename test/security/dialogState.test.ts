import { randomUUID } from 'node:crypto';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { App } from '../../src/app.js';
import { CATALOGS } from '../../src/i18n/index.js';
import { StateRetention } from '../../src/state/stateRetention.js';
import { startFakeChannel, type FakeChannel } from '../helpers/fakeChannel.js';
import { startTestApp } from '../helpers/testApp.js';
import { INSTANTS } from '../helpers/testBot.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

/**
 * Issue 13, finding 3: a worker half-entered (stopped at the first-name question) left the full
 * NISS and the surname in the conversation's state blob, kept forever; erasing the listing did
 * not touch it. The real app over /api/messages, state in Azurite, read back blob by blob.
 */
const NISS = buildNationalNumber('850730', 33, 1900);
const SURNAME = 'Vandermeulenbroeck';
const FORMS = [NISS, `${NISS.slice(0, 6)}${NISS.slice(6, 9)}`, NISS.slice(6), `${NISS.slice(0, 2)}.${NISS.slice(2, 4)}.${NISS.slice(4, 6)}-${NISS.slice(6, 9)}`];

async function allStateText(container: ContainerClient): Promise<{ names: string[]; text: string }> {
  const names: string[] = [];
  let text = '';
  for await (const blob of container.listBlobsFlat()) {
    names.push(blob.name);
    text += (await container.getBlobClient(blob.name).downloadToBuffer()).toString('utf8');
  }
  return { names, text };
}

describe('identifiers in dialog state', () => {
  let app: App;
  let port = 0;
  let channel: FakeChannel;
  let container: ContainerClient;
  let now = INSTANTS.open.getTime();

  beforeAll(async () => {
    let config;
    ({ app, port, config } = await startTestApp({}, { clock: () => new Date(now) }));
    container = BlobServiceClient.fromConnectionString(inject('azuriteConnectionString')).getContainerClient(config.storage.stateContainer);
  });

  afterAll(async () => {
    await channel?.close();
    await app?.close();
  });

  async function halfEnterWorker(conversationId: string) {
    channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`, conversationId);
    for (const text of ['I have a reference number', 'REF-STATE-1', `DECL${randomUUID().slice(0, 6)}`, 'today', NISS]) {
      expect((await channel.send({ text, locale: 'en-US' })).status).toBe(200);
    }
    const asked = await channel.send({ text: SURNAME, locale: 'en-US' });
    // The question still names the person (unsealed to be shown), only the state does not.
    expect(asked.replies.map((r) => r.text).join()).toContain(SURNAME);
    return channel;
  }

  it('keeps neither the NISS nor the surname of a half-entered worker in the state blob, and still finishes it', async () => {
    const talk = await halfEnterWorker(`conv-state-${randomUUID()}`);
    const { names, text } = await allStateText(container);
    expect(names.length).toBeGreaterThan(0);
    for (const form of FORMS) expect(text).not.toContain(form);
    expect(text).not.toContain(SURNAME);
    const added = await talk.send({ text: 'Jan', locale: 'en-US' });
    expect(added.replies.map((r) => r.text).join()).toContain('Added:');
    await talk.close();
  });

  it('forgets a half-entered worker after some hours: the identifier is asked again', async () => {
    const talk = await halfEnterWorker(`conv-expiry-${randomUUID()}`);
    now += 13 * 3600_000;
    try {
      const answer = await talk.send({ text: 'Jan', locale: 'en-US' });
      const text = answer.replies.map((r) => r.text).join('\n');
      expect(text).toContain(CATALOGS.en.security.workerForgotten);
      expect(text).not.toContain('Added:');
    } finally {
      now = INSTANTS.open.getTime();
      await talk.close();
    }
  });

  it('erasing the listing clears the worker being entered from the conversation', async () => {
    const conversationId = `conv-erase-${randomUUID()}`;
    const talk = await halfEnterWorker(conversationId);
    const blobOf = async () => (await allStateText(container)).names.find((name) => decodeURIComponent(name).includes(conversationId));
    const name = await blobOf();
    if (!name) throw new Error('no state blob for the conversation');
    const read = async () => (await container.getBlobClient(name).downloadToBuffer()).toString('utf8');
    expect(await read()).toContain('"sealed"');
    expect((await talk.send({ text: 'erase the listing', locale: 'en-US' })).replies.map((r) => r.text).join()).toContain('Permanently erase');
    expect((await talk.send({ text: 'yes', locale: 'en-US' })).replies.map((r) => r.text).join()).toContain(CATALOGS.en.listing.erase.done);
    const after = await read();
    expect(after).not.toContain('"sealed"');
    expect(after).not.toContain('listing.workers');
    await talk.close();
  });

  it('state blobs not written since the cutoff are deleted by the retention sweep', async () => {
    const retention = new StateRetention(container);
    const before = (await allStateText(container)).names.length;
    expect(before).toBeGreaterThan(0);
    // A cutoff in the past keeps everything; one after the last write removes everything.
    expect(await retention.deleteOlderThan('2020-01-01')).toBe(0);
    const tomorrow = new Date(Date.now() + 2 * 24 * 3600_000).toISOString().slice(0, 10);
    expect(await retention.deleteOlderThan(tomorrow)).toBe(before);
    expect((await allStateText(container)).names).toEqual([]);
  });
});
