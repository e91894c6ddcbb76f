import { randomUUID } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { App } from '../../src/app.js';
import { CATALOGS, t } from '../../src/i18n/index.js';
import { createLogger } from '../../src/logger.js';
import type { Stores } from '../../src/storage/connect.js';
import { type FakeChannel, startFakeChannel } from '../helpers/fakeChannel.js';
import { startTestApp } from '../helpers/testApp.js';
import { INSTANTS } from '../helpers/testBot.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

const NISS = buildNationalNumber('850730', 33, 1900);
const masked = (n: string) => `${n.slice(0, 2)}.${n.slice(2, 4)}.${n.slice(4, 6)}-\\*\\*\\*.\\*\\*`;

/**
 * A TCP relay to the run's Azurite that can start swallowing everything: connections are accepted
 * (or kept) and requests read, but nothing comes back — storage that hangs rather than refuses
 * (a saturated emulator, dropped packets, a stuck load balancer), the case no refused connection
 * and no 5xx covers.
 */
async function startHangingRelay(targetPort: number): Promise<{ port: number; hang(): void; answerAgain(): void; close(): Promise<void> }> {
  let isHanging = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (isHanging) {
      client.resume();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('data', (chunk: Buffer) => {
      if (!isHanging) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!isHanging) client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    hang: () => {
      isHanging = true;
    },
    // New connections are relayed again; those that hung stay silent until their clients give up.
    answerAgain: () => {
      isHanging = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('blob storage that stops answering in the middle of a listing', () => {
  let relay: Awaited<ReturnType<typeof startHangingRelay>>;
  let stores: Stores;
  let app: App;
  let channel: FakeChannel;
  const logs: string[] = [];

  beforeAll(async () => {
    const azurite = new URL(/BlobEndpoint=([^;]+)/.exec(inject('azuriteConnectionString'))?.[1] ?? '');
    relay = await startHangingRelay(Number(azurite.port));
    const connectionString = inject('azuriteConnectionString').replace(/BlobEndpoint=http:\/\/[^/;]+/, `BlobEndpoint=http://127.0.0.1:${relay.port}`);
    const logger = createLogger('debug', (line) => logs.push(line));
    let port: number;
    ({ app, port, stores } = await startTestApp({}, { clock: () => INSTANTS.open, logger, connectionString }));
    channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`, `conv-hang-${randomUUID()}`);
  });

  afterAll(async () => {
    await channel?.close();
    await app?.close();
    await stores?.close();
    await relay?.close();
  });

  it('answers within seconds, keeping the worker and saying so, instead of holding the turn', { timeout: 120_000 }, async () => {
    const send = (text: string) => channel.send({ text, locale: 'en-US' });
    const say = async (text: string) => (await send(text)).replies.map((r) => r.text ?? '').join('\n');
    const declaration = `HNG${randomUUID().slice(0, 8).toUpperCase()}`;
    await say('I have a reference number');
    await say('REF-HANG-1');
    await say(declaration);
    expect(await say('today')).toContain(t('en', 'listing.askWorkerId', { n: 1 }));
    await say(NISS);
    expect(await say('Goossens')).toContain(t('en', 'listing.askFirstName', { surname: 'Goossens' }));

    relay.hang();
    const started = performance.now();
    const answer = await send('Sara');
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`storage hanging: the turn answered in ${seconds.toFixed(1)} s\n`);
    expect(answer.status).toBe(200);
    const text = answer.replies.map((r) => r.text ?? '').join('\n');
    expect(text).toContain(t('en', 'listing.savePending', { id: masked(NISS), surname: 'Goossens', firstName: 'Sara' }));
    expect(text).not.toContain(CATALOGS.en.error.turn);
    // One 5 s wait for the whole turn — state read, listing change and state write — where it was
    // minutes (the SDK's own timeout only asks the server to give up), then 16 s (one per call).
    expect(seconds).toBeLessThan(12);
    const events = logs.map((line) => JSON.parse(line) as { event: string; errorCode?: string });
    expect(events.filter((e) => e.event === 'listing.outbox_pending').map((e) => e.errorCode)).toEqual(['ETIMEDOUT']);
    expect(app.listingOutbox.size).toBe(1);

    // Storage answers again: the worker kept is stored, once.
    relay.answerAgain();
    const key = { tenantKey: 'fakechannel:user:user-1', declarationNumber: declaration, date: '2026-11-25' };
    const deadline = Date.now() + 60_000;
    while (app.listingOutbox.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    expect(app.listingOutbox.size).toBe(0);
    const stored = await stores.listingStore.get(key);
    expect(stored?.workers.map((w) => [w.workerId.digits, w.surname, w.firstName])).toEqual([[NISS, 'Goossens', 'Sara']]);
  });
});
