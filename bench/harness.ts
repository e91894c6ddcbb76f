/**
 * What the benchmarks share: a channel sink (the bots' serviceUrl), activities as a channel
 * sends them, posting one turn, percentiles, a child's RSS, the build, and Azurite behind a
 * counting proxy.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { startAzurite } from '../src/storage/azurite.js';
import { startCountingProxy } from './blobProxy.js';

export interface Sink {
  readonly url: string;
  close(): Promise<void>;
}

/** A channel that answers every activity the bots send with 200 and an id. */
export async function startSink(): Promise<Sink> {
  let sequence = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      sequence += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"id":"r${sequence}"}`);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

export function activity(text: string, conversationId: string, serviceUrl: string): string {
  return JSON.stringify({
    type: 'message',
    id: randomUUID(),
    text,
    locale: 'en-US',
    channelId: 'bench',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: `user-${conversationId}`, name: 'Bench' },
    recipient: { id: 'bot', name: 'Bot' },
    conversation: { id: conversationId },
  });
}

export async function post(port: number, body: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await response.arrayBuffer();
  return response.status;
}

/** Waits until the bot answers a turn; the time from `started` to that answer, in ms. */
export async function firstAnsweredTurnMs(port: number, text: string, sink: string, started: number, name: string): Promise<number> {
  for (let i = 0; i < 600; i += 1) {
    const answered = await post(port, activity(text, `first-${randomUUID()}`, sink)).then((s) => s === 200, () => false);
    if (answered) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${name} did not answer`);
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** A process's resident memory now (VmRSS) or at its peak (VmHWM), in MB, from /proc. */
export function rssMb(pid: number | undefined, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}

/** `tsc -p tsconfig.json` unless BENCH_SKIP_BUILD is set. */
export function buildUnlessSkipped(): void {
  if (process.env.BENCH_SKIP_BUILD) return;
  const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
}

/** The reference bot as plain JavaScript next to the build, so neither bot carries a TypeScript loader. */
export function compileReference(): string {
  const source = readFileSync('bench/referenceBot.ts', 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  mkdirSync('dist/bench', { recursive: true });
  writeFileSync('dist/bench/referenceBot.js', outputText);
  return 'dist/bench/referenceBot.js';
}

export interface BenchStorage {
  /** Azurite's port, and the counting proxy's in front of it. */
  readonly azuritePort: number;
  readonly proxy: { readonly port: number; count(): number; reset(): void };
  close(): Promise<void>;
}

/**
 * Azurite in memory (BENCH_AZURITE_ON_DISK for its disk store): it stands in for a remote
 * service, and its disk writes would compete for this machine's CPU with the bot measured.
 */
export async function startBenchStorage(): Promise<BenchStorage> {
  const location = await mkdtemp(path.join(os.tmpdir(), 'bench-azurite-'));
  const azurite = await startAzurite({ location, inMemory: process.env.BENCH_AZURITE_ON_DISK === undefined });
  const proxy = await startCountingProxy({ host: '127.0.0.1', port: azurite.port });
  return {
    azuritePort: azurite.port,
    proxy,
    close: async () => {
      await proxy.close();
      await azurite.stop();
      await rm(location, { recursive: true, force: true });
    },
  };
}
