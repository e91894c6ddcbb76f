import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGS } from '../../src/i18n/index.js';
import { findFreePort } from '../../src/storage/azurite.js';
import { type BotProcess, startBotProcess } from '../helpers/botProcess.js';

const REPLY_DELAY_MS = 1_000;

/** True when something accepts a TCP connection on the port; false on ECONNREFUSED. */
function isAccepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A channel whose first reply is slow (the bot awaits each sendActivity), so a turn is still in
 * flight when the signal arrives. `replying` resolves when the bot's reply has reached it.
 */
async function startSlowChannel() {
  let onReplying: () => void = () => undefined;
  const replying = new Promise<void>((resolve) => (onReplying = resolve));
  const received: { text?: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push(JSON.parse(body) as { text?: string });
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `reply-${received.length}` }));
      };
      if (received.length > 1) return answer();
      onReplying();
      setTimeout(answer, REPLY_DELAY_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    serviceUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    replying,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('SIGTERM to the real entry point, with its embedded Azurite', () => {
  let bot: BotProcess | undefined;
  let dataDir: string;
  let azuritePid: number | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sigterm-'));
  });

  afterAll(async () => {
    // Only if the test failed half-way: these are the processes this test started.
    await bot?.kill();
    if (azuritePid !== undefined && isAlive(azuritePid)) process.kill(azuritePid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stops accepting, finishes the turn in flight, stops its Azurite and exits 0', { timeout: 90_000 }, async () => {
    const port = await findFreePort();
    // No connection string: the bot starts Azurite itself, as `npm start` does on a fresh machine.
    const env = { AZURE_STORAGE_CONNECTION_STRING: '', EMBEDDED_STORAGE_DIR: dataDir, LOCAL_JOURNAL_DIR: path.join(dataDir, 'journal'), LOG_LEVEL: 'info' };
    const started = await startBotProcess({ port, env });
    bot = started;
    const { child, exited } = started;

    const azuriteStarted = started.events().find((l) => l.event === 'storage.embedded_azurite');
    const azuritePort = azuriteStarted?.port;
    const pid = azuriteStarted?.pid;
    if (typeof azuritePort !== 'number' || typeof pid !== 'number') throw new Error('the embedded Azurite was not logged');
    azuritePid = pid;
    expect(await isAccepting(azuritePort)).toBe(true);

    const channel = await startSlowChannel();
    try {
      const inFlight = fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          id: `activity-${randomUUID()}`,
          text: 'Am I exempt today?',
          locale: 'en-US',
          channelId: 'fakechannel',
          serviceUrl: channel.serviceUrl,
          from: { id: 'user-sigterm', name: 'Foreman' },
          recipient: { id: 'bot-1', name: 'Bot' },
          conversation: { id: `conv-sigterm-${randomUUID()}` },
        }),
      });
      await channel.replying;
      child.kill('SIGTERM');

      // Still running (the turn is waiting for the channel), but no longer accepting.
      await expect.poll(() => isAccepting(port), { timeout: 1_000, interval: 50 }).toBe(false);
      expect(child.exitCode).toBeNull();

      const response = await inFlight;
      const answeredAt = Date.now();
      expect(response.status).toBe(200);
      // The whole turn ran: its last reply, the cause question, reached the channel.
      expect(channel.received.map((a) => a.text ?? '').join('\n')).toContain(CATALOGS.en.procedure.node.cause.question);

      expect(await exited).toEqual({ code: 0, signal: null });
      // Promptly: the answered request's keep-alive connection does not hold the close (5 s).
      expect(Date.now() - answeredAt).toBeLessThan(4_000);
    } finally {
      await channel.close();
    }

    const events = started.events().map((l) => l.event);
    expect(events).toContain('server.stopping');
    expect(events).toContain('server.stopped');
    expect(events).not.toContain('server.close_grace_expired');
    expect(await isAccepting(azuritePort)).toBe(false);
    expect(isAlive(pid)).toBe(false);
  });
});
