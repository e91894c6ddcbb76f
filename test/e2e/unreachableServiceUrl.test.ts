import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ConversationAccount } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { findFreePort } from '../../src/storage/azurite.js';
import { startTestApp, type TestApp } from '../helpers/testApp.js';
import { postActivity, startFakeChannel } from '../helpers/fakeChannel.js';

/**
 * Without authentication the serviceUrl is whatever the sender wrote. One that refuses
 * connections, or accepts them and never answers, must not hold the request to /api/messages
 * for the SDK's retries (~10 s, or for ever): each reply gets 2 s, then the turn is given up and
 * logged with the request id as not delivered — and the same message sent again goes on.
 */
describe('a serviceUrl that cannot be reached', () => {
  let test: TestApp;
  let silent: Server;
  let silentUrl: string;
  const logs: string[] = [];

  beforeAll(async () => {
    test = await startTestApp({ REPLY_TIMEOUT_MS: '2000' }, { logger: createLogger('info', (line) => logs.push(line)) });
    // Accepts connections and never answers.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    silent?.close();
    await test?.app.close();
    await test?.stores.close();
  });

  const post = (serviceUrl: string, conversationId: string) =>
    postActivity(test.port, {
      id: `act-${randomUUID()}`,
      text: 'Am I exempt today?',
      locale: 'en-GB',
      channelId: 'emulator',
      serviceUrl,
      from: { id: 'user-unreachable', name: 'Someone' },
      conversation: { id: conversationId } as ConversationAccount,
    });

  it.each([
    // Refused connections are retried by the SDK until the bound stops it.
    ['refuses connections', async () => `http://127.0.0.1:${await findFreePort()}/`, /^(ECONNREFUSED|timeout)$/],
    ['never answers', async () => silentUrl, /^timeout$/],
  ])('gives the turn up after about 2 s when the channel %s, logged with the request id', async (_what, serviceUrlOf, reason) => {
    const conversationId = `conv-${randomUUID()}`;
    const started = performance.now();
    const response = await post(await serviceUrlOf(), conversationId);
    const elapsedMs = performance.now() - started;
    expect(response.status).toBe(200);
    // A loose bound (the machine is shared): the SDK alone takes ~10 s, or never ends.
    expect(elapsedMs).toBeLessThan(6_000);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    const line = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'turn.reply_not_delivered' && l.requestId === requestId);
    expect(line).toMatchObject({ channelId: 'emulator', activityType: 'message', reason: expect.stringMatching(reason) });
    expect(logs.join('\n')).not.toContain('Am I exempt');

    // Nothing of that turn was kept: the same message through a channel that answers goes on.
    const channel = await startFakeChannel(() => `http://127.0.0.1:${test.port}/api/messages`, conversationId);
    try {
      const again = await channel.send({ text: 'Am I exempt today?', locale: 'en-GB', channelId: 'emulator', from: { id: 'user-unreachable', name: 'Someone' } });
      expect(again.status).toBe(200);
      expect(again.replies.length).toBeGreaterThan(0);
    } finally {
      await channel.close();
    }
  });
});
