import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { findFreePort } from '../../src/storage/azurite.js';

/** Processes whose command line mentions `marker` (the test's own temporary folder): ours only. */
async function processesMentioning(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) pids.push(Number(entry));
  }
  return pids;
}

/**
 * SIGTERM at any point of start-up — while modules load, while the embedded Azurite is starting,
 * once it answers, once the server listens — stops the bot and leaves no child process behind.
 */
describe('SIGTERM during start-up', () => {
  let root: string;
  const bots: ChildProcess[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'sigterm-start-'));
  });

  afterAll(async () => {
    for (const bot of bots) if (bot.exitCode === null && bot.signalCode === null) bot.kill('SIGKILL');
    // Only if a test failed: whatever still runs in this test's folders is ours.
    for (const pid of await processesMentioning(root)) process.kill(pid, 'SIGKILL');
    await rm(root, { recursive: true, force: true });
  });

  it.concurrent.for([
    { point: 'while modules load', when: 'early' },
    { point: 'while the embedded Azurite is starting', when: 'azurite-spawned' },
    { point: 'once Azurite answers', when: 'storage.embedded_azurite' },
    { point: 'once the server listens', when: 'server.listening' },
  ] as const)('$point', { timeout: 120_000 }, async ({ when }, { expect }) => {
    const dataDir = await mkdtemp(path.join(root, 'data-'));
    const port = await findFreePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      EMBEDDED_STORAGE_DIR: dataDir,
      LOCAL_JOURNAL_DIR: path.join(dataDir, 'journal'),
      LOG_LEVEL: 'info',
    };
    delete env.AZURE_STORAGE_CONNECTION_STRING;
    const bot = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    bots.push(bot);
    const events: string[] = [];
    bot.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        const match = /"event":"([^"]+)"/.exec(line);
        if (match?.[1]) events.push(match[1]);
      }
    });
    bot.stderr?.resume();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => bot.once('exit', (code, signal) => resolve({ code, signal })));

    if (when === 'early') {
      await new Promise((resolve) => setTimeout(resolve, 150));
    } else if (when === 'azurite-spawned') {
      // The Azurite child exists (its --location is this folder) but does not answer yet.
      await expect.poll(async () => (await processesMentioning(dataDir)).length, { timeout: 60_000, interval: 10 }).toBeGreaterThan(0);
      expect(events).not.toContain('storage.embedded_azurite');
    } else {
      await expect.poll(() => events.includes(when), { timeout: 60_000, interval: 20 }).toBe(true);
    }
    bot.kill('SIGTERM');
    const exit = await exited;
    // Stopped by the signal before its handler was installed, or stopped cleanly by it.
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    if (when !== 'early') expect(exit.code).toBe(0);
    // Nothing it started is left: Azurite stops within its 5 s grace at most.
    await expect.poll(() => processesMentioning(dataDir), { timeout: 10_000, interval: 100 }).toEqual([]);
    if (when === 'server.listening') expect(events).toContain('server.stopped');
    else if (when !== 'early') expect(events).toContain('server.stopped_during_start');
  });
});
