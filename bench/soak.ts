/**
 * npm run bench:soak — does the bot run for days? SOAK_CONVERSATIONS (default 10,000) full
 * conversations — the procedure to a contact-centre verdict, then a listing of 5 workers (reference,
 * declaration, date, 5 × identifier/surname/first name, done) — through the real server with
 * dialog state and listings in blob storage (Azurite), SOAK_CONCURRENCY at a time; then the same
 * messages through the reference bot of bench/ (compiled to plain JS, as this bot runs from
 * dist/).
 *
 * Memory is measured from outside, as an operator sees it: the bot's RSS is read from /proc every
 * second, and every SOAK_EVERY (1,000) conversations the window's median and maximum are printed,
 * with the heap as the bot sees it, event-loop delay p99 (monitorEventLoopDelay in the bot,
 * bench/loopProbe.cjs) and turns/s. A single reading would be noise: V8 lets the heap grow to a
 * multiple of what is live before collecting, so RSS swings by tens of MB within seconds.
 * SOAK_GC=1 collects garbage before each heap reading (heap used = live memory; it does not lower
 * RSS, which V8 hands back to the system in its own time).
 *
 * Azurite keeps its blobs in LokiJS, whose lookups here scan every blob: with the blobs of
 * thousands of finished conversations it becomes the bottleneck (one core at 100 %, turns/s
 * falling from ~320 to under 190 by 4,000 conversations), so the run would measure the emulator.
 * At each checkpoint the soak therefore deletes the blobs not written for a minute — only those
 * of finished conversations, which nothing reads again — as the retention jobs would, later.
 *
 * Targets: after warm-up, this bot's median RSS grows by at most 20 MB over the run, and ends at
 * most 1.2 × the reference's. Warm-up lasts SOAK_WARMUP conversations (default 2,000): the
 * largest bounded cache (ResilientStorage's last-known state copies, for bridging an outage)
 * holds 2,000 conversations, and fills until then. The growth after the first window is printed
 * too. Knobs for investigating: SOAK_ONLY=ours|reference,
 * SOAK_STATE=memory (this bot's dialog state in memory), SOAK_NODE_FLAGS (V8 flags for both bots).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { azuriteConnectionString, findFreePort } from '../src/storage/azurite.js';
import { buildNationalNumber } from '../test/identity/nationalNumberBuilder.js';
import { activity, buildUnlessSkipped, compileReference, firstAnsweredTurnMs, percentile, post, rssMb, startBenchStorage, startSink } from './harness.js';

const TOTAL = Number(process.env.SOAK_CONVERSATIONS ?? 10_000);
const EVERY = Number(process.env.SOAK_EVERY ?? Math.min(1_000, Math.max(1, Math.floor(TOTAL / 10))));
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 16);
const WARMUP = Number(process.env.SOAK_WARMUP ?? 2_000);
const SURNAMES = ['Peeters', 'Janssens', 'Maes', 'Jacobs', 'Willems', 'Claes', 'Goossens', 'Wouters', 'Dubois', 'Lambert'];
const FIRST_NAMES = ['Jan', 'Sara', 'Luc', 'Emma', 'Noah', 'Léa', 'Tom', 'Marie', 'Lucas', 'Julie'];

/** One full conversation's messages: unique declaration, five synthetic workers. */
function script(n: number): string[] {
  const workers = Array.from({ length: 5 }, (_, i) => {
    const counter = ((n * 5 + i) % 997) + 1;
    const day = String((n % 28) + 1).padStart(2, '0');
    return [buildNationalNumber(`8${n % 10}01${day}`, counter, 1900), SURNAMES[(n + i) % 10] ?? 'Peeters', FIRST_NAMES[(n * 3 + i) % 10] ?? 'Jan'];
  });
  return [
    'Am I exempt today?', '1', '2', '2', '2',
    'I have a reference number', `REF-SOAK-${n}`, `SOAK${String(n).padStart(6, '0')}`, 'today',
    ...workers.flat(),
    'done',
  ];
}

interface Checkpoint {
  readonly conversations: number;
  /** Median and maximum of the RSS read every second during the window. */
  readonly rssMb: number;
  readonly rssMaxMb: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
  readonly loopDelayP99Ms: number;
  readonly turnsPerSecond: number;
}

interface Stats {
  readonly loopDelayP99Ms: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
}

function askStats(child: ChildProcess): Promise<Stats> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no stats from the bot')), 10_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as Stats);
    });
    child.send('stats');
  });
}

/** Deletes the blobs of `containers` last written more than `idleMs` ago; how many. */
async function pruneIdleBlobs(connectionString: string, containers: readonly string[], idleMs = 60_000): Promise<number> {
  const service = BlobServiceClient.fromConnectionString(connectionString);
  const before = Date.now() - idleMs;
  let deleted = 0;
  for (const name of containers) {
    const container = service.getContainerClient(name);
    if (!(await container.exists())) continue;
    for await (const blob of container.listBlobsFlat()) {
      if (blob.properties.lastModified.getTime() >= before) continue;
      await container.deleteBlob(blob.name).catch(() => undefined);
      deleted += 1;
    }
  }
  return deleted;
}

async function soak(name: string, entry: string, env: Record<string, string>, sink: string, prune?: () => Promise<number>): Promise<Checkpoint[]> {
  const port = await findFreePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...(process.env.SOAK_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), '--disable-warning=DEP0111', '--expose-gc', '-r', './bench/loopProbe.cjs', entry], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const checkpoints: Checkpoint[] = [];
  try {
    await firstAnsweredTurnMs(port, 'hello', sink, started, name);
    process.stdout.write(
      `\n${name}\n| conversations | RSS median MB | RSS max MB | heap used MB | heap total MB | external MB | loop delay p99 ms | turns/s |\n|---|---|---|---|---|---|---|---|\n`,
    );
    await askStats(child);
    let samples: number[] = [];
    const sampler = setInterval(() => samples.push(rssMb(child.pid)), 1000);
    let next = 0;
    let done = 0;
    let turns = 0;
    let windowStart = performance.now();
    let windowTurns = 0;
    let checkpointing: Promise<void> = Promise.resolve();
    let pruned = 0;
    const worker = async () => {
      for (let n = next++; n < TOTAL; n = next++) {
        const id = `soak-${n}-${randomUUID()}`;
        for (const text of script(n)) {
          const body = activity(text, id, sink);
          // A keep-alive connection closed by the server as the request left is a transport
          // error, not the bot's: sent again with the same activity id (a redelivery is harmless).
          const status = await post(port, body).catch(async (error: unknown) => {
            process.stderr.write(`${name}: ${String((error as { cause?: unknown }).cause ?? error)}; sent again\n`);
            return post(port, body);
          });
          if (status !== 200) throw new Error(`${name}: turn failed with HTTP ${status}`);
          turns += 1;
        }
        done += 1;
        if (done % EVERY === 0) {
          const seconds = (performance.now() - windowStart) / 1000;
          const windowTurnCount = turns - windowTurns;
          windowStart = performance.now();
          windowTurns = turns;
          const at = done;
          const rssWindow = [...samples, rssMb(child.pid)].sort((a, b) => a - b);
          samples = [];
          checkpointing = checkpointing.then(async () => {
            pruned += (await prune?.()) ?? 0;
            const stats = await askStats(child);
            const point: Checkpoint = { conversations: at, rssMb: percentile(rssWindow, 50), rssMaxMb: rssWindow.at(-1) ?? Number.NaN, heapUsedMb: stats.heapUsedMb, heapTotalMb: stats.heapTotalMb, externalMb: stats.externalMb, loopDelayP99Ms: stats.loopDelayP99Ms, turnsPerSecond: windowTurnCount / seconds };
            checkpoints.push(point);
            process.stdout.write(`| ${at} | ${point.rssMb.toFixed(0)} | ${point.rssMaxMb.toFixed(0)} | ${point.heapUsedMb.toFixed(0)} | ${point.heapTotalMb.toFixed(0)} | ${point.externalMb.toFixed(0)} | ${point.loopDelayP99Ms.toFixed(1)} | ${point.turnsPerSecond.toFixed(0)} |\n`);
          });
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      await checkpointing;
    } finally {
      clearInterval(sampler);
    }
    if (prune) process.stdout.write(`(blobs of finished conversations deleted at the checkpoints: ${pruned})\n`);
    return checkpoints;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
  }
}

async function main(): Promise<void> {
  buildUnlessSkipped();
  const reference = compileReference();
  const storage = await startBenchStorage();
  const sink = await startSink();
  const journalDir = await mkdtemp(path.join(os.tmpdir(), 'soak-journal-'));
  process.stdout.write(`${TOTAL} conversations (procedure + listing of 5 workers, 25 turns each), ${CONCURRENCY} at a time, ${os.cpus().length} cores, Node ${process.version}\n`);
  try {
    const only = process.env.SOAK_ONLY;
    const connectionString = azuriteConnectionString('127.0.0.1', storage.azuritePort);
    const ours =
      only === 'reference'
        ? []
        : await soak('this bot, blob state', 'dist/src/main.js', {
            AZURE_STORAGE_CONNECTION_STRING: connectionString,
            STATE_STORAGE: process.env.SOAK_STATE ?? 'blob',
            STORAGE_DATA_CONTAINER: 'soak-data',
            STORAGE_STATE_CONTAINER: 'soak-state',
            LOCAL_JOURNAL_DIR: journalDir,
            LOG_LEVEL: 'warn',
          }, sink.url, () => pruneIdleBlobs(connectionString, ['soak-data', 'soak-state']));
    const theirs = only === 'ours' ? [] : await soak('reference bot', reference, {}, sink.url);
    const first = ours[0];
    const warm = ours.find((point) => point.conversations >= WARMUP) ?? first;
    const last = ours.at(-1);
    const referenceLast = theirs.at(-1);
    const signed = (mb: number) => `${mb >= 0 ? '+' : ''}${mb.toFixed(1)} MB`;
    if (first && warm && last) {
      process.stdout.write(`\nthis bot: median RSS ${first.rssMb.toFixed(0)} MB after the first window (${first.conversations} conversations), ${warm.rssMb.toFixed(0)} MB after warm-up (${warm.conversations}), ${last.rssMb.toFixed(0)} MB at the end (${last.conversations})\n`);
      process.stdout.write(`growth after the first window: ${signed(last.rssMb - first.rssMb)}\n`);
      const growth = last.rssMb - warm.rssMb;
      process.stdout.write(`${growth <= 20 ? 'meets' : 'MISSES'}  median RSS growth after warm-up ≤ 20 MB (${signed(growth)})\n`);
    }
    if (last && referenceLast) {
      const ratio = last.rssMb / referenceLast.rssMb;
      process.stdout.write(`${ratio <= 1.2 ? 'meets' : 'MISSES'}  end median RSS ≤ 1.2 × the reference's (${last.rssMb.toFixed(0)} / ${referenceLast.rssMb.toFixed(0)} MB = ${ratio.toFixed(2)})\n`);
    }
  } finally {
    await sink.close();
    await storage.close();
    await rm(journalDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
