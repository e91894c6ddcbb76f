import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../src/storage/azurite.js';
import { uniqueContainerName } from '../helpers/azurite.js';
import { startFakeChannel } from '../helpers/fakeChannel.js';
import { instructionsOf, parseDockerfile, stageOf } from './dockerfile.js';
import { type ModuleGraph, type ReplayedStage, replayRuntimeStage, walkModuleGraph } from './runtimeStage.js';

/**
 * The container image without Docker (no daemon, no registry here): the Dockerfile's runtime
 * stage is replayed in a temporary folder standing for the image — its COPY instructions, its
 * `npm ci --omit=dev` for real (with npm_config_yes=false, so botbuilder-dialogs' `npx rimraf`
 * must find rimraf locally) — then its CMD is started with real blob storage (the run's Azurite)
 * and driven over /api/messages, and its HEALTHCHECK is run. The compiled dist/ comes from the
 * build stage's `npm run build` (tsc), done into the temporary folder.
 *
 * Slow by nature: the production install unpacks ~1,200 packages from npm's cache (no download
 * on a machine where `npm ci` has run): 60–100 s on this 2-core machine, up to ~260 s when
 * several test runs share it. Most of them are botframework-webchat's (~420, for one bundle
 * file) and azurite's (~280, the embedded local storage).
 */

const ROOT = path.resolve(__dirname, '../..');
const execFileAsync = promisify(execFile);
// Generous: on this shared 2-core machine under load the install has taken up to 260 s.
const SETUP_TIMEOUT_MS = 600_000;

async function waitUntilHealthy(url: string, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(url).then((r) => r.status === 200, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms; the bot said:\n${log()}`);
}

/**
 * PATH without any node_modules/.bin: under `npm test` npm puts this project's own bins first,
 * and neither the install (npx rimraf) nor the image may find anything there.
 */
const CLEAN_PATH = (process.env.PATH ?? '')
  .split(path.delimiter)
  .filter((folder) => !folder.split(path.sep).includes('node_modules'))
  .join(path.delimiter);

interface PackageJson {
  readonly dependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
}

describe('the Dockerfile runtime stage, replayed: production dependencies only', () => {
  let tmp: string;
  let image: ReplayedStage;
  let pkg: PackageJson;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'runtime-stage-'));
    pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;
    const dockerfile = parseDockerfile(await readFile(path.join(ROOT, 'Dockerfile'), 'utf8'));
    const dockerignore = await readFile(path.join(ROOT, '.dockerignore'), 'utf8');

    // The build stage's result, made while the production install runs: its `npm run build` is
    // `tsc -p tsconfig.json` (checked in dockerfile.test.ts), written under its WORKDIR.
    const buildRootfs = path.join(tmp, 'build-rootfs');
    const buildWorkdir = instructionsOf(stageOf(dockerfile, 'build'), 'WORKDIR').at(-1)?.args ?? '/';
    const started = Date.now();
    const built = execFileAsync(
      'nice',
      ['-n', '10', process.execPath, path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--outDir', path.join(buildRootfs, buildWorkdir, 'dist')],
      { cwd: ROOT },
    ).then(() => (timings.buildSeconds = (Date.now() - started) / 1000));

    image = await replayRuntimeStage(dockerfile, {
      contextDir: ROOT,
      dockerignore,
      rootfs: path.join(tmp, 'rootfs'),
      resolveFromStage: async (stage, containerPath) => {
        if (stage !== 'build') throw new Error(`unexpected COPY --from=${stage}`);
        await built;
        const local = path.join(buildRootfs, containerPath);
        if (!existsSync(local)) throw new Error(`the build stage has no ${containerPath}`);
        return local;
      },
      npmEnv: {
        PATH: CLEAN_PATH,
        HOME: process.env.HOME ?? os.homedir(),
        ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
        // npx must not be allowed to fetch anything: rimraf has to be in the tree.
        npm_config_yes: 'false',
        npm_config_ignore_scripts: 'false',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_progress: 'false',
      },
    });
    await built;
    timings.totalSeconds = (Date.now() - started) / 1000;
    console.info(`[deploy] runtime stage replayed in ${timings.totalSeconds.toFixed(1)} s (tsc ${timings.buildSeconds?.toFixed(1)} s in parallel); steps: ${image.steps.join('; ')}`);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }, 60_000);

  const appDir = () => path.join(image.rootfs, image.workdir);
  const nodeModule = (name: string) => path.join(appDir(), 'node_modules', name, 'package.json');

  it('installs no devDependency, runs the install scripts, and needs no npx download', () => {
    for (const dev of ['typescript', 'tsx', 'vitest', 'playwright-core']) expect(existsSync(nodeModule(dev)), dev).toBe(false);
    for (const dependency of Object.keys(pkg.dependencies)) expect(existsSync(nodeModule(dependency)), dependency).toBe(true);
    // botbuilder-dialogs' postinstall (`npx rimraf …`) removed the nested copies of
    // recognizers-text-number that the lockfile installs: the script ran, with the local rimraf.
    for (const parent of ['recognizers-text-suite', 'recognizers-text-date-time', 'recognizers-text-number-with-unit']) {
      expect(existsSync(path.join(appDir(), `node_modules/@microsoft/${parent}/node_modules/@microsoft/recognizers-text-number`)), parent).toBe(false);
    }
  });

  describe('what the compiled app loads', () => {
    let graphs: ModuleGraph[];
    beforeAll(async () => {
      const entries = [image.cmd, image.healthcheck].map((command) => command?.find((arg) => arg.endsWith('.js')));
      graphs = await Promise.all(
        entries.map((entry) => {
          if (!entry) throw new Error('CMD and HEALTHCHECK must each run a .js file');
          return walkModuleGraph(image.rootfs, path.join(appDir(), entry));
        }),
      );
    });

    it('resolves every require and require.resolve inside the image', () => {
      for (const graph of graphs) expect(graph.unresolved).toEqual([]);
      const files = [...new Set(graphs.flatMap((g) => g.appFiles))];
      // Sanity: the walk really followed the app (the dialogs and the locale catalogs are in it).
      expect(files.some((f) => f.includes('/dialogs/'))).toBe(true);
      expect(files.filter((f) => /\/locales\/[a-z]{2}\.json$/.test(f))).toHaveLength(4);
    });

    it('reads no file outside the folders the runtime stage copies', () => {
      const copied = image.copied.map((p) => p.replace(/^\//, ''));
      const outside = graphs
        .flatMap((g) => g.appFiles)
        .filter((file) => !copied.some((folder) => file === folder || file.startsWith(`${folder}/`)));
      expect(outside).toEqual([]);
    });

    it('requires only packages listed in dependencies, never a devDependency', () => {
      const used = new Set(graphs.flatMap((g) => g.packages));
      expect([...used].filter((name) => !(name in pkg.dependencies))).toEqual([]);
      // What the app finds with require.resolve at run time: the PDF fonts and the Web Chat bundle.
      expect([...used]).toEqual(expect.arrayContaining(['dejavu-fonts-ttf', 'botframework-webchat']));
    });
  });

  describe('started from CMD, as the container starts it', () => {
    let bot: ChildProcess | undefined;
    let port: number;
    let env: NodeJS.ProcessEnv;
    const containers = { data: uniqueContainerName('image-data'), state: uniqueContainerName('image-state') };
    const connectionString = inject('azuriteConnectionString');
    const output: string[] = [];

    beforeAll(async () => {
      port = await findFreePort();
      const [command, ...args] = image.cmd ?? [];
      if (command !== 'node') throw new Error(`CMD must start node directly, not ${command}`);
      await mkdir(path.join(tmp, 'home'), { recursive: true });
      // The image's ENV, then what `docker run -e …` would add: real storage, loopback only.
      env = {
        PATH: CLEAN_PATH,
        HOME: path.join(tmp, 'home'),
        ...image.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        AZURE_STORAGE_CONNECTION_STRING: connectionString,
        STORAGE_DATA_CONTAINER: containers.data,
        STORAGE_STATE_CONTAINER: containers.state,
        LOG_LEVEL: 'info',
      };
      bot = spawn(process.execPath, args, { cwd: appDir(), env, stdio: ['ignore', 'pipe', 'pipe'] });
      bot.stdout?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
      bot.stderr?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
      await waitUntilHealthy(`http://127.0.0.1:${port}/healthz`, 60_000, () => output.join(''));
    }, 90_000);

    afterAll(async () => {
      if (bot && bot.exitCode === null && bot.signalCode === null) bot.kill('SIGKILL');
      const service = BlobServiceClient.fromConnectionString(connectionString);
      await Promise.all(Object.values(containers).map((name) => service.getContainerClient(name).deleteIfExists()));
    });

    const healthcheck = async (): Promise<number> => {
      const [command, ...args] = image.healthcheck ?? [];
      if (command !== 'node') throw new Error(`HEALTHCHECK must run node, not ${command}`);
      return execFileAsync(process.execPath, args, { cwd: appDir(), env, timeout: 15_000 }).then(
        () => 0,
        (error: { code?: number }) => error.code ?? -1,
      );
    };

    it('answers a turn over /api/messages and keeps the conversation in blob storage', async () => {
      const channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`, `conv-image-${Date.now()}`);
      try {
        const { status, replies } = await channel.send({ text: 'Bonjour, le pointage ne marche pas ce matin sur le chantier', locale: 'fr-BE' });
        expect(status).toBe(200);
        expect(replies.length).toBeGreaterThan(0);
        expect(replies.some((r) => typeof r.text === 'string' && r.text.length > 0)).toBe(true);
      } finally {
        await channel.close();
      }
      const state = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(containers.state);
      const names: string[] = [];
      for await (const blob of state.listBlobsFlat()) names.push(blob.name);
      expect(names.length).toBeGreaterThan(0);
    });

    it('serves the Web Chat page and its bundle from the production node_modules', async () => {
      const page = await fetch(`http://127.0.0.1:${port}/`, { headers: { 'accept-language': 'nl-BE' } });
      expect(page.status).toBe(200);
      const html = await page.text();
      const bundle = /<script src="(\/webchat\/[^"]+\/webchat\.js)"/.exec(html)?.[1];
      expect(bundle, 'the page loads the Web Chat bundle').toBeDefined();
      const script = await fetch(`http://127.0.0.1:${port}${bundle}`);
      expect(script.status).toBe(200);
      expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    });

    it('passes its HEALTHCHECK while running, exits 0 on SIGTERM, and then fails it', async () => {
      expect(await healthcheck()).toBe(0);
      const exited = new Promise<number | null>((resolve) => bot?.once('exit', (code) => resolve(code)));
      bot?.kill('SIGTERM');
      expect(await exited, output.join('')).toBe(0);
      expect(await healthcheck()).toBe(1);
    }, 60_000);
  });
});
