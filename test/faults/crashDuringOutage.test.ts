import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ConversationAccount } from 'botbuilder';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { CATALOGS, t } from '../../src/i18n/index.js';
import { EvidenceStore } from '../../src/listing/evidenceStore.js';
import { createContainerClient, ListingStore } from '../../src/listing/listingStore.js';
import { LISTING_ZONE } from '../../src/listing/model.js';
import { findFreePort, type RunningAzurite, startAzurite } from '../../src/storage/azurite.js';
import { uniqueContainerName } from '../helpers/azurite.js';
import { postActivity } from '../helpers/fakeChannel.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

/**
 * "Kept" is a promise: storage stops, three workers and an evidence note are entered and the
 * bot says they are kept, then the bot is killed (kill -9) — or kills itself in the middle of a
 * journal write (TEST_JOURNAL_FAULT, honoured only with NODE_ENV=test) — and restarts while
 * storage is still down: it must start and answer, and once storage is back the three workers
 * and the note are stored, exactly once. Real processes: the bot's entry point and Azurite.
 */

const WORKERS = [
  { niss: buildNationalNumber('850730', 33, 1900), surname: 'Goossens', firstName: 'Sara' },
  { niss: buildNationalNumber('900215', 7, 1900), surname: 'Peeters', firstName: 'Jan' },
  { niss: buildNationalNumber('020311', 118, 2000), surname: 'Dubois', firstName: 'Léa' },
] as const;
const NOTE = 'Operator outage notice 4711 at 07:05';
const en = CATALOGS.en;

interface Channel {
  readonly serviceUrl: string;
  readonly received: { text?: string; replyToId?: string }[];
  close(): Promise<void>;
}

async function startChannel(): Promise<Channel> {
  const received: { text?: string; replyToId?: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push(JSON.parse(body) as { text?: string; replyToId?: string });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${received.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    serviceUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface Bot {
  readonly process: ChildProcess;
  readonly lines: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The bot's entry point, as `npm start` runs it; its log lines go to `lines` (all runs of a test). */
function startBot(env: NodeJS.ProcessEnv, lines: string[]): Bot {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const complete = (partial + chunk).split('\n');
    partial = complete.pop() ?? '';
    lines.push(...complete);
  });
  child.stderr?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { process: child, lines, exited };
}

function eventsOf(lines: readonly string[]): string[] {
  return lines.flatMap((line) => {
    try {
      return [(JSON.parse(line) as { event: string }).event];
    } catch {
      return [];
    }
  });
}

describe('a crash during a storage outage loses nothing the user was told is kept', () => {
  let root: string;
  let channel: Channel;
  const started: ChildProcess[] = [];
  const azurites: RunningAzurite[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'crash-outage-'));
    channel = await startChannel();
  });

  afterAll(async () => {
    // Only if a test failed half-way: the processes these tests started.
    for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const azurite of azurites) await azurite.stop();
    await channel?.close();
    await rm(root, { recursive: true, force: true });
  });

  // Independent (own Azurite, ports, journal): run side by side, most of their time is waiting.
  it.concurrent.for([
    { fault: undefined, title: 'kill -9 after the bot said "kept"' },
    { fault: 'kill-after-write', title: 'killed between the journal write and its fsync' },
    { fault: 'kill-mid-write', title: 'killed half-way through the journal line' },
  ] as const)('$title', { timeout: 180_000 }, async ({ fault }, { expect }) => {
    const location = await mkdtemp(path.join(root, 'azurite-'));
    const journalDir = path.join(root, `journal-${randomUUID()}`);
    const azuritePort = await findFreePort();
    let azurite = await startAzurite({ location, port: azuritePort });
    azurites.push(azurite);
    const dataContainer = uniqueContainerName('crash-data');
    const botPort = await findFreePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(botPort),
      LOG_LEVEL: 'info',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      STORAGE_DATA_CONTAINER: dataContainer,
      STORAGE_STATE_CONTAINER: uniqueContainerName('crash-state'),
      LOCAL_JOURNAL_DIR: journalDir,
      // As in production: a worker half-entered is sealed in dialog state with a key from this
      // secret (pendingWorker.ts); without it each process has its own and forgets it at restart.
      DOWNLOAD_LINK_SECRET: 'c0ffee'.repeat(10) + '0123',
    };
    // The third worker's listing change is where the fault lands.
    const faultEnv = fault ? { TEST_JOURNAL_FAULT: `${fault}:listing:3` } : {};
    const conversationId = `conv-crash-${randomUUID()}`;
    const lines: string[] = [];
    const send = async (text: string, id = `act-${randomUUID()}`) => {
      const response = await postActivity(botPort, {
        id,
        text,
        locale: 'en-GB',
        channelId: 'fakechannel',
        serviceUrl: channel.serviceUrl,
        from: { id: 'site-foreman', name: 'Foreman' },
        conversation: { id: conversationId } as ConversationAccount,
      });
      await response.arrayBuffer();
      return { status: response.status, text: channel.received.filter((r) => r.replyToId === id).map((r) => r.text ?? '').join('\n') };
    };
    const waitUntilAnswering = () =>
      expect.poll(() => fetch(`http://127.0.0.1:${botPort}/healthz`).then((r) => r.ok, () => false), { timeout: 60_000, interval: 200 }).toBe(true);

    let bot = startBot({ ...env, ...faultEnv }, lines);
    started.push(bot.process);
    await waitUntilAnswering();

    const declaration = `CRASH${randomUUID().slice(0, 6).toUpperCase()}`;
    const today = DateTime.now().setZone(LISTING_ZONE).toISODate() ?? '';
    const key = { tenantKey: 'fakechannel:user:site-foreman', declarationNumber: declaration, date: today };
    await send('I have a reference number');
    await send('REF-CRASH-7');
    await send(declaration);
    expect((await send('today')).text).toContain(t('en', 'listing.askWorkerId', { n: 1 }));

    await azurite.stop();

    let redeliver: { text: string; id: string } | undefined;
    for (const [index, worker] of WORKERS.entries()) {
      await send(worker.niss);
      await send(worker.surname);
      const id = `act-first-name-${index}`;
      if (fault && index === 2) {
        // The fault kills the bot during this turn's journal write: no answer, no "kept".
        await expect(send(worker.firstName, id)).rejects.toThrow();
        expect(await bot.exited).toEqual({ code: null, signal: 'SIGKILL' });
        redeliver = { text: worker.firstName, id };
        break;
      }
      const answer = await send(worker.firstName, id);
      expect(answer.status).toBe(200);
      expect(answer.text).toContain(en.listing.savePending.split('{firstName}:')[1]?.trim() ?? '');
    }

    if (fault) {
      // Restarted with storage still down; the channel, without an answer, sends the activity again.
      bot = startBot(env, lines);
      started.push(bot.process);
      await waitUntilAnswering();
      const again = await send(redeliver?.text ?? '', redeliver?.id);
      expect(again.status).toBe(200);
      expect(again.text).toContain(en.listing.savePending.split('{firstName}:')[1]?.trim() ?? '');
    }

    expect((await send('cancel')).status).toBe(200);
    expect((await send('record evidence')).text).toContain(en.evidence.askNote);
    const kept = await send(NOTE);
    expect(kept.text).toContain(en.outage.evidencePending.split(':')[1]?.trim() ?? '');
    // The journal is on the disk before "kept" is said.
    const journalText = (await readdir(journalDir)).filter((n) => n.endsWith('.jsonl'));
    expect(journalText.length).toBeGreaterThan(0);

    bot.process.kill('SIGKILL');
    await bot.exited;

    // Restarted while storage is still down: it starts, and answers a new conversation plainly.
    bot = startBot(env, lines);
    started.push(bot.process);
    await waitUntilAnswering();
    const strangerId = `act-stranger-${randomUUID()}`;
    const stranger = await postActivity(botPort, {
      id: strangerId,
      text: 'Am I exempt today?',
      locale: 'en-GB',
      channelId: 'fakechannel',
      serviceUrl: channel.serviceUrl,
      from: { id: 'someone-else', name: 'Someone' },
      conversation: { id: `conv-other-${randomUUID()}` } as ConversationAccount,
    });
    expect(stranger.status).toBe(200);
    await expect.poll(() => channel.received.filter((r) => r.replyToId === strangerId).map((r) => r.text).join('')).toBe(en.outage.storageUnavailable);

    azurite = await startAzurite({ location, port: azuritePort });
    azurites.push(azurite);
    const container = createContainerClient(azurite.connectionString, dataContainer);
    const listings = new ListingStore(container, systemClock);
    const evidence = new EvidenceStore(container, systemClock);
    const backAt = Date.now();
    await expect
      .poll(async () => (await listings.get(key).catch(() => undefined))?.workers.length ?? 0, { timeout: 20_000, interval: 250 })
      .toBe(3);
    await expect.poll(async () => (await evidence.listForDate(key.tenantKey, today).catch(() => [])).length, { timeout: 20_000, interval: 250 }).toBe(1);
    const savedWithinMs = Date.now() - backAt;

    const listing = await listings.get(key);
    expect(listing?.referenceNumber).toBe('REF-CRASH-7');
    expect(listing?.workers.map((w) => [w.workerId.digits, w.surname, w.firstName])).toEqual(WORKERS.map((w) => [w.niss, w.surname, w.firstName]));
    const [record] = await evidence.listForDate(key.tenantKey, today);
    expect(record?.note).toBe(NOTE);
    // Replayed once: nothing more arrives after a while, and the journal empties.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await listings.get(key))?.workers).toHaveLength(3);
    expect(await evidence.listForDate(key.tenantKey, today)).toHaveLength(1);
    await expect
      .poll(async () => {
        const names = (await readdir(journalDir)).filter((n) => n.endsWith('.jsonl'));
        const texts = await Promise.all(names.map((n) => readFile(path.join(journalDir, n), 'utf8')));
        return texts.join('');
      }, { timeout: 10_000 })
      .toBe('');

    const events = eventsOf(lines);
    if (fault === 'kill-mid-write') expect(events).toContain('journal.torn_line_skipped');
    expect(events).toContain('journal.recovered');
    expect(events).toContain('storage.unreachable_at_start');
    expect(events).toContain('turn.storage_unavailable');
    expect(events).not.toContain('turn.failed');
    const logs = lines.join('\n');
    for (const worker of WORKERS) {
      expect(logs).not.toContain(worker.niss);
      expect(logs).not.toContain(worker.surname);
    }
    process.stdout.write(`[crash during outage, ${fault ?? 'kill -9'}] stored ${savedWithinMs} ms after storage came back\n`);

    bot.process.kill('SIGTERM');
    expect((await bot.exited).code).toBe(0);
    await azurite.stop();
  });
});
