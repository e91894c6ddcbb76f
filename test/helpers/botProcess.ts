import { type ChildProcess, spawn } from 'node:child_process';

/**
 * The real entry point in a child process, as `npm start` runs it: TypeScript through tsx by
 * default (no build needed), or the built `dist/src/main.js` (the benchmarks). Used by the
 * fault tests (kill -9, SIGTERM) and the scale-out test and benchmark. No vitest import: the
 * benchmarks use it too.
 */
export const TSX_ENTRY_POINT: readonly string[] = [process.execPath, '--import', 'tsx', 'src/main.ts'];
export const BUILT_ENTRY_POINT: readonly string[] = [process.execPath, '--enable-source-maps', '--disable-warning=DEP0111', 'dist/src/main.js'];

/** One JSON log line of the bot (src/logger.ts); anything else it printed is skipped. */
export interface LogEvent {
  readonly event: string;
  readonly level?: string;
  readonly [field: string]: unknown;
}

/** A bot process as spawned, healthy or not. */
export interface SpawnedBot {
  readonly child: ChildProcess;
  /** Every complete stdout line so far. */
  readonly lines: readonly string[];
  /** The JSON log events among those lines. */
  events(): LogEvent[];
  /** What it printed: stdout lines, then stderr (its first MiB). */
  output(): string;
  /** Resolves when the process has exited, however. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly isRunning: () => boolean;
  /** SIGKILL, and wait for the exit: nothing of the process runs after this resolves. */
  kill(): Promise<void>;
}

export interface BotProcess extends SpawnedBot {
  readonly port: number;
  /** http://127.0.0.1:port */
  readonly baseUrl: string;
}

export interface StartBotOptions {
  readonly port: number;
  /** Added to this process's environment (PORT and HOST=127.0.0.1 are set here). */
  readonly env: NodeJS.ProcessEnv;
  readonly command?: readonly string[];
  /** Return as soon as the process is spawned, without waiting for /healthz. */
  readonly waitForHealth?: boolean;
  /** How long the first healthy answer may take (start-up under load); default 60 s. */
  readonly startTimeoutMs?: number;
}

export function parseLogEvents(lines: readonly string[]): LogEvent[] {
  return lines.flatMap((line) => {
    try {
      const parsed = JSON.parse(line) as unknown;
      return typeof parsed === 'object' && parsed !== null && typeof (parsed as LogEvent).event === 'string' ? [parsed as LogEvent] : [];
    } catch {
      return [];
    }
  });
}

export function isHealthy(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/healthz`).then(
    async (response) => {
      await response.arrayBuffer();
      return response.ok;
    },
    () => false,
  );
}

/** Spawns `command` with `env` added to this process's environment, collecting what it prints. */
export function spawnBot(command: readonly string[], env: NodeJS.ProcessEnv): SpawnedBot {
  const [executable, ...args] = command;
  const child = spawn(executable ?? process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const complete = (partial + chunk).split('\n');
    partial = complete.pop() ?? '';
    lines.push(...complete);
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    // Everything a test may search (a token must appear nowhere), yet a long run must not
    // grow this without bound.
    if (stderr.length < 1_048_576) stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    lines,
    events: () => parseLogEvents(lines),
    output: () => [...lines, partial, stderr].join('\n'),
    exited,
    isRunning,
    kill: async () => {
      if (isRunning()) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Starts the bot and (by default) waits until it answers /healthz; a bot that exits first fails with its output. */
export async function startBotProcess(options: StartBotOptions): Promise<BotProcess> {
  const spawned = spawnBot(options.command ?? TSX_ENTRY_POINT, { ...options.env, PORT: String(options.port), HOST: '127.0.0.1' });
  const bot: BotProcess = { ...spawned, port: options.port, baseUrl: `http://127.0.0.1:${options.port}` };
  if (options.waitForHealth === false) return bot;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (!bot.isRunning()) throw new Error(`the bot exited during start-up: ${bot.output().trim().slice(-4000) || '(no output)'}`);
    if (await isHealthy(options.port)) return bot;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await bot.kill();
  throw new Error(`the bot did not answer /healthz on port ${options.port} in time: ${bot.output().slice(-2000)}`);
}

/** Runs the bot until it exits on its own (a refused configuration), HOST and PORT as `env` says; bounded. */
export async function runBotUntilExit(env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  const bot = spawnBot(TSX_ENTRY_POINT, env);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const result = await Promise.race([bot.exited, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    await bot.kill();
    throw new Error(`still running after ${timeoutMs} ms: ${bot.output().slice(-1000)}`);
  }
  return { code: result.code, output: bot.output() };
}
