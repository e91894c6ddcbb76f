/** The real bot in its own process for the security tests: local mode, storage in the run's Azurite. (The fault and scale tests use botProcess.ts.) */
import { type ChildProcess, spawn } from 'node:child_process';
import { expect, inject } from 'vitest';
import { findFreePort } from '../../src/storage/azurite.js';
import { uniqueContainerName } from './azurite.js';

export interface BotProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly baseUrl: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Kills the process (SIGKILL) if it still runs. */
  stop(): void;
}

/**
 * The real bot (`src/main.ts`) in its own process on a free loopback port, storage in the run's
 * Azurite under containers of its own, dialog state in memory. `nodeFlags` go before the script.
 */
export async function startBotProcess(env: NodeJS.ProcessEnv = {}, nodeFlags: readonly string[] = []): Promise<BotProcess> {
  const port = await findFreePort();
  const fullEnv: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'info',
    STATE_STORAGE: 'memory',
    AZURE_STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
    STORAGE_DATA_CONTAINER: uniqueContainerName('process-data'),
    STORAGE_STATE_CONTAINER: uniqueContainerName('process-state'),
    ...env,
  };
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'src/main.ts'], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    await expect.poll(() => fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false), { timeout: 60_000, interval: 200 }).toBe(true);
  } catch (error) {
    stop();
    throw new Error(`the bot did not start: ${output.slice(-2000)}`, { cause: error });
  }
  return { child, port, baseUrl, output: () => output, stop };
}

/** Runs `src/main.ts` until it exits on its own (a refused configuration); bounded. */
export function runBotUntilExit(env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after ${timeoutMs} ms: ${output.slice(-1000)}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
