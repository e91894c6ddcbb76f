import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { CATALOGS, t } from '../../src/i18n/index.js';
import { createLogger } from '../../src/logger.js';
import { findFreePort, type RunningAzurite, startAzurite } from '../../src/storage/azurite.js';
import { connectStores, type Stores } from '../../src/storage/connect.js';
import { uniqueContainerName } from '../helpers/azurite.js';
import { type FakeChannel, startFakeChannel } from '../helpers/fakeChannel.js';
import { INSTANTS } from '../helpers/testBot.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

const NISS_A = buildNationalNumber('850730', 33, 1900);
const NISS_B = buildNationalNumber('900215', 7, 1900);
const masked = (n: string) => `${n.slice(0, 2)}.${n.slice(2, 4)}.${n.slice(4, 6)}-\\*\\*\\*.\\*\\*`;

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Blob storage goes away in the middle of a turn: the app runs on an Azurite of this file's own,
 * on a fixed port and folder, so it can be stopped and started again with the same data.
 */
describe('blob storage unreachable during a turn', () => {
  let location: string;
  let azuritePort: number;
  let azurite: RunningAzurite | undefined;
  let stores: Stores;
  let app: App;
  let appPort: number;
  let channel: FakeChannel;
  const logs: string[] = [];

  beforeAll(async () => {
    location = await mkdtemp(path.join(os.tmpdir(), 'azurite-outage-'));
    azuritePort = await findFreePort();
    azurite = await startAzurite({ location, port: azuritePort });
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      STORAGE_DATA_CONTAINER: uniqueContainerName('outage-data'),
      STORAGE_STATE_CONTAINER: uniqueContainerName('outage-state'),
    });
    const logger = createLogger('debug', (line) => logs.push(line));
    const clock = () => INSTANTS.open;
    // Background retries every few hundred ms, so the test does not wait for the production backoff.
    stores = await connectStores(azurite.connectionString, config.storage, clock, { logger, outageRetry: { baseDelayMs: 200, maxDelayMs: 800 } });
    app = createApp(config, stores, { clock, logger, outageRetry: { baseDelayMs: 200, maxDelayMs: 800 } });
    appPort = await app.listen();
    channel = await startFakeChannel(() => `http://127.0.0.1:${appPort}/api/messages`, `conv-outage-${randomUUID()}`);
  });

  afterAll(async () => {
    await channel?.close();
    await app?.close();
    await stores?.close();
    await azurite?.stop();
    await rm(location, { recursive: true, force: true });
  });

  it('keeps the worker, says so in the user’s language, saves it once when storage is back, and goes on', async () => {
    const fr = CATALOGS.fr.listing;
    const send = (text: string) => channel.send({ text, locale: 'fr-BE' });
    const say = async (text: string) => (await send(text)).replies.map((r) => r.text ?? '').join('\n');
    const declaration = `OUT${randomUUID().slice(0, 8).toUpperCase()}`;
    const key = { tenantKey: 'fakechannel:user:user-1', declarationNumber: declaration, date: '2026-11-25' };

    await say("J'ai un numéro de référence");
    await say('REF-OUTAGE-1');
    await say(declaration);
    expect(await say("aujourd'hui")).toContain(t('fr', 'listing.askWorkerId', { n: 1 }));
    await say(NISS_A);
    expect(await say('Goossens')).toContain(t('fr', 'listing.askFirstName', { surname: 'Goossens' }));

    await azurite?.stop();
    azurite = undefined;

    const answer = await send('Sara');
    expect(answer.status).toBe(200);
    const text = answer.replies.map((r) => r.text ?? '').join('\n');
    expect(text).toContain(t('fr', 'listing.savePending', { id: masked(NISS_A), surname: 'Goossens', firstName: 'Sara' }));
    // It goes on with the next worker, counting the one kept.
    expect(text).toContain(t('fr', 'listing.askWorkerId', { n: 2 }));
    expect(text).not.toContain(CATALOGS.fr.error.turn);

    // "liste" cannot show what storage holds, and says so, without losing the place.
    const list = await say('liste');
    expect(list).toContain(fr.storageUnavailable);
    expect(list).toContain(t('fr', 'listing.askWorkerId', { n: 2 }));

    const health = await fetch(`http://127.0.0.1:${appPort}/healthz`);
    expect(health.status).toBe(200);
    expect(app.listingOutbox.size).toBe(1);

    azurite = await startAzurite({ location, port: azuritePort });

    const saved = await eventually(async () => {
      const listing = await stores.listingStore.get(key);
      return listing && listing.workers.length > 0 ? listing : undefined;
    }, 20_000);
    expect(saved.workers.map((w) => [w.workerId.digits, w.surname, w.firstName])).toEqual([[NISS_A, 'Goossens', 'Sara']]);
    await eventually(async () => (app.listingOutbox.size === 0 ? true : undefined), 10_000);

    // The conversation goes on normally: the next worker, on the same listing.
    expect(await say(NISS_B)).toContain(t('fr', 'listing.askSurname', { id: masked(NISS_B) }));
    await say('Peeters');
    expect(await say('Jan')).toContain(t('fr', 'listing.added', { id: masked(NISS_B), surname: 'Peeters', firstName: 'Jan', count: 2 }));
    const listed = await say('liste');
    expect(listed).toContain(`1. ${masked(NISS_A)} — Goossens Sara`);
    expect(listed).toContain(`2. ${masked(NISS_B)} — Peeters Jan`);
    expect(listed).not.toContain('⏳');

    const final = await stores.listingStore.get(key);
    expect(final?.workers.filter((w) => w.workerId.digits === NISS_A)).toHaveLength(1);
    expect(final?.workers).toHaveLength(2);

    const events = logs.map((line) => (JSON.parse(line) as { event: string }).event);
    expect(events).toContain('listing.outbox_pending');
    expect(events).toContain('state.read_from_memory');
    expect(events).not.toContain('turn.failed');
    // The logs name events and error codes, never what was typed.
    expect(logs.join('\n')).not.toContain(NISS_A);
    expect(logs.join('\n')).not.toContain('Goossens');
  });
});
