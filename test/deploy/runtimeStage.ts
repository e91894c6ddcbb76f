import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, stat } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  type Dockerfile,
  execForm,
  isInContext,
  parseCopy,
  parseEnv,
  parseHealthcheck,
  type Stage,
  stageOf,
} from './dockerfile.js';

const run = promisify(execFile);

/** What replaying a stage leaves: a folder standing for the image's file system, and its metadata. */
export interface ReplayedStage {
  /** Stands for the image's `/`: container path `/app/x` is `<rootfs>/app/x`. */
  readonly rootfs: string;
  /** The final WORKDIR, as a container path. */
  readonly workdir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly user: string | undefined;
  readonly cmd: readonly string[] | undefined;
  readonly healthcheck: readonly string[] | undefined;
  /** Container paths that COPY wrote (destinations), e.g. `/app/dist`. */
  readonly copied: readonly string[];
  /** Every RUN step, as run, skipped or emulated, for the test's log. */
  readonly steps: readonly string[];
}

export interface ReplayOptions {
  readonly contextDir: string;
  readonly dockerignore: string;
  readonly rootfs: string;
  /** Where a path of another stage (`COPY --from=<stage> <path>`) is on this machine. */
  resolveFromStage(stage: string, containerPath: string): Promise<string>;
  /** Extra environment for `npm ci` (the npm cache, npm_config_yes=false, …). */
  readonly npmEnv: NodeJS.ProcessEnv;
}

/**
 * Replays one stage of the Dockerfile on this machine, instruction by instruction: WORKDIR,
 * ENV, COPY (from the context, honouring .dockerignore, or from another stage) and the RUN
 * steps this project's Dockerfile uses — `npm ci` for real, in the stage's folder with its ENV;
 * `mkdir -p` for real; `chown` and `npm cache clean` skipped (one user here; the cache is this
 * machine's). Any other RUN command stops the replay: teach this function before relying on it.
 */
export async function replayStage(stage: Stage, options: ReplayOptions): Promise<ReplayedStage> {
  let workdir = '/';
  const env: Record<string, string> = {};
  let user: string | undefined;
  let cmd: string[] | undefined;
  let healthcheck: string[] | undefined;
  const copied: string[] = [];
  const steps: string[] = [];
  const local = (containerPath: string) => path.join(options.rootfs, path.posix.resolve(workdir, containerPath));

  for (const instruction of stage.instructions) {
    const where = `Dockerfile line ${instruction.line}`;
    switch (instruction.keyword) {
      case 'WORKDIR':
        workdir = path.posix.resolve(workdir, instruction.args);
        await mkdir(local('.'), { recursive: true });
        break;
      case 'ENV':
        for (const [name, value] of parseEnv(instruction.args)) env[name] = value;
        break;
      case 'COPY': {
        const copy = parseCopy(instruction.args);
        const intoFolder = copy.destination.endsWith('/') || copy.sources.length > 1;
        for (const source of copy.sources) {
          let from: string;
          if (copy.from === undefined) {
            if (!isInContext(options.dockerignore, source.replace(/^\.\//, '').replace(/\/$/, ''))) {
              throw new Error(`${where}: ${source} is excluded from the build context by .dockerignore`);
            }
            from = path.join(options.contextDir, source);
          } else {
            from = await options.resolveFromStage(copy.from, path.posix.resolve('/app', source));
          }
          const isFolder = (await stat(from)).isDirectory();
          const target = intoFolder && !isFolder ? path.join(local(copy.destination), path.basename(source)) : local(copy.destination);
          await mkdir(path.dirname(target), { recursive: true });
          await cp(from, target, { recursive: true });
          copied.push(path.posix.resolve(workdir, intoFolder && !isFolder ? path.posix.join(copy.destination, path.basename(source)) : copy.destination));
        }
        break;
      }
      case 'RUN':
        for (const command of instruction.args.split('&&').map((c) => c.trim())) {
          steps.push(await runStep(command, { rootfs: options.rootfs, workdir }, env, options.npmEnv, where));
        }
        break;
      case 'USER':
        user = instruction.args.trim();
        break;
      case 'CMD':
        cmd = execForm(instruction.args);
        if (!cmd) throw new Error(`${where}: CMD must use the exec form (signals reach node directly)`);
        break;
      case 'HEALTHCHECK':
        healthcheck = parseHealthcheck(instruction.args).command;
        break;
      case 'EXPOSE':
      case 'LABEL':
      case 'STOPSIGNAL':
        break;
      default:
        throw new Error(`${where}: the replay does not know ${instruction.keyword}`);
    }
  }
  return { rootfs: options.rootfs, workdir, env, user, cmd, healthcheck, copied, steps };
}

async function runStep(
  command: string,
  at: { readonly rootfs: string; readonly workdir: string },
  env: Readonly<Record<string, string>>,
  npmEnv: NodeJS.ProcessEnv,
  where: string,
): Promise<string> {
  const local = (containerPath: string) => path.join(at.rootfs, path.posix.resolve(at.workdir, containerPath));
  const words = command.split(/\s+/).filter(Boolean);
  if (words[0] === 'npm' && words[1] === 'ci') {
    const args = [...words.slice(1), '--prefer-offline'];
    // At low priority: unpacking ~1,200 packages must not starve the timing-sensitive tests that
    // vitest runs beside this one.
    await run('nice', ['-n', '10', 'npm', ...args], { cwd: local('.'), env: { ...npmEnv, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return `ran: npm ${args.join(' ')}`;
  }
  if (words[0] === 'npm' && words[1] === 'cache' && words[2] === 'clean') return `skipped: ${command} (this machine's cache)`;
  if (words[0] === 'chown') return `skipped: ${command} (one user here)`;
  if (words[0] === 'mkdir' && words[1] === '-p') {
    for (const folder of words.slice(2)) await mkdir(local(folder), { recursive: true });
    return `ran: ${command}`;
  }
  throw new Error(`${where}: the replay does not know how to run \`${command}\``);
}

export function replayRuntimeStage(dockerfile: Dockerfile, options: ReplayOptions): Promise<ReplayedStage> {
  return replayStage(stageOf(dockerfile), options);
}

export interface ModuleGraph {
  /** Files of the app reached from the entry point (relative to rootfs), node_modules excluded. */
  readonly appFiles: readonly string[];
  /** Packages the app requires (or require.resolve()s), by name. */
  readonly packages: readonly string[];
  /** Specifiers that do not resolve from where they are required: what the image would lack. */
  readonly unresolved: readonly string[];
}

/**
 * Walks the compiled app's module graph from its entry point: every `require("…")`,
 * `require.resolve("…")` and `import("…")` with a literal specifier (tsc emits CommonJS: static
 * and JSON imports become require calls, dynamic imports stay import(); the fonts and the Web
 * Chat bundle are found with require.resolve). Relative specifiers are followed; packages are resolved from the
 * requiring file — inside the replayed image, so only what it holds can answer.
 */
export async function walkModuleGraph(rootfs: string, entry: string): Promise<ModuleGraph> {
  const appFiles = new Set<string>();
  const packages = new Set<string>();
  const unresolved: string[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop();
    if (file === undefined || appFiles.has(path.relative(rootfs, file))) continue;
    appFiles.add(path.relative(rootfs, file));
    if (!file.endsWith('.js')) continue;
    const text = await readFile(file, 'utf8');
    const requireFrom = createRequire(file);
    for (const match of text.matchAll(/(?<![\w.$])(?:require(?:\.resolve)?|import)\(\s*(["'])([^"'`]+)\1\s*\)/g)) {
      const specifier = match[2] ?? '';
      if (isBuiltin(specifier)) continue;
      let resolved: string;
      try {
        resolved = requireFrom.resolve(specifier);
      } catch {
        unresolved.push(`${specifier} (from ${path.relative(rootfs, file)})`);
        continue;
      }
      if (specifier.startsWith('.')) {
        if (!resolved.startsWith(rootfs) || resolved.includes(`${path.sep}node_modules${path.sep}`)) {
          unresolved.push(`${specifier} (from ${path.relative(rootfs, file)}: outside the image)`);
        } else queue.push(resolved);
      } else {
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? specifier));
      }
    }
  }
  return { appFiles: [...appFiles].sort(), packages: [...packages].sort(), unresolved };
}
