import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { MAX_USER_ACTIVITY_BYTES } from '../../src/webchat/localDirectLine.js';
import { DEFAULT_LIMITS } from '../../src/webchat/localConversations.js';
import { directLine } from '../helpers/localDirectLineClient.js';
import { rawRequest } from '../helpers/rawHttp.js';
import { type RunningApp, startWebChatApp } from '../webchat/webChatApp.js';

/**
 * Issue 13, findings 1, 2, 7 and 8, on the local Direct Line path (no MicrosoftAppId, no Direct
 * Line secret): one anonymous client must not exhaust memory, evict other users, break a
 * conversation with a deeply nested body, or crash a turn with a malformed mention.
 * Loopback only; every loop is bounded.
 */
describe('the local Direct Line path under hostile clients', () => {
  let running: RunningApp;
  const logs: string[] = [];

  beforeAll(async () => {
    running = await startWebChatApp({}, { logger: createLogger('debug', (line) => logs.push(line)) });
  });

  afterAll(async () => {
    await running?.app.close();
  });

  it('refuses an activity above the size limit with 413 and keeps nothing of it (finding 1)', async () => {
    const dl = directLine(running.baseUrl);
    const { started } = await dl.start({ user: { id: 'web-user-big' } });
    const big = { type: 'event', name: 'x', value: { blob: 'v'.repeat(250_000) } };
    const refused = await dl.post(started.conversationId, started.token, big);
    expect(refused.status).toBe(413);
    const channelData = await dl.post(started.conversationId, started.token, { type: 'message', text: 'hi', channelData: { blob: 'c'.repeat(MAX_USER_ACTIVITY_BYTES) } });
    expect(channelData.status).toBe(413);
    const page = await dl.get(started.conversationId, started.token, '0');
    expect(JSON.stringify(page.activities).length).toBeLessThan(50_000);
  });

  it('pages reads: a read returns at most one page, and the rest follows from its watermark (finding 1)', async () => {
    const dl = directLine(running.baseUrl);
    const { started } = await dl.start({ user: { id: 'web-user-pages' } });
    // 60 events of ~15 KB: 900 KB sent, more than a conversation may hold (256 KiB).
    const value = { blob: 'p'.repeat(MAX_USER_ACTIVITY_BYTES - 1_000) };
    for (let i = 0; i < 60; i += 1) {
      const posted = await dl.post(started.conversationId, started.token, { type: 'event', name: `e${i}`, value });
      expect(posted.status).toBe(200);
    }
    const response = await fetch(`${dl.base}/conversations/${started.conversationId}/activities?watermark=0`, {
      headers: { authorization: `Bearer ${started.token}` },
    });
    const text = await response.text();
    expect(text.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxBytesPerRead + 4_096);
    // Everything still held is reachable page by page, and it is at most the conversation's budget.
    let watermark = '0';
    let held = 0;
    for (let pages = 0; pages < 20; pages += 1) {
      const page = await dl.get(started.conversationId, started.token, watermark);
      if (page.activities.length === 0) break;
      held += JSON.stringify(page.activities).length;
      watermark = page.watermark;
    }
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(DEFAULT_LIMITS.maxBytesPerConversation + 8_192);
  });

  it('answers a body nested 20,000 levels deep with 400, and the conversation goes on (finding 7)', async () => {
    const dl = directLine(running.baseUrl);
    const { started } = await dl.start({ user: { id: 'web-user-deep' } });
    const deep = `{"type":"event","name":"x","value":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const before = logs.length;
    const response = await fetch(`${dl.base}/conversations/${started.conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${started.token}` },
      body: deep,
    });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain('[[[');
    // Nothing of it was logged by anyone, least of all the bearer token.
    const written = logs.slice(before).join('\n');
    expect(written).not.toContain(started.token);
    expect(written).not.toContain('[[[');
    const after = await dl.post(started.conversationId, started.token, { type: 'message', text: 'help', locale: 'en' });
    expect(after.status).toBe(200);
    const page = await dl.get(started.conversationId, started.token, '0');
    expect(page.status).toBe(200);
  });

  it('refuses a mention without `mentioned.id`, as /api/messages does, without running a turn (finding 8)', async () => {
    const dl = directLine(running.baseUrl);
    const { started } = await dl.start({ user: { id: 'web-user-mention' } });
    const before = logs.length;
    const refused = await dl.post(started.conversationId, started.token, { type: 'message', text: 'help', entities: [{ type: 'mention' }] });
    expect(refused.status).toBe(400);
    expect(logs.slice(before).some((line) => line.includes('turn.failed') || line.includes('turn_failed'))).toBe(false);
    const fine = await dl.post(started.conversationId, started.token, { type: 'message', text: 'help', locale: 'en' });
    expect(fine.status).toBe(200);
  });

  it('refuses a text above the shared cap (finding 9, local side)', async () => {
    const dl = directLine(running.baseUrl);
    const { started } = await dl.start({ user: { id: 'web-user-long' } });
    expect((await dl.post(started.conversationId, started.token, { type: 'message', text: 'a'.repeat(28_001) })).status).toBe(400);
  });

  it('refuses requests from another site’s page (Origin), and to another host name (Host)', async () => {
    const evil = directLine(running.baseUrl, { origin: 'https://evil.example' });
    expect((await evil.start({})).status).toBe(403);
    // DNS rebinding: a page on attacker.example whose name now resolves to 127.0.0.1.
    const rebound = await rawRequest(running.port, {
      method: 'POST',
      path: '/v3/directline/conversations',
      headers: { 'content-type': 'application/json', host: `attacker.example:${running.port}` },
      body: '{}',
    });
    expect(rebound.status).toBe(421);
    const page = await rawRequest(running.port, { path: '/', headers: { host: `attacker.example:${running.port}` } });
    expect(page.status).toBe(421);
    expect((await rawRequest(running.port, { path: '/healthz', headers: { host: `localhost:${running.port}` } })).status).toBe(200);
    const own = directLine(running.baseUrl, { origin: running.baseUrl });
    expect((await own.start({})).status).toBe(201);
  });
});

describe('creating local conversations (finding 2)', () => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startWebChatApp({}, { webChatLimits: { local: { ...DEFAULT_LIMITS, maxConversations: 30 } } });
  });

  afterAll(async () => {
    await running?.app.close();
  });

  it('rate-limits one client and never evicts a conversation in use for a newcomer', async () => {
    const dl = directLine(running.baseUrl);
    const victim = await dl.start({ user: { id: 'web-victim-01' } });
    expect(victim.status).toBe(201);

    const statuses: number[] = [];
    for (let i = 0; i < 60; i += 1) {
      const response = await fetch(`${dl.base}/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      await response.body?.cancel();
    }
    const created = statuses.filter((s) => s === 201).length;
    expect(created).toBeLessThanOrEqual(20);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(40);

    // The victim's conversation is intact: read, refresh, reopen.
    const { conversationId, token } = victim.started;
    expect((await dl.get(conversationId, token, '')).status).toBe(200);
    expect((await dl.refresh(token)).status).toBe(200);
    const reopened = await fetch(`${dl.base}/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(reopened.status).toBe(200);
  });
});

describe('when the local path is full (finding 2)', () => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startWebChatApp(
      {},
      { webChatLimits: { local: { ...DEFAULT_LIMITS, maxConversations: 3 }, creation: { burst: 100, perMinute: 100 } } },
    );
  });

  afterAll(async () => {
    await running?.app.close();
  });

  it('refuses a new conversation with 503 rather than push out one in use', async () => {
    const dl = directLine(running.baseUrl);
    const users = [];
    for (let i = 0; i < 3; i += 1) users.push(await dl.start({ user: { id: `web-user-full-${i}` } }));
    expect(users.map((u) => u.status)).toEqual([201, 201, 201]);
    const newcomer = await fetch(`${dl.base}/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(newcomer.status).toBe(503);
    for (const user of users) expect((await dl.get(user.started.conversationId, user.started.token, '')).status).toBe(200);
  });
});

describe('what a forgotten local conversation leaves (finding 2)', () => {
  let running: RunningApp;
  let now = Date.parse('2026-11-27T08:00:00Z');

  beforeAll(async () => {
    running = await startWebChatApp({}, { clock: () => new Date(now) });
  });

  afterAll(async () => {
    await running?.app.close();
  });

  it('deletes its dialog state when the conversation is forgotten', async () => {
    const dl = directLine(running.baseUrl);
    const first = await dl.start({ user: { id: 'web-user-state' } });
    await dl.post(first.started.conversationId, first.started.token, { type: 'message', text: 'help', locale: 'en' });
    const container = BlobServiceClient.fromConnectionString(inject('azuriteConnectionString')).getContainerClient(running.config.storage.stateContainer);
    const stateBlobs = async () => {
      const names: string[] = [];
      for await (const blob of container.listBlobsFlat()) names.push(blob.name);
      return names.filter((name) => name.includes(encodeURIComponent(first.started.conversationId)) || name.includes(first.started.conversationId));
    };
    await expect.poll(stateBlobs, { timeout: 5_000 }).toHaveLength(1);

    now += DEFAULT_LIMITS.idleMs + 60_000;
    // The next creation sweeps idle conversations.
    expect((await dl.start({ user: { id: 'web-user-next' } })).status).toBe(201);
    await expect.poll(stateBlobs, { timeout: 5_000 }).toHaveLength(0);
  });
});
