import { randomUUID } from 'node:crypto';
import { type Activity } from 'botbuilder';
import { AppCredentials, AuthenticationConstants } from 'botframework-connector';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PUBLIC_CLOUD } from '../../src/adapter.js';
import type { App } from '../../src/app.js';
import { CATALOGS } from '../../src/i18n/index.js';
import { createLogger } from '../../src/logger.js';
import type { Stores } from '../../src/storage/connect.js';
import { startFakeChannel, type FakeChannel } from '../helpers/fakeChannel.js';
import { startTestApp } from '../helpers/testApp.js';
import { INSTANTS } from '../helpers/testBot.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';
import { channelClaims, CHANNEL_ISSUER, createSigningKey, type OpenIdStandIn, signToken, startOpenIdStandIn } from './channelTokens.js';

const APP_ID = '0b7c1a52-6d1e-4c3a-9a4f-2d9c5e7f8a10';
const OTHER_APP_ID = '5f0e7d6c-1b2a-4c3d-8e9f-a0b1c2d3e4f5';
const CHANNEL = 'fakechannel';
const NISS = buildNationalNumber('850730', 33, 1900);
// The text carries an identifier and a name: neither may surface anywhere when the request is refused.
const TEXT = `${NISS} Vandenbroucke, am I exempt today?`;

describe('with MicrosoftAppId set, the channel token check', () => {
  const trusted = createSigningKey();
  const teamsOnly = createSigningKey();
  const stranger = createSigningKey(); // never published
  let openId: OpenIdStandIn;
  let app: App;
  let stores: Stores;
  let port = 0;
  let channel: FakeChannel;
  const logs: string[] = [];
  const consoleLines: string[] = [];

  beforeAll(async () => {
    openId = await startOpenIdStandIn([
      { key: trusted, endorsements: [CHANNEL, 'msteams', 'webchat'] },
      { key: teamsOnly, endorsements: ['msteams'] },
    ]);
    ({ app, port, stores } = await startTestApp(
      { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret', MicrosoftAppTenantId: '00000000-0000-4000-8000-00000000beef', BOT_OPENID_METADATA_URL: openId.metadataUrl },
      { clock: () => INSTANTS.open, logger: createLogger('debug', (line) => logs.push(line)) },
    ));
    channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`);
    // The bot's own token towards the channel comes from Microsoft Entra ID, out of reach here:
    // put one in the SDK's token cache, so that an accepted request can be answered.
    const cache: unknown = Reflect.get(AppCredentials, 'cache');
    if (!(cache instanceof Map)) throw new Error('the SDK no longer caches app tokens in AppCredentials.cache');
    cache.set(`${APP_ID}${PUBLIC_CLOUD.ToChannelFromBotOAuthScope}-cache`, { accessToken: 'outbound-test-token', expiresOn: new Date(Date.now() + 3_600_000) });
    for (const method of ['error', 'warn', 'log', 'info'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        consoleLines.push(args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}\n${a.stack ?? ''}` : String(a))).join(' '));
      });
    }
  });

  afterEach(() => {
    // Whatever the outcome, nothing personal reached the console or the logs.
    const printed = [...consoleLines, ...logs].join('\n');
    expect(printed).not.toContain(NISS);
    expect(printed).not.toContain('Vandenbroucke');
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await channel?.close();
    await app?.close();
    await openId?.close();
  });

  /** Posts one message activity with the given Authorization header; the bot's replies to it and the state it left. */
  async function post(authorization: string | undefined, overrides: Partial<Activity> = {}) {
    const conversationId = `conv-${randomUUID()}`;
    const activity = {
      type: 'message',
      id: randomUUID(),
      channelId: CHANNEL,
      serviceUrl: channel.serviceUrl,
      from: { id: 'user-1', name: 'Foreman' },
      recipient: { id: 'bot-1', name: 'Bot' },
      conversation: { id: conversationId },
      locale: 'en-US',
      text: TEXT,
      ...overrides,
    };
    const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
      body: JSON.stringify(activity),
    });
    const body = await response.text();
    const replies = channel.received.filter((r) => r.replyToId === activity.id);
    const stateKey = `${activity.channelId}/conversations/${conversationId}`;
    const state = await stores.stateStorage.read([stateKey]);
    return { status: response.status, body, replies, hasState: state[stateKey] !== undefined };
  }

  const bearer = (claims: Record<string, unknown>, key = trusted, alg: 'RS256' | 'none' = 'RS256') => `Bearer ${signToken(claims, key, alg)}`;
  const validClaims = () => channelClaims(APP_ID, channel.serviceUrl);

  it('answers a correctly signed channel token with 200 and a reply, so the check is real', async () => {
    const result = await post(bearer(validClaims()));
    expect(result.status).toBe(200);
    expect(result.replies.map((r) => r.text).join('\n')).toContain(CATALOGS.en.procedure.node.cause.question);
    expect(result.hasState).toBe(true);
    expect(openId.fetches.keys).toBeGreaterThan(0);
  });

  it.each([
    ['no Authorization header', () => undefined],
    ['an empty Authorization header', () => ''],
    ['a token that is not a JWT', () => 'Bearer not-a-token'],
    ['another scheme', () => `Basic ${Buffer.from('user:password').toString('base64')}`],
    ['a token forged with an unknown key', () => bearer(validClaims(), stranger)],
    ['a token forged with an unknown key under the real key id', () => bearer(validClaims(), { ...stranger, kid: trusted.kid })],
    ['an unsigned token (alg none)', () => bearer(validClaims(), trusted, 'none')],
    ['the right key but another bot as audience', () => bearer({ ...validClaims(), aud: OTHER_APP_ID })],
    ['the right key but no audience', () => bearer({ ...validClaims(), aud: undefined })],
    ['the right key but another issuer', () => bearer({ ...validClaims(), iss: 'https://evil.example.org' })],
    ['an expired token', () => bearer({ ...validClaims(), iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 })],
    ['a token not valid yet', () => bearer({ ...validClaims(), nbf: Math.floor(Date.now() / 1000) + 3600 })],
    ['a key not endorsed for this channel', () => bearer(validClaims(), teamsOnly)],
    ['a token for another serviceUrl', () => bearer({ ...validClaims(), serviceurl: 'https://smba.trafficmanager.net/emea/' })],
  ])('refuses %s with 401 and runs no turn: no reply, no state written', async (_name, authorization) => {
    const result = await post(authorization());
    expect(result.status).toBe(401);
    expect(result.replies).toHaveLength(0);
    expect(result.hasState).toBe(false);
    // The body says no more than that.
    expect(JSON.parse(result.body)).toEqual({ error: 'Unauthorized.' });
  });

  it('logs each refusal as one warning with a reason code, and the request line with status 401', async () => {
    logs.length = 0;
    await post(bearer({ ...validClaims(), aud: OTHER_APP_ID }));
    const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.event === 'auth.refused')).toMatchObject({ level: 'warn', reason: 'AuthenticationError', channelId: CHANNEL });
    expect(lines.find((l) => l.event === 'http.request')).toMatchObject({ level: 'info', route: '/api/messages', status: 401, outcome: 'unauthorized', activityType: 'message' });
    expect(lines.some((l) => l.event === 'turn.failed')).toBe(false);
  });

  it('prints nothing to the console for a refused token, except the token library’s own error', () => {
    // CloudAdapter.process used to console.error every refused request; only the SDK's JWT
    // extractor still prints, for an expired or badly signed token, the error of jsonwebtoken.
    for (const line of consoleLines) expect(line).toMatch(/TokenExpiredError|jwt expired|Error finding key for token|invalid signature|jwt not active/);
  });

  it('keeps the public cloud’s endpoints when only the OpenID address is configured', () => {
    expect(PUBLIC_CLOUD).toMatchObject({
      ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
      ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
      ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
      OAuthUrl: AuthenticationConstants.OAuthUrl,
      ToBotFromChannelOpenIdMetadataUrl: AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
      ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    });
    expect(CHANNEL_ISSUER).toBe(AuthenticationConstants.ToBotFromChannelTokenIssuer);
  });
});

describe('when the signing keys cannot be fetched', () => {
  it('answers 503, so that the channel retries, and runs no turn', async () => {
    const closed = await startOpenIdStandIn([]);
    const metadataUrl = closed.metadataUrl;
    await closed.close(); // nothing listens there any more
    const { app, port, stores } = await startTestApp({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'x', MicrosoftAppTenantId: '00000000-0000-4000-8000-00000000beef', BOT_OPENID_METADATA_URL: metadataUrl });
    const channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const token = signToken(channelClaims(APP_ID, channel.serviceUrl), createSigningKey());
      const conversationId = `conv-${randomUUID()}`;
      const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          type: 'message', id: 'a1', channelId: CHANNEL, serviceUrl: channel.serviceUrl, text: TEXT,
          from: { id: 'u' }, recipient: { id: 'b' }, conversation: { id: conversationId },
        }),
      });
      expect(response.status).toBe(503);
      expect(channel.received).toHaveLength(0);
      expect(await stores.stateStorage.read([`${CHANNEL}/conversations/${conversationId}`])).toEqual({});
    } finally {
      errors.mockRestore();
      await channel.close();
      await app.close();
    }
  });
});
