/**
 * A process that appends to a journal and dies without closing it (as a crash would): the
 * journal tests run it so that a restart meets a lock whose process is gone.
 *   node --import tsx test/storage/journalChild.ts <dir> <instanceId> '<json steps>'
 * Steps: ["append", type, id, data] or ["done", id].
 */
import { openJournal } from '../../src/storage/journal.js';

type Step = ['append', string, string, unknown] | ['done', string];

async function run(): Promise<void> {
  const [dir, instanceId, stepsJson] = process.argv.slice(2);
  const journal = await openJournal({ dir: dir ?? '.', instanceId });
  for (const step of JSON.parse(stepsJson ?? '[]') as Step[]) {
    if (step[0] === 'append') await journal.append(step[1], step[2], step[3]);
    else journal.done(step[1]);
  }
  process.kill(process.pid, 'SIGKILL');
}

void run();
