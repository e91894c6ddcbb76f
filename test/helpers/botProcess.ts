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

export interface BotProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Every complete stdout line so far. */
  readonly lines: readonly string[];
  /** The JSON log events among those lines. */
  events(): LogEvent[];
  /** Resolves when the process has exited, however. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly isRunning: () => boolean;
  /** SIGKILL, and wait for the exit: nothing of the process runs after this resolves. */
  kill(): Promise<void>;
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

/** Starts the bot and (by default) waits until it answers /healthz; a bot that exits first fails with its stderr. */
export async function startBotProcess(options: StartBotOptions): Promise<BotProcess> {
  const [command, ...args] = options.command ?? TSX_ENTRY_POINT;
  const child = spawn(command ?? process.execPath, args, {
    env: { ...process.env, ...options.env, PORT: String(options.port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const complete = (partial + chunk).split('\n');
    partial = complete.pop() ?? '';
    lines.push(...complete);
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    // Enough to say why a start failed; a long run must not grow this without bound.
    if (stderr.length < 16_384) stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  const bot: BotProcess = {
    child,
    port: options.port,
    lines,
    events: () => parseLogEvents(lines),
    exited,
    isRunning,
    kill: async () => {
      if (isRunning()) child.kill('SIGKILL');
      await exited;
    },
  };
  if (options.waitForHealth === false) return bot;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (!isRunning()) throw new Error(`the bot exited during start-up: ${stderr.trim() || '(no output)'}`);
    if (await isHealthy(options.port)) return bot;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await bot.kill();
  throw new Error(`the bot did not answer /healthz on port ${options.port} in time`);
}
