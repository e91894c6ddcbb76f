import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { CATALOGS } from '../../src/i18n/index.js';
import { type FakeChannel, startFakeChannel } from '../helpers/fakeChannel.js';
import { type ManagedIdentityEndpoint, startManagedIdentityEndpoint } from '../helpers/managedIdentity.js';
import { startTestApp } from '../helpers/testApp.js';
import { INSTANTS } from '../helpers/testBot.js';
import { channelClaims, createSigningKey, type OpenIdStandIn, signToken, startOpenIdStandIn } from './channelTokens.js';

/**
 * A bot whose identity is a user-assigned managed identity (MicrosoftAppType=UserAssignedMSI),
 * as infra/ deploys it: no secret anywhere. Incoming channel tokens are checked against its
 * client id; its replies carry a token it got from the managed-identity endpoint (the App
 * Service protocol, served here) for the Bot Framework's audience.
 */
describe('a bot with a user-assigned managed identity (UserAssignedMSI)', () => {
  const CHANNEL = 'msteams';
  const key = createSigningKey();
  let identity: ManagedIdentityEndpoint;
  let openId: OpenIdStandIn;
  let app: App;
  let port = 0;
  let channel: FakeChannel;
  const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };

  beforeAll(async () => {
    identity = await startManagedIdentityEndpoint();
    // What App Service sets in the environment of an app with a managed identity.
    process.env.IDENTITY_ENDPOINT = identity.env.IDENTITY_ENDPOINT;
    process.env.IDENTITY_HEADER = identity.env.IDENTITY_HEADER;
    openId = await startOpenIdStandIn([{ key, endorsements: [CHANNEL] }]);
    ({ app, port } = await startTestApp(
      {
        MicrosoftAppId: identity.clientId,
        MicrosoftAppType: 'UserAssignedMSI',
        MicrosoftAppTenantId: identity.tenantId,
        BOT_OPENID_METADATA_URL: openId.metadataUrl,
      },
      { clock: () => INSTANTS.open },
    ));
    channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`);
  });

  afterAll(async () => {
    await channel?.close();
    await app?.close();
    await openId?.close();
    await identity?.close();
    for (const [name, value] of [['IDENTITY_ENDPOINT', saved.endpoint], ['IDENTITY_HEADER', saved.header]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  async function post(authorization: string | undefined) {
    const id = randomUUID();
    const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({
        type: 'message',
        id,
        channelId: CHANNEL,
        serviceUrl: channel.serviceUrl,
        from: { id: 'user-msi', name: 'Foreman' },
        recipient: { id: `28:${identity.clientId}`, name: 'Bot' },
        conversation: { id: `conv-${randomUUID()}` },
        channelData: { tenant: { id: identity.tenantId } },
        locale: 'en-GB',
        text: 'Am I exempt today?',
      }),
    });
    await response.arrayBuffer();
    return { status: response.status, replyIndexes: channel.received.flatMap((r, i) => (r.replyToId === id ? [i] : [])) };
  }

  it('answers a channel token issued to its client id, with a reply signed by a token from the managed identity', async () => {
    const result = await post(`Bearer ${signToken(channelClaims(identity.clientId, channel.serviceUrl), key)}`);
    expect(result.status).toBe(200);
    expect(result.replyIndexes.length).toBeGreaterThan(0);
    const [first] = result.replyIndexes;
    expect(channel.received[first ?? -1]?.text).toContain(CATALOGS.en.procedure.node.cause.question);

    // The reply's Authorization is the managed identity's token for the Bot Framework.
    const authorization = channel.authorizations[first ?? -1] ?? '';
    expect(authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const claims = JSON.parse(Buffer.from(authorization.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims).toMatchObject({ aud: 'https://api.botframework.com', appid: identity.clientId, tid: identity.tenantId });
    expect(identity.requests.at(-1)).toEqual({ resource: 'https://api.botframework.com', clientId: identity.clientId, hadHeader: true });
  });

  it('refuses a token issued to another bot with 401, without a turn', async () => {
    const before = identity.requests.length;
    const result = await post(`Bearer ${signToken(channelClaims(randomUUID(), channel.serviceUrl), key)}`);
    expect(result.status).toBe(401);
    expect(result.replyIndexes).toEqual([]);
    expect(identity.requests.length).toBe(before);
  });
});
