import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';

/** How often the file is looked at (fs.watchFile polls its stat). */
const POLL_MS = 100;

/**
 * Test only (TEST_CLOCK_FILE, refused in production by config.ts): "now" is the instant written
 * in a file, and it stands still there until the file changes. Several real bot processes
 * started with the same file share one "now" that the test moves — the scale-out test sets a
 * reminder on a Saturday through one instance, then makes it Monday 07:00 for all three at once
 * and checks that exactly one of them sends it.
 *
 * The file holds one ISO-8601 instant with its offset (`2026-11-28T09:00:00Z`). It must be
 * readable at start-up (a bad file stops the process); a later unreadable or malformed content
 * is logged and the previous instant kept. Write it atomically (write then rename).
 */
export function createFileClock(path: string, logger: Logger): { readonly clock: Clock; stop(): void } {
  const first = readInstant(path);
  if (first === undefined) throw new Error(`TEST_CLOCK_FILE: ${path} does not hold an ISO-8601 instant`);
  let now = first;
  const onChange = () => {
    const next = readInstant(path);
    if (next === undefined) {
      logger.warn('test_clock.unreadable', {});
      return;
    }
    now = next;
    logger.info('test_clock.moved', { now: next.toISOString() });
  };
  watchFile(path, { interval: POLL_MS, persistent: false }, onChange);
  return {
    clock: () => new Date(now.getTime()),
    stop: () => unwatchFile(path, onChange),
  };
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

function readInstant(path: string): Date | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
  if (!INSTANT.test(text)) return undefined;
  const instant = new Date(text);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}
