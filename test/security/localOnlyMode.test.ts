import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { isLoopbackHost } from '../../src/http/loopback.js';
import { createLogger } from '../../src/logger.js';
import { runBotUntilExit } from '../helpers/botProcess.js';
import { startLocalBot } from '../helpers/localBotProcess.js';
import { startFakeChannel, type FakeChannel } from '../helpers/fakeChannel.js';
import { rawRequest } from '../helpers/rawHttp.js';
import { startTestApp } from '../helpers/testApp.js';
import { INSTANTS } from '../helpers/testBot.js';

/**
 * Issue 13, finding 4, and the suspicions about the Host header (DNS rebinding) and an OpenID
 * configuration over plain http: without MicrosoftAppId the bot is local-only by construction.
 */
const APP_ID = '11111111-2222-3333-4444-555555555555';

describe('the unauthenticated mode is local-only by construction (configuration)', () => {
  it('listens on 127.0.0.1 by default without MicrosoftAppId, on every interface with it', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret', MicrosoftAppTenantId: randomUUID() }).host).toBe('0.0.0.0');
  });

  it.each([
    [{ HOST: '0.0.0.0' }, /HOST: 0\.0\.0\.0 is not a loopback address/],
    [{ HOST: '192.168.1.20' }, /HOST: 192\.168\.1\.20 is not a loopback address/],
    [{ DIRECT_LINE_SECRET: 'a-direct-line-secret' }, /DIRECT_LINE_SECRET: set without MicrosoftAppId/],
  ])('refuses %j without MicrosoftAppId, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('lets the operator opt out explicitly, and only then', () => {
    const config = loadConfig({ HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED_NETWORK: 'true' });
    expect(config.host).toBe('0.0.0.0');
    expect(config.access).toEqual({ isUnauthenticated: true, allowUnauthenticatedNetwork: true, allowedHosts: 'any' });
    expect(loadConfig({ HOST: 'localhost' }).host).toBe('localhost');
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
  });

  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'api.localhost', '::1', '[::1]', '::ffff:127.0.0.1'])('treats %s as loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['0.0.0.0', '10.0.0.1', '::', 'localhost.example.org', 'example.org', '::ffff:10.0.0.1', '128.0.0.1'])('does not treat %s as loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it('refuses an OpenID configuration over plain http, except on loopback (suspicion)', () => {
    expect(() => loadConfig({ BOT_OPENID_METADATA_URL: 'http://login.example.org/.well-known/openid-configuration' })).toThrow(/BOT_OPENID_METADATA_URL: must be an https URL/);
    expect(loadConfig({ BOT_OPENID_METADATA_URL: 'https://login.example.org/x' }).bot.openIdMetadataUrl).toBe('https://login.example.org/x');
    expect(loadConfig({ BOT_OPENID_METADATA_URL: 'http://127.0.0.1:4000/x' }).bot.openIdMetadataUrl).toBe('http://127.0.0.1:4000/x');
  });
});

describe('the bot process in the unauthenticated mode', () => {
  it('refuses to start on a non-loopback HOST without MicrosoftAppId', { timeout: 40_000 }, async () => {
    const result = await runBotUntilExit({ HOST: '0.0.0.0', PORT: '0', MicrosoftAppId: '', DIRECT_LINE_SECRET: '' });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/HOST: 0\.0\.0\.0 is not a loopback address/);
  });

  it('says so loudly at start when the operator opts out', { timeout: 90_000 }, async () => {
    const bot = await startLocalBot({ ALLOW_UNAUTHENTICATED_NETWORK: 'true' });
    try {
      expect(bot.output()).toMatch(/WARNING: ALLOW_UNAUTHENTICATED_NETWORK=true/);
      expect(bot.output()).toContain('"event":"security.unauthenticated_network"');
    } finally {
      await bot.kill();
    }
  });
});

describe('/api/messages without MicrosoftAppId', () => {
  let app: App;
  let port = 0;
  let channel: FakeChannel;

  beforeAll(async () => {
    ({ app, port } = await startTestApp({}, { clock: () => INSTANTS.open, logger: createLogger('silent') }));
    channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`);
  });

  afterAll(async () => {
    await channel?.close();
    await app?.close();
  });

  const teamsActivity = (serviceUrl: string, text: string) => ({
    type: 'message',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:attacker' },
    recipient: { id: '28:bot' },
    conversation: { id: `a:${randomUUID()}`, tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', conversationType: 'personal' },
    channelData: { tenant: { id: '72f988bf-86f1-41af-91ab-2d7cd011db47' } },
    text,
    locale: 'en-US',
  });

  it('refuses a serviceUrl off this machine: no turn runs, so no reply or reminder goes there (finding 4)', async () => {
    for (const serviceUrl of ['https://attacker.example/', 'http://10.0.0.8:3978/', 'https://smba.trafficmanager.net/emea/']) {
      const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(teamsActivity(serviceUrl, 'remind me when it opens')),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { fields: string[] }).fields).toEqual(['serviceUrl']);
    }
  });

  it('still serves a loopback channel (Emulator, tests)', async () => {
    const { status, replies } = await channel.send({ text: 'help', locale: 'en-US' });
    expect(status).toBe(200);
    expect(replies.length).toBeGreaterThan(0);
  });

  it('answers only requests addressed to a loopback name (DNS rebinding, suspicion)', async () => {
    const body = JSON.stringify({ ...teamsActivity(channel.serviceUrl, 'help'), channelId: 'emulator' });
    const rebound = await rawRequest(port, { method: 'POST', path: '/api/messages', headers: { host: 'attacker.example', 'content-type': 'application/json' }, body });
    expect(rebound.status).toBe(421);
    const local = await rawRequest(port, { method: 'POST', path: '/api/messages', headers: { host: `localhost:${port}`, 'content-type': 'application/json' }, body });
    expect(local.status).toBe(200);
  });
});

describe('/api/messages with MicrosoftAppId', () => {
  let app: App;
  let port = 0;

  beforeAll(async () => {
    ({ app, port } = await startTestApp({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret', MicrosoftAppType: 'MultiTenant' }));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('does not check the Host header: the channel’s token authenticates the request', async () => {
    const response = await rawRequest(port, { path: '/healthz', headers: { host: 'bot.example.org' } });
    expect(response.status).toBe(200);
  });
});
