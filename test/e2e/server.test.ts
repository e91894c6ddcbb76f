import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { CATALOGS } from '../../src/i18n/index.js';
import { createLogger } from '../../src/logger.js';
import { startFakeChannel, type FakeChannel } from '../helpers/fakeChannel.js';
import { connectStores } from '../../src/storage/connect.js';
import { uniqueContainerName } from '../helpers/azurite.js';
import { INSTANTS } from '../helpers/testBot.js';

/** The real app on a free port, with its state and listings in the run's Azurite. */
async function startApp(env: Record<string, string>, clock: () => Date = () => new Date()): Promise<{ app: App; port: number; config: Config }> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    STORAGE_DATA_CONTAINER: uniqueContainerName('e2e-data'),
    STORAGE_STATE_CONTAINER: uniqueContainerName('e2e-state'),
    ...env,
  });
  const stores = await connectStores(inject('azuriteConnectionString'), config.storage, clock);
  const app = createApp(config, stores, { clock, logger: createLogger('silent') });
  return { app, port: await app.listen(), config };
}

describe('the server over /api/messages', () => {
  let app: App;
  let port = 0;
  let channel: FakeChannel;

  beforeAll(async () => {
    ({ app, port } = await startApp({}, () => INSTANTS.closed));
    channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`);
  });

  afterAll(async () => {
    await channel?.close();
    await app?.close();
  });

  it('answers the health check', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('runs a whole procedure in French and replies through the channel', async () => {
    const first = await channel.send({ text: "Suis-je dispensé aujourd'hui ?", locale: 'fr-BE' });
    expect(first.status).toBe(200);
    expect(first.replies.map((r) => r.text).join('\n')).toContain(CATALOGS.fr.procedure.node.cause.question);
    expect(first.replies.every((r) => r.conversation.id === 'conv-e2e')).toBe(true);

    await channel.send({ text: '4', locale: 'fr-BE' });
    const verdict = await channel.send({ text: 'Non, aucun canal ne fonctionne', locale: 'fr-BE' });
    const text = verdict.replies.map((r) => r.text).join('\n');
    expect(text).toContain(CATALOGS.fr.procedure.outcome.contactCentre.title);
    // Saturday: the centre is closed, so the contact form and Monday's opening.
    expect(text).toContain('formulaire de contact');
    expect(text).toContain('lundi 30 novembre à 07:00');
  });

  it('rejects a body that is not an activity', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(response.status).toBe(400);
  });
});

describe('with MicrosoftAppId configured', () => {
  it('refuses a request without a Bot Framework token with 401 and runs no turn', async () => {
    const { app, port } = await startApp({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'not-a-real-secret' });
    const channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`);
    try {
      const result = await channel.send({ text: 'Am I exempt today?' });
      expect(result.status).toBe(401);
      expect(result.replies).toHaveLength(0);
    } finally {
      await channel.close();
      await app.close();
    }
  });
});
