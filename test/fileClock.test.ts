import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileClock } from '../src/fileClock.js';
import { createLogger } from '../src/logger.js';

describe('the test clock read from a file (TEST_CLOCK_FILE)', () => {
  let dir: string;
  let file: string;
  const lines: string[] = [];
  const logger = createLogger('info', (line) => lines.push(line));
  const write = async (text: string) => {
    await writeFile(`${file}.next`, text);
    await rename(`${file}.next`, file);
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'file-clock-'));
    file = path.join(dir, 'now');
    lines.length = 0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('stands still at the instant in the file, and follows the file when it changes', async () => {
    await write('2026-11-28T09:00:00Z\n');
    const { clock, stop } = createFileClock(file, logger);
    try {
      expect(clock().toISOString()).toBe('2026-11-28T09:00:00.000Z');
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(clock().toISOString()).toBe('2026-11-28T09:00:00.000Z');
      await write('2026-11-30T07:00:30+01:00');
      await expect.poll(() => clock().toISOString(), { timeout: 5_000, interval: 50 }).toBe('2026-11-30T06:00:30.000Z');
    } finally {
      stop();
    }
  });

  it('keeps the last good instant when the file is changed to something else, and says so', async () => {
    await write('2026-11-28T09:00:00Z');
    const { clock, stop } = createFileClock(file, logger);
    try {
      await write('next monday');
      await expect.poll(() => lines.some((l) => l.includes('test_clock.unreadable')), { timeout: 5_000, interval: 50 }).toBe(true);
      expect(clock().toISOString()).toBe('2026-11-28T09:00:00.000Z');
    } finally {
      stop();
    }
  });

  it.each([['missing', undefined], ['not an instant', '28/11/2026 10:00'], ['a date without a time', '2026-11-28']])(
    'refuses to start with a %s file',
    async (_case, content) => {
      if (content !== undefined) await write(content);
      expect(() => createFileClock(file, logger)).toThrow(/TEST_CLOCK_FILE/);
    },
  );
});
