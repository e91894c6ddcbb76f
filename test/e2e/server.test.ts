import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { CATALOGS } from '../../src/i18n/index.js';
import { startFakeChannel, type FakeChannel } from '../helpers/fakeChannel.js';
import { startTestApp } from '../helpers/testApp.js';
import { INSTANTS } from '../helpers/testBot.js';

describe('the server over /api/messages', () => {
  let app: App;
  let port = 0;
  let channel: FakeChannel;

  beforeAll(async () => {
    ({ app, port } = await startTestApp({}, { clock: () => INSTANTS.closed }));
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
    const { app, port } = await startTestApp({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'not-a-real-secret', MicrosoftAppTenantId: '00000000-0000-4000-8000-00000000beef' });
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
