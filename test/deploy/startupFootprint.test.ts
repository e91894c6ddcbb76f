import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGS } from '../../src/i18n/index.js';
import type { BotProcess } from '../helpers/botProcess.js';
import { startFakeChannel, type FakeChannel } from '../helpers/fakeChannel.js';
import { startLocalBot } from '../helpers/localBotProcess.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

/**
 * What a running bot holds in memory for its whole life starts with what it loads. The real
 * entry point runs in its own process, answers a procedure and a listing with a worker, and
 * stops; a preload records every module it loaded. Libraries for what most conversations never
 * do (a spreadsheet, a PDF) must wait for their first use, and botbuilder-dialogs' built-in
 * prompts, with their recognizers, must not be loaded at all (dialogs/botbuilderDialogs.ts):
 * npm run bench:soak measured each of them in RSS.
 */
const NEVER_AT_START = [
  '@microsoft/recognizers-text-date-time',
  '@microsoft/recognizers-text-suite',
  '@microsoft/recognizers-text-choice',
  'exceljs',
  'fontkit',
  'pdfkit',
];

function packageOf(file: string): string | undefined {
  const inside = file.split(`${path.sep}node_modules${path.sep}`).at(-1);
  if (inside === undefined || inside === file) return undefined;
  const parts = inside.split(path.sep);
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

describe('what the bot loads to answer ordinary turns', () => {
  let folder: string;
  let bot: BotProcess | undefined;
  let channel: FakeChannel | undefined;
  let loaded: string[];

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'footprint-'));
    const file = path.join(folder, 'modules.json');
    bot = await startLocalBot({ LOG_LEVEL: 'warn', LOADED_MODULES_FILE: file }, ['-r', path.resolve(__dirname, '../helpers/loadedModules.cjs')]);
    const { baseUrl } = bot;
    channel = await startFakeChannel(() => `${baseUrl}/api/messages`, `conv-${randomUUID()}`);
    const say = async (text: string) => (await channel!.send({ text, locale: 'en-US' })).replies.map((r) => r.text ?? '').join('\n');
    const { node } = CATALOGS.en.procedure;
    expect(await say('am I exempt today? the badge reader is broken')).not.toBe('');
    expect(await say(node.cause.answer.provider.label)).toContain(node.providerContacted.question);
    expect(await say('I want to make the listing')).not.toBe('');
    // A worker line: the name is checked against what the PDF's font can print.
    await say(`${buildNationalNumber('850730', 33, 1900)} Peeters Jan`);
    bot.child.kill('SIGTERM');
    const exit = await bot.exited;
    expect(exit.code, bot.output().slice(-2000)).toBe(0);
    loaded = JSON.parse(await readFile(file, 'utf8')) as string[];
  }, 120_000);

  afterAll(async () => {
    await channel?.close();
    await bot?.kill();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('loads the SDK and the storage client (sanity: the record is real)', () => {
    const packages = new Set(loaded.map(packageOf));
    for (const name of ['botbuilder', 'botbuilder-core', 'botbuilder-dialogs', 'restify', '@azure/storage-blob']) expect(packages, name).toContain(name);
  });

  it.each(NEVER_AT_START)('never loads %s for them', (name) => {
    expect(loaded.filter((file) => packageOf(file) === name)).toEqual([]);
  });

  it("never loads botbuilder-dialogs' index, only the files of what it uses", () => {
    const dialogsFiles = loaded.filter((file) => packageOf(file) === 'botbuilder-dialogs').map((file) => file.split(`botbuilder-dialogs${path.sep}`).at(-1));
    expect(dialogsFiles).not.toContain(path.join('lib', 'index.js'));
    expect(dialogsFiles).toContain(path.join('lib', 'waterfallDialog.js'));
  });
});
