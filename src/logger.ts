/**
 * Structured JSON logs, one line per event. Callers pass only technical fields (ids, codes,
 * durations): never message text, names or identifiers, which may be personal data.
 *
 * As a safety net (PROCEDURE.md, "Personal data": never write NISS/BIS numbers to logs), every
 * string and number field is scanned and any digit run shaped like a national register number,
 * or any long run of digits (a Limosa number), is masked before the line is written. Names
 * cannot be recognised this way: keeping them out of the fields remains the callers' duty.
 */
import pino from 'pino';
import { AUTH_HINT, isStorageAuthError } from './storage/transientErrors.js';

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

/** The text with every identifier-shaped digit run replaced by `[redacted]`. */
export function redactIdentifiers(text: string): string {
  return text.replace(NATIONAL_NUMBER_SHAPE, REDACTED).replace(LONG_DIGIT_RUN, REDACTED);
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

/**
 * Where else a log record goes once redacted: Azure Monitor through OpenTelemetry when
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set (telemetry.ts). It receives exactly what the
 * JSON line holds, after the same redaction: nothing else leaves the process.
 */
export type LogSink = (level: LogLevel, event: string, fields: Readonly<Record<string, string | number | boolean | undefined>>) => void;

let globalSink: LogSink | undefined;

/** Sends every logger's records to `sink` as well (telemetry.ts, once Azure Monitor is on). */
export function setLogSink(sink: LogSink | undefined): void {
  globalSink = sink;
}

/**
 * JSON lines through pino (the Node ecosystem's logger: its serialisation and synchronous
 * stdout destination), shaped as before — `{"level":"info","time":"<ISO>","event":…, …fields}` —
 * with every field redacted first. `write` replaces stdout (tests collect the lines).
 */
export function createLogger(level: LogLevel | 'silent', write?: (line: string) => void): Logger {
  const destination = write ? { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) } : pino.destination({ dest: 1, sync: true });
  const base = pino(
    {
      level,
      base: undefined,
      messageKey: 'event',
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const log = (at: LogLevel) => (event: string, fields: LogFields = {}) => {
    if (RANK[at] < RANK[level]) return;
    const safe: Record<string, string | number | boolean | undefined> = {};
    for (const [name, value] of Object.entries(fields)) {
      // The logger's own fields are not overridable: a caller's `level` must not fake a line's severity.
      if (name === 'time' || name === 'level' || name === 'event') continue;
      safe[redactIdentifiers(name)] = redactField(value);
    }
    const safeEvent = redactIdentifiers(event);
    base[at](safe, safeEvent);
    globalSink?.(at, safeEvent, safe);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** An error's class and message only: stack frames are fine, but messages never carry user text here. */
export function errorFields(error: unknown): LogFields {
  if (error instanceof Error) {
    // Azure SDK and storage errors: the HTTP status and service error code tell an operator what
    // to fix (a role missing, a token for the wrong audience) without any user data.
    const statusCode = (error as { statusCode?: unknown }).statusCode;
    const code = (error as { code?: unknown }).code;
    return {
      errorName: error.name,
      errorMessage: error.message.split('\n')[0],
      ...(typeof statusCode === 'number' ? { statusCode } : {}),
      ...(typeof code === 'string' ? { errorCode: code } : {}),
      // Refused credentials: what to check, in the line itself (App Service log stream, Azure Monitor).
      ...(isStorageAuthError(error) ? { hint: AUTH_HINT } : {}),
      stack: error.stack?.split('\n').slice(0, 6).join(' | '),
    };
  }
  return { errorName: typeof error };
}
