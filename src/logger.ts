/**
 * Structured JSON logs, one line per event. Callers pass only technical fields (ids, codes,
 * durations): never message text, names or identifiers, which may be personal data.
 *
 * As a safety net (PROCEDURE.md, "Personal data": never write NISS/BIS numbers to logs), every
 * string and number field is scanned and any digit run shaped like a national register number,
 * or any long run of digits (a Limosa number), is masked before the line is written. Names
 * cannot be recognised this way: keeping them out of the fields remains the callers' duty.
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

/** What a masked digit run becomes. */
export const REDACTED = '[redacted]';

// 85.07.30-033.28, 85073003328, 85 07 30 033 28, 85-07-30-033-28 …: eleven digits grouped
// 2-2-2-3-2 with at most one separator between groups, not part of a longer digit run.
const NATIONAL_NUMBER_SHAPE = /(?<!\d)\d{2}[ .\-/]?\d{2}[ .\-/]?\d{2}[ .\-/]?\d{3}[ .\-/]?\d{2}(?!\d)/g;
// Limosa numbers and anything else long enough to identify someone. No technical field of ours
// (durations, counts, ports, status codes) comes near nine digits.
const LONG_DIGIT_RUN = /\d{9,}/g;

// Credentials that a framework's own message may quote: an Authorization header's value, a JWT.
const AUTHORIZATION_VALUE = /\b(Bearer|Basic|SharedKey)\s+[A-Za-z0-9._~+/:=-]+/gi;
const JWT_SHAPE = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/**
 * The text with every identifier-shaped digit run replaced by `[redacted]`, and credentials
 * (an `Authorization` value, a JWT) too.
 */
export function redactIdentifiers(text: string): string {
  return text
    .replace(AUTHORIZATION_VALUE, `$1 ${REDACTED}`)
    .replace(JWT_SHAPE, REDACTED)
    .replace(NATIONAL_NUMBER_SHAPE, REDACTED)
    .replace(LONG_DIGIT_RUN, REDACTED);
}

function redactField(value: string | number | boolean | undefined): string | number | boolean | undefined {
  if (typeof value === 'string') return redactIdentifiers(value);
  if (typeof value === 'number' && Number.isFinite(value)) {
    const text = String(value);
    const redacted = redactIdentifiers(text);
    return redacted === text ? value : redacted;
  }
  return value;
}

export function createLogger(level: LogLevel | 'silent', write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger {
  const log = (at: LogLevel) => (event: string, fields: LogFields = {}) => {
    if (RANK[at] < RANK[level]) return;
    const line: Record<string, string | number | boolean | undefined> = { time: new Date().toISOString(), level: at, event: redactIdentifiers(event) };
    for (const [name, value] of Object.entries(fields)) {
      // The logger's own fields are not overridable: a caller's `level` must not fake a line's severity.
      if (name === 'time' || name === 'level' || name === 'event') continue;
      line[redactIdentifiers(name)] = redactField(value);
    }
    write(JSON.stringify(line));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** An error's class and message only: stack frames are fine, but messages never carry user text here. */
export function errorFields(error: unknown): LogFields {
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message, stack: error.stack?.split('\n').slice(0, 6).join(' | ') };
  return { errorName: typeof error };
}
