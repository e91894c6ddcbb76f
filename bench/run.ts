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
 *   BENCH_ROUNDS         conversations each of them runs, one after the other (default 12)
 *   BENCH_RUNS           runs of the three bots, in alternating order (default 3)
 *
 * The machine is shared and noisy: each run measures the three bots one after the other (a, b,
 * c, then c, b, a…), ratios are taken within a run, and the table and the checks use the medians
 * over the runs. The reference bot runs as plain JavaScript compiled next to the build, as this
 * bot runs from dist/ — no TypeScript loader in either.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { azuriteConnectionString, findFreePort } from '../src/storage/azurite.js';
import { activity, buildUnlessSkipped, compileReference, firstAnsweredTurnMs, percentile, post, rssMb, startBenchStorage, startSink } from './harness.js';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
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

/** A row per bot: its figures and its ratios to the reference's (precomputed, e.g. medians of per-run ratios). */
interface Row extends Result {
  readonly turnsRatio: number;
  readonly p99Ratio: number;
}

function rowsOf(results: readonly Result[]): Row[] {
  const reference = results[0];
  return results.map((r) => ({ ...r, turnsRatio: reference ? r.turnsPerSecond / reference.turnsPerSecond : Number.NaN, p99Ratio: reference ? r.p99 / reference.p99 : Number.NaN }));
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
};

/** Per bot, the median of each figure over the runs (ratios: the median of each run's own ratio). */
function medianRows(runs: readonly (readonly Row[])[]): Row[] {
  const first = runs[0] ?? [];
  return first.map((row, i) => {
    const of = (pick: (r: Row) => number) => median(runs.map((run) => run[i]).filter((r): r is Row => r !== undefined).map(pick));
    return {
      name: row.name,
      turns: of((r) => r.turns),
      turnsPerSecond: of((r) => r.turnsPerSecond),
      p50: of((r) => r.p50),
      p99: of((r) => r.p99),
      blobRequestsPerTurn: of((r) => r.blobRequestsPerTurn),
      peakRssMb: of((r) => r.peakRssMb),
      firstTurnMs: of((r) => r.firstTurnMs),
      turnsRatio: of((r) => r.turnsRatio),
      p99Ratio: of((r) => r.p99Ratio),
    };
  });
}

function table(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.name,
    r.turns.toFixed(0),
    r.turnsPerSecond.toFixed(0),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    r.turnsRatio.toFixed(2),
    r.p99Ratio.toFixed(2),
    r.blobRequestsPerTurn.toFixed(2),
    r.peakRssMb.toFixed(0),
    r.firstTurnMs.toFixed(0),
  ]);
  const header = ['bot', 'turns', 'turns/s', 'p50 ms', 'p99 ms', 'x/a turns/s', 'x/a p99', 'blob req/turn', 'peak RSS MB', 'first turn ms'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: readonly string[]) => `| ${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
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
    { name: '(a) reference bot', command: ['node', '--disable-warning=DEP0111', compileReference()], env: {}, script: REFERENCE_SCRIPT },
    { name: '(b) this bot, memory state', command: ours, env: storageEnv('memory'), script: OUR_SCRIPT },
    { name: '(c) this bot, blob state', command: ours, env: storageEnv('blob'), script: OUR_SCRIPT },
  ];
  try {
    const only = process.env.BENCH_ONLY?.split(',');
    const selected = targets.filter((t, i) => !only || only.includes('abc'[i] ?? ''));
    process.stdout.write(`${CONVERSATIONS} concurrent conversations × ${ROUNDS} rounds, ${RUNS} runs in alternating order, ${os.cpus().length} cores, Node ${process.version}\n`);
    const runs: Row[][] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const order = run % 2 === 0 ? selected : [...selected].reverse();
      const measured = new Map<string, Result>();
      for (const target of order) {
        process.stderr.write(`run ${run + 1}/${RUNS}: measuring ${target.name}…\n`);
        measured.set(target.name, await measure(target, sink.url, proxy));
      }
      const rows = rowsOf(selected.map((t) => measured.get(t.name)).filter((r): r is Result => r !== undefined));
      runs.push(rows);
      process.stdout.write(`\nrun ${run + 1} (${order.map((t) => t.name.slice(0, 3)).join(' ')})\n${table(rows)}\n`);
    }
    const medians = medianRows(runs);
    process.stdout.write(`\nmedians of ${RUNS} runs\n${table(medians)}\n`);
    const [a, b, c] = medians;
    if (a && b && c && selected.length === 3) {
      const checks = [
        [`b/a turns/s ≥ 0.9`, b.turnsRatio >= 0.9],
        [`c/a turns/s ≥ 0.5`, c.turnsRatio >= 0.5],
        [`p99(b) ≤ 1.5 × p99(a)`, b.p99Ratio <= 1.5],
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
