/**
 * npm run bench — throughput and latency of full conversations over /api/messages, for
 *   (a) a reference bot (restify + CloudAdapter + 3-step waterfall on MemoryStorage),
 *   (b) this bot with in-memory dialog state,
 *   (c) this bot with dialog state in blob storage (Azurite),
 * each in its own process, driven through a local fake channel (an HTTP server as serviceUrl).
 * Prints turns/s, p50/p99 latency, the ratios to (a), blob requests per turn (counted by a proxy
 * in front of Azurite), peak RSS and the time from process start to the first answered turn.
 *
 *   BENCH_CONVERSATIONS  concurrent conversations (default 32)
 *   BENCH_ROUNDS         conversations each of them runs, one after the other (default 6)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { azuriteConnectionString, findFreePort } from '../src/storage/azurite.js';
import { activity, buildUnlessSkipped, firstAnsweredTurnMs, percentile, post, rssMb, startBenchStorage, startSink } from './harness.js';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const WARMUP_CONVERSATIONS = 8;

/** A full procedure: cause → provider → no solution → no other channel → not infrastructure → contact centre. */
const OUR_SCRIPT = ['Am I exempt today?', '1', '2', '2', '2'];
const REFERENCE_SCRIPT = ['hello', 'badge reader', 'no'];

interface Target {
  readonly name: string;
  readonly command: readonly string[];
  readonly env: Record<string, string>;
  readonly script: readonly string[];
}

interface Result {
  readonly name: string;
  readonly turns: number;
  readonly turnsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly blobRequestsPerTurn: number;
  readonly peakRssMb: number;
  readonly firstTurnMs: number;
}

async function conversation(port: number, script: readonly string[], sink: string, latencies: number[] | undefined): Promise<void> {
  const id = `bench-${randomUUID()}`;
  for (const text of script) {
    const started = performance.now();
    const status = await post(port, activity(text, id, sink));
    if (status !== 200) throw new Error(`turn failed with HTTP ${status}`);
    latencies?.push(performance.now() - started);
  }
}

async function measure(target: Target, sink: string, proxy: { count(): number; reset(): void }): Promise<Result> {
  const port = await findFreePort();
  const started = performance.now();
  const child: ChildProcess = spawn(target.command[0] ?? 'node', target.command.slice(1), {
    env: { ...process.env, ...target.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    // Time to the first answered turn: from spawning the process to a 200 with replies sent.
    const firstTurnMs = await firstAnsweredTurnMs(port, target.script[0] ?? 'hi', sink, started, target.name);
    await Promise.all(Array.from({ length: WARMUP_CONVERSATIONS }, () => conversation(port, target.script, sink, undefined)));

    proxy.reset();
    const latencies: number[] = [];
    const begin = performance.now();
    await Promise.all(
      Array.from({ length: CONVERSATIONS }, async () => {
        for (let round = 0; round < ROUNDS; round += 1) await conversation(port, target.script, sink, latencies);
      }),
    );
    const seconds = (performance.now() - begin) / 1000;
    const requests = proxy.count();
    latencies.sort((a, b) => a - b);
    return {
      name: target.name,
      turns: latencies.length,
      turnsPerSecond: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      blobRequestsPerTurn: requests / latencies.length,
      peakRssMb: rssMb(child.pid, 'VmHWM'),
      firstTurnMs,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
  }
}

function table(results: readonly Result[]): string {
  const reference = results[0];
  const rows = results.map((r) => [
    r.name,
    r.turns.toString(),
    r.turnsPerSecond.toFixed(0),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    reference ? (r.turnsPerSecond / reference.turnsPerSecond).toFixed(2) : '',
    reference ? (r.p99 / reference.p99).toFixed(2) : '',
    r.blobRequestsPerTurn.toFixed(2),
    r.peakRssMb.toFixed(0),
    r.firstTurnMs.toFixed(0),
  ]);
  const header = ['bot', 'turns', 'turns/s', 'p50 ms', 'p99 ms', 'x/a turns/s', 'x/a p99', 'blob req/turn', 'peak RSS MB', 'first turn ms'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  buildUnlessSkipped();
  const storage = await startBenchStorage();
  const { proxy } = storage;
  const sink = await startSink();
  const storageEnv = (state: 'memory' | 'blob') => ({
    AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString('127.0.0.1', process.env.BENCH_NO_PROXY ? storage.azuritePort : proxy.port),
    STATE_STORAGE: state,
    STORAGE_DATA_CONTAINER: `bench-data-${state}`,
    STORAGE_STATE_CONTAINER: `bench-state-${state}`,
    LOG_LEVEL: 'warn',
  });
  const ours = ['node', '--disable-warning=DEP0111', ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), 'dist/src/main.js'];
  const targets: Target[] = [
    { name: '(a) reference bot', command: ['node', '--disable-warning=DEP0111', '--import', 'tsx', 'bench/referenceBot.ts'], env: {}, script: REFERENCE_SCRIPT },
    { name: '(b) this bot, memory state', command: ours, env: storageEnv('memory'), script: OUR_SCRIPT },
    { name: '(c) this bot, blob state', command: ours, env: storageEnv('blob'), script: OUR_SCRIPT },
  ];
  try {
    const results: Result[] = [];
    const only = process.env.BENCH_ONLY?.split(',');
    for (const target of targets.filter((t, i) => !only || only.includes('abc'[i] ?? ''))) {
      process.stderr.write(`measuring ${target.name}…\n`);
      results.push(await measure(target, sink.url, proxy));
    }
    process.stdout.write(`\n${CONVERSATIONS} concurrent conversations × ${ROUNDS} rounds, ${os.cpus().length} cores, Node ${process.version}\n\n`);
    process.stdout.write(`${table(results)}\n`);
    const [a, b, c] = results;
    if (a && b && c) {
      const checks = [
        [`b/a turns/s ≥ 0.9`, b.turnsPerSecond / a.turnsPerSecond >= 0.9],
        [`c/a turns/s ≥ 0.5`, c.turnsPerSecond / a.turnsPerSecond >= 0.5],
        [`p99(b) ≤ 1.5 × p99(a)`, b.p99 <= 1.5 * a.p99],
        [`≤ 2 blob requests per turn (c)`, c.blobRequestsPerTurn <= 2],
        [`first answered turn ≤ 2 s (c)`, c.firstTurnMs <= 2000],
      ] as const;
      process.stdout.write(`\n${checks.map(([label, ok]) => `${ok ? 'meets' : 'MISSES'}  ${label}`).join('\n')}\n`);
    }
  } finally {
    await sink.close();
    await storage.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
