import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { decodeJournalLine, encodeJournalLine, type Journal, type JournalRecord, journalOwnerName, openJournal } from '../../src/storage/journal.js';

function collect(journal: Journal, type: string): JournalRecord[] {
  const records: JournalRecord[] = [];
  journal.subscribe(type, (batch) => records.push(...batch));
  return records;
}

/** A process that has surely exited: its pid is free, as a crashed instance's would be. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? 999_999;
}

type Step = ['append', string, string, unknown] | ['done', string];

/** Runs the steps in another process, which then dies with SIGKILL, journal open. */
async function crashAfter(dir: string, instanceId: string, steps: readonly Step[]): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/storage/journalChild.ts', dir, instanceId, JSON.stringify(steps)], { stdio: 'inherit' });
  const signal = await new Promise((resolve) => child.once('exit', (_code, s) => resolve(s)));
  expect(signal).toBe('SIGKILL');
}

describe('the durable local journal', () => {
  let dir: string;
  const logs: string[] = [];
  const logger = createLogger('debug', (line) => logs.push(line));
  const events = () => logs.map((line) => (JSON.parse(line) as { event: string }).event);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'journal-'));
    logs.length = 0;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('checks each line: a changed byte or a cut line is not read back', () => {
    const line = encodeJournalLine({ op: 'put', id: 'a', type: 'listing', data: { surname: 'Peeters' } }).trimEnd();
    expect(decodeJournalLine(line)).toEqual({ op: 'put', id: 'a', type: 'listing', data: { surname: 'Peeters' } });
    expect(decodeJournalLine(line.replace('Peeters', 'Peeterz'))).toBeUndefined();
    expect(decodeJournalLine(line.slice(0, line.length - 3))).toBeUndefined();
  });

  it('gives back, after a restart, what was appended and not done, in order', async () => {
    await crashAfter(dir, 'inst-a', [
      ['append', 'listing', 'op-1', { n: 1 }],
      ['append', 'listing', 'op-2', { n: 2 }],
      ['append', 'evidence', 'op-3', { n: 3 }],
      ['done', 'op-2'],
      ['append', 'listing', 'op-4', { n: 4 }],
    ]);
    const second = await openJournal({ dir, instanceId: 'inst-a', logger });
    expect(collect(second, 'listing').map((r) => r.data)).toEqual([{ n: 1 }, { n: 4 }]);
    expect(collect(second, 'evidence').map((r) => r.id)).toEqual(['op-3']);
    await second.close();
  });

  it('skips a torn last line and a corrupt line with a log line, and keeps the rest', async () => {
    await crashAfter(dir, 'inst-a', [
      ['append', 'listing', 'op-1', { n: 1 }],
      ['append', 'listing', 'op-2', { n: 2 }],
      ['append', 'listing', 'op-3', { n: 3 }],
    ]);
    const file = path.join(dir, 'inst-a.journal.jsonl');
    // Flip a byte inside the second line, and leave half a line at the end (a crash mid-write).
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[1] = (lines[1] ?? '').replace('"n":2', '"n":7');
    const torn = encodeJournalLine({ op: 'put', id: 'op-4', type: 'listing', data: { n: 4 } });
    await writeFile(file, lines.join('\n'));
    await appendFile(file, torn.slice(0, 20));

    const reopened = await openJournal({ dir, instanceId: 'inst-a', logger });
    expect(collect(reopened, 'listing').map((r) => r.id)).toEqual(['op-1', 'op-3']);
    expect(events()).toContain('journal.corrupt_line_skipped');
    expect(events()).toContain('journal.torn_line_skipped');
    // Rewritten clean: a new record is a line of its own, readable after another restart.
    await reopened.append('listing', 'op-5', { n: 5 });
    await reopened.close();
    const again = await openJournal({ dir, instanceId: 'inst-a', logger });
    expect(collect(again, 'listing').map((r) => r.id)).toEqual(['op-1', 'op-3', 'op-5']);
    await again.close();
  });

  it('empties the file once everything is done, and removes it at close', async () => {
    const journal = await openJournal({ dir, instanceId: 'inst-a', logger });
    await journal.append('listing', 'op-1', { n: 1 });
    journal.done('op-1');
    await journal.append('listing', 'op-2', { n: 2 });
    journal.done('op-2');
    await expect.poll(async () => (await stat(journal.file)).size).toBe(0);
    await journal.close();
    expect(await readdir(dir)).toEqual([]);
  });

  it('claims the journal of an instance that is gone, once, even with two instances racing for it', async () => {
    await crashAfter(dir, 'inst-gone', [
      ['append', 'listing', 'op-1', { n: 1 }],
      ['append', 'listing', 'op-2', { n: 2 }],
    ]);

    const [b, c] = await Promise.all([openJournal({ dir, instanceId: 'inst-b', logger }), openJournal({ dir, instanceId: 'inst-c', logger })]);
    const fromB = collect(b, 'listing').map((r) => r.id);
    const fromC = collect(c, 'listing').map((r) => r.id);
    expect([...fromB, ...fromC].sort()).toEqual(['op-1', 'op-2']);
    expect(fromB.length === 0 || fromC.length === 0).toBe(true);
    expect((await readdir(dir)).filter((name) => name.startsWith('inst-gone.journal'))).toEqual([]);
    await Promise.all([b.close(), c.close()]);
  });

  it('leaves alone the journal of an instance that is alive', async () => {
    const alive = await openJournal({ dir, instanceId: 'inst-alive', logger });
    await alive.append('listing', 'op-1', { n: 1 });
    const other = await openJournal({ dir, instanceId: 'inst-other', logger });
    expect(collect(other, 'listing')).toEqual([]);
    expect(collect(alive, 'listing')).toEqual([]);
    await other.close();
    await alive.close();
    // Closed with a record still waiting: the file stays, and the next start replays it.
    const restarted = await openJournal({ dir, instanceId: 'inst-alive', logger });
    expect(collect(restarted, 'listing').map((r) => r.id)).toEqual(['op-1']);
    await restarted.close();
  });

  it('uses a file of its own when another live process already uses this instance name', async () => {
    const first = await openJournal({ dir, instanceId: 'same', logger });
    const second = await openJournal({ dir, instanceId: 'same', logger });
    expect(second.file).not.toBe(first.file);
    await first.append('listing', 'op-1', { n: 1 });
    await second.append('listing', 'op-2', { n: 2 });
    await Promise.all([first.close(), second.close()]);
  });

  it('treats the lock of another host as held until it is no longer refreshed', async () => {
    await crashAfter(dir, 'inst-far', [['append', 'listing', 'op-1', { n: 1 }]]);
    const lockFile = path.join(dir, 'inst-far.lock');
    const lock = JSON.parse(await readFile(lockFile, 'utf8')) as { pid: number; nonce: string };
    await writeFile(lockFile, JSON.stringify({ ...lock, host: 'another-host', pid: await deadPid() }));
    const near = await openJournal({ dir, instanceId: 'inst-near', logger, staleLockMs: 60_000 });
    expect(collect(near, 'listing')).toEqual([]);
    await near.close();
    const later = await openJournal({ dir, instanceId: 'inst-near', logger, staleLockMs: 0 });
    expect(collect(later, 'listing').map((r) => r.id)).toEqual(['op-1']);
    await later.close();
  });

  it('names files by the instance, never by anything unsafe in a file name', () => {
    expect(journalOwnerName('f6a3c1d0e9b8a7f6a3c1d0e9b8a7f6a3c1d0e9b8a7f6a3c1d0e9b8a7f6a3c1d0')).toMatch(/^[A-Za-z0-9_-]{1,48}$/);
    expect(journalOwnerName('../../etc/passwd')).toBe('------etc-passwd');
    expect(journalOwnerName(undefined)).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
