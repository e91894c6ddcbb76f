import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { App } from '../../src/app.js';
import { CATALOGS } from '../../src/i18n/index.js';
import { findFreePort } from '../../src/storage/azurite.js';
import type { Stores } from '../../src/storage/connect.js';
import { type BotProcess, startBotProcess } from '../helpers/botProcess.js';
import { startTestApp } from '../helpers/testApp.js';
import { uniqueContainerName } from '../helpers/azurite.js';
import { startFakeChannel, type FakeChannel } from '../helpers/fakeChannel.js';
import { INSTANTS } from '../helpers/testBot.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

const WRITERS = 50;

describe(`${WRITERS} people adding workers to one listing at the same moment, over /api/messages`, () => {
  let app: App;
  let stores: Stores;
  let channel: FakeChannel;
  const tenant = randomUUID();

  beforeAll(async () => {
    let port: number;
    ({ app, port, stores } = await startTestApp({}, { clock: () => INSTANTS.open }));
    channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`);
  });

  afterAll(async () => {
    await channel?.close();
    await app?.close();
  });

  it('keeps every one of them', async () => {
    const declaration = `CONC${randomUUID().slice(0, 8).toUpperCase()}`;
    const writers = Array.from({ length: WRITERS }, (_, i) => {
      const conversation = { id: `teams-${randomUUID()}`, tenantId: tenant, isGroup: false, conversationType: 'personal', name: '' };
      const send = (text: string) =>
        channel.send({ text, channelId: 'msteams', locale: 'en-US', conversation, channelData: { tenant: { id: tenant } }, from: { id: `user-${i}`, name: `User ${i}` } });
      // Names are letters only: "Aa", "Ab", …
      const surname = `${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`;
      return { send, surname, niss: buildNationalNumber('800101', 100 + i, 1900) };
    });
    // Everyone opens the same listing, and gets to the last question…
    await Promise.all(
      writers.map(async ({ send, niss, surname }) => {
        for (const text of ['I have a reference number', 'REF-CONC', declaration, 'today', niss, surname]) {
          expect((await send(text)).status).toBe(200);
        }
      }),
    );
    // …and answers it at the same moment.
    const answers = await Promise.all(writers.map(({ send }) => send('Worker')));
    expect(answers.every((a) => a.status === 200 && a.replies.some((r) => (r.text ?? '').includes('Added:')))).toBe(true);

    const listing = await stores.listingStore.get({ tenantKey: `msteams:tenant:${tenant}`, declarationNumber: declaration, date: '2026-11-25' });
    expect(listing?.workers).toHaveLength(WRITERS);
    expect(new Set(listing?.workers.map((w) => w.workerId.digits))).toEqual(new Set(writers.map((w) => w.niss)));
  });
});

describe('a kill -9 of the real bot process', () => {
  let bot: BotProcess | undefined;
  let channel: FakeChannel;
  let procedureChannel: FakeChannel;
  let port = 0;
  const env = {
    AZURE_STORAGE_CONNECTION_STRING: '',
    STORAGE_DATA_CONTAINER: uniqueContainerName('e2e-kill'),
    STORAGE_STATE_CONTAINER: uniqueContainerName('e2e-kill-state'),
    DOWNLOAD_LINK_SECRET: 'ab'.repeat(32),
    LOG_LEVEL: 'warn',
    LOCAL_JOURNAL_DIR: path.join(os.tmpdir(), `journal-e2e-${randomUUID()}`),
  };

  /** The real entry point in a child process, as `npm start` runs it (TypeScript through tsx). */
  const startBot = () => startBotProcess({ port, env: { ...env, AZURE_STORAGE_CONNECTION_STRING: inject('azuriteConnectionString') } });

  const killBot = async () => {
    const running = bot;
    bot = undefined;
    await running?.kill();
  };

  beforeAll(async () => {
    port = await findFreePort();
    channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`, `conv-${randomUUID()}`);
    procedureChannel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`, `conv-${randomUUID()}`);
  });

  afterEach(killBot);

  afterAll(async () => {
    await killBot();
    await channel?.close();
    await procedureChannel?.close();
  });

  it('continues the procedure at the same question after a restart, with every answer kept', async () => {
    const say = async (text: string) => (await procedureChannel.send({ text, locale: 'en-US' })).replies.map((r) => r.text ?? '').join('\n');
    const { node, outcome } = CATALOGS.en.procedure;
    bot = await startBot();
    expect(await say('Am I exempt today?')).toContain(node.cause.question);
    expect(await say(node.cause.answer.provider.label)).toContain(node.providerContacted.question);
    expect(await say(node.providerContacted.answer.noSolution.label)).toContain(node.providerOtherChannel.question);
    expect(await say(node.providerOtherChannel.answer.no.label)).toContain(node.infrastructure.question);

    await killBot();
    bot = await startBot();

    // The fourth answer is taken as the answer to the fourth question: the three before it count.
    expect(await say(node.infrastructure.answer.yes.label)).toContain(node.permanence.question);
    const verdict = await say(node.permanence.answer.temporary.label);
    expect(verdict).toContain(outcome.exemptInfrastructure.title);
  });

  it('continues the listing at the same step after a restart, with nothing entered lost', async () => {
    const say = async (text: string) => (await channel.send({ text, locale: 'en-US' })).replies.map((r) => r.text ?? '').join('\n');
    bot = await startBot();
    await say('I have a reference number');
    await say('REF-KILL-1');
    await say(`KILL${randomUUID().slice(0, 6)}`);
    await say('today');
    await say(buildNationalNumber('850730', 33, 1900));
    expect(await say('Goossens')).toContain('First name of Goossens?');

    await killBot();
    bot = await startBot();

    expect(await say('Sara')).toContain('Added: 85.07.30-\\*\\*\\*.\\*\\* — Goossens Sara. Workers on the listing: 1.');
    expect(await say('list')).toContain('1. 85.07.30-\\*\\*\\*.\\*\\* — Goossens Sara');
  });
});
