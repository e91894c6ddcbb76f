import { type Logger, redactIdentifiers } from '../logger.js';

/**
 * restify's and the Bot Framework SDK's own log output, through our redacting logger.
 *
 * restify logs with a pino-shaped logger and, for some errors (a response it cannot format),
 * passes the whole request — headers included, `Authorization: Bearer …` among them. The SDK
 * writes to `console.error`/`console.warn` (CloudAdapter.process, the JWT key lookup) with the
 * error object as it is. Neither is ours to change, so both go through here: a message (at most
 * MAX_MESSAGE_CHARS, redacted) and an error's name and message — never a request, headers or body.
 */
const MAX_MESSAGE_CHARS = 300;

type Level = 'debug' | 'info' | 'warn' | 'error';

function describe(args: readonly unknown[]): Record<string, string> {
  const fields: Record<string, string> = {};
  const texts: string[] = [];
  for (const arg of args) {
    if (arg instanceof Error) {
      fields.errorName = arg.name;
      fields.errorMessage = clip(arg.message);
    } else if (typeof arg === 'string' || typeof arg === 'number' || typeof arg === 'boolean') {
      texts.push(String(arg));
    } else if (typeof arg === 'object' && arg !== null && 'err' in arg && (arg as { err: unknown }).err instanceof Error) {
      const err = (arg as { err: Error }).err;
      fields.errorName = err.name;
      fields.errorMessage = clip(err.message);
    }
    // Other objects (requests, responses, activities, values) are left out on purpose.
  }
  if (texts.length > 0) fields.message = clip(texts.join(' '));
  return fields;
}

function clip(text: string): string {
  return redactIdentifiers(text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text);
}

/** What restify calls on its `log` (pino's interface, the part restify uses). */
export interface FrameworkLog {
  trace(...args: unknown[]): boolean | undefined;
  debug(...args: unknown[]): boolean | undefined;
  info(...args: unknown[]): boolean | undefined;
  warn(...args: unknown[]): boolean | undefined;
  error(...args: unknown[]): boolean | undefined;
  fatal(...args: unknown[]): boolean | undefined;
  child(): FrameworkLog;
  level: string;
}

/** A pino-shaped logger for `restify.createServer({ log })` that writes through `logger`. */
export function restifyLog(logger: Logger): FrameworkLog {
  const at = (level: Level | 'trace') => (...args: unknown[]) => {
    // restify asks `log.trace()` (no arguments) whether trace is on before building a message.
    if (args.length === 0) return false;
    if (level === 'trace') return undefined;
    logger[level]('restify.log', describe(args));
    return undefined;
  };
  const log: FrameworkLog = {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('error'),
    child: () => log,
    level: 'info',
  };
  return log;
}

/**
 * Routes `console.*` (the SDK's own output) through `logger`. Called once by the composition
 * root (main.ts); returns a function that restores the console.
 */
export function routeConsoleTo(logger: Logger): () => void {
  const original = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
  const to = (level: Level) => (...args: unknown[]) => logger[level]('console', describe(args));
  console.log = to('info');
  console.info = to('info');
  console.debug = to('debug');
  console.warn = to('warn');
  console.error = to('error');
  return () => Object.assign(console, original);
}
