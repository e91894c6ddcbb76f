/**
 * Structured JSON logs, one line per event. Callers pass only technical fields (ids, codes,
 * durations): never message text, names or identifiers, which may be personal data.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const RANK: Readonly<Record<LogLevel | 'silent', number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export function createLogger(level: LogLevel | 'silent', write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger {
  const log = (at: LogLevel) => (event: string, fields: LogFields = {}) => {
    if (RANK[at] < RANK[level]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: at, event, ...fields }));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** An error's class and message only: stack frames are fine, but messages never carry user text here. */
export function errorFields(error: unknown): LogFields {
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message, stack: error.stack?.split('\n').slice(0, 6).join(' | ') };
  return { errorName: typeof error };
}
