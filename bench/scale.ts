/**
 * npm run bench:scale — turns/s of the same load through the round-robin load balancer of the
 * scale-out test (test/helpers/roundRobinProxy.ts) to 1 instance and to 3 instances of the built
 * bot (dist/), each its own process, all on one Azurite. Runs alternate (1, 3, 1, 3, …) so that
 * the machine's other load falls on both alike; the medians are compared. Each run is
 * `BENCH_SCALE_CONVERSATIONS` (default 50) conversations at once, each the procedure to a
 * contact-centre verdict and a listing with three workers (~19 turns), colleagues of ten
 * companies adding to their company's listing. Also printed: the CPU time the bot processes
 * used per turn (from /proc), which says where the limit is.
 *
 *   BENCH_SCALE_CONVERSATIONS  concurrent conversations per run (default 50)
 *   BENCH_SCALE_RUNS           measured runs per instance count (default 3)
 *   BENCH_SKIP_BUILD           use dist/ as it is
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startAzurite } from '../src/storage/azurite.js';
import { BUILT_ENTRY_POINT } from '../test/helpers/botProcess.js';
import { startFakeChannel } from '../test/helpers/fakeChannel.js';
import { type Cluster, planConversations, runConversation, startCluster } from '../test/helpers/scaleOut.js';

const CONVERSATIONS = Number(process.env.BENCH_SCALE_CONVERSATIONS ?? 50);
const RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 3);
const INSTANCES = 3;
const WARMUP_CONVERSATIONS = 10;

interface RunResult {
  readonly instances: number;
  readonly turns: number;
  readonly seconds: number;
  readonly turnsPerSecond: number;
  readonly cpuMsPerTurn: number;
  /** CPU time of Azurite, and of this process (load balancer, channel, clients), per turn. */
  readonly azuriteCpuMsPerTurn: number;
  readonly driverCpuMsPerTurn: number;
  /** The machine's 1-minute load average at the end of the run (other work on the machine included). */
  readonly loadAverage: number;
  /** Messages sent again after the bot's apology (a turn that failed, e.g. a storage timeout). */
  readonly resent: number;
  /** Turns each instance took. */
  readonly spread: readonly number[];
}

/** CPU time (user + system) a process has used so far, in ms; Linux /proc, clock ticks of 10 ms. */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

async function measure(cluster: Cluster, azuritePid: number | undefined, instances: number, conversations: number): Promise<RunResult> {
  cluster.proxy.useInstances(instances);
  const channel = await startFakeChannel(() => `${cluster.proxy.url}/api/messages`);
  const plans = planConversations({ conversations, tenants: 10, workersPerConversation: 3, pdfEvery: 0, runId: randomUUID().replace(/-/g, '') });
  const logStart = cluster.proxy.log.length;
  const cpuBefore = cluster.bots.map((bot) => cpuMs(bot.child.pid));
  const azuriteBefore = cpuMs(azuritePid);
  const driverBefore = process.cpuUsage();
  const started = performance.now();
  try {
    const runs = await Promise.all(plans.map((plan) => runConversation(channel, plan)));
    const seconds = (performance.now() - started) / 1000;
    const turns = runs.reduce((sum, run) => sum + run.turns, 0);
    const cpu = cluster.bots.reduce((sum, bot, i) => sum + cpuMs(bot.child.pid) - (cpuBefore[i] ?? 0), 0);
    const driver = process.cpuUsage(driverBefore);
    const log = cluster.proxy.log.slice(logStart);
    return {
      instances,
      turns,
      seconds,
      turnsPerSecond: turns / seconds,
      resent: runs.reduce((sum, run) => sum + run.resent, 0),
      cpuMsPerTurn: cpu / turns,
      azuriteCpuMsPerTurn: (cpuMs(azuritePid) - azuriteBefore) / turns,
      driverCpuMsPerTurn: (driver.user + driver.system) / 1000 / turns,
      loadAverage: os.loadavg()[0] ?? Number.NaN,
      spread: cluster.ports.map((_, i) => log.filter((entry) => entry.instance === i).length),
    };
  } finally {
    await channel.close();
  }
}

async function main(): Promise<void> {
  if (!process.env.BENCH_SKIP_BUILD) {
    const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('build failed');
  }
  const location = await mkdtemp(path.join(os.tmpdir(), 'bench-scale-azurite-'));
  // In memory, as in `npm run bench`: it stands in for a remote service, and its disk writes
  // would otherwise compete with the bots for this machine's cores.
  const azurite = await startAzurite({ location, inMemory: true });
  let cluster: Cluster | undefined;
  try {
    cluster = await startCluster({
      instances: INSTANCES,
      command: BUILT_ENTRY_POINT,
      env: {
        AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
        STORAGE_DATA_CONTAINER: 'bench-scale-data',
        STORAGE_STATE_CONTAINER: 'bench-scale-state',
        DOWNLOAD_LINK_SECRET: randomBytes(32).toString('hex'),
        BLOB_NAME_KEY: randomBytes(16).toString('hex'),
        STATE_OUTAGE_BRIDGE: 'off',
        LOG_LEVEL: 'warn',
      },
    });
    process.stderr.write('warming up…\n');
    await measure(cluster, azurite.pid, INSTANCES, WARMUP_CONVERSATIONS);
    await measure(cluster, azurite.pid, 1, WARMUP_CONVERSATIONS);

    const results: RunResult[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      for (const instances of [1, INSTANCES]) {
        process.stderr.write(`run ${run + 1}/${RUNS}, ${instances} instance(s)…\n`);
        results.push(await measure(cluster, azurite.pid, instances, CONVERSATIONS));
      }
    }

    process.stdout.write(`\n${CONVERSATIONS} concurrent conversations per run, ${os.cpus().length} cores, Node ${process.version}\n\n`);
    process.stdout.write(
      '| run | instances | turns | seconds | turns/s | CPU ms/turn: bots | Azurite | driver | turns per instance | resent | load avg |\n|---|---|---|---|---|---|---|---|---|---|---|\n',
    );
    results.forEach((r, i) => {
      process.stdout.write(
        `| ${Math.floor(i / 2) + 1} | ${r.instances} | ${r.turns} | ${r.seconds.toFixed(1)} | ${r.turnsPerSecond.toFixed(1)} | ` +
          `${r.cpuMsPerTurn.toFixed(1)} | ${r.azuriteCpuMsPerTurn.toFixed(1)} | ${r.driverCpuMsPerTurn.toFixed(1)} | ${r.spread.join(' / ')} | ${r.resent} | ${r.loadAverage.toFixed(1)} |\n`,
      );
    });
    const of = (instances: number) => results.filter((r) => r.instances === instances);
    const one = median(of(1).map((r) => r.turnsPerSecond));
    const three = median(of(INSTANCES).map((r) => r.turnsPerSecond));
    process.stdout.write(
      `\nmedian turns/s: 1 instance ${one.toFixed(1)}, ${INSTANCES} instances ${three.toFixed(1)} (× ${(three / one).toFixed(2)}); ` +
        `median bot CPU ms/turn: ${median(of(1).map((r) => r.cpuMsPerTurn)).toFixed(1)} vs ${median(of(INSTANCES).map((r) => r.cpuMsPerTurn)).toFixed(1)}\n`,
    );
  } finally {
    await cluster?.stop();
    await azurite.stop();
    await rm(location, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
