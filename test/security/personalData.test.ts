import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.js';
import { createLogger, REDACTED, redactIdentifiers } from '../../src/logger.js';
import { startFakeChannel, type FakeChannel } from '../helpers/fakeChannel.js';
import { startTestApp } from '../helpers/testApp.js';
import { INSTANTS } from '../helpers/testBot.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';
import { NISS_SHAPED } from './personalDataPatterns.js';


const dotted = (n: string) => `${n.slice(0, 2)}.${n.slice(2, 4)}.${n.slice(4, 6)}-${n.slice(6, 9)}.${n.slice(9)}`;

describe('the logger’s safety net', () => {
  const NISS = buildNationalNumber('850730', 33, 1900);

  it.each([
    ['plain digits', NISS],
    ['dotted', dotted(NISS)],
    ['spaced', `${NISS.slice(0, 2)} ${NISS.slice(2, 4)} ${NISS.slice(4, 6)} ${NISS.slice(6, 9)} ${NISS.slice(9)}`],
    ['in a sentence', `worker ${dotted(NISS)} refused`],
    ['a Limosa number', 'L1 12345678901234567'],
  ])('masks an identifier given %s in any string field', (_name, text) => {
    const lines: string[] = [];
    createLogger('debug', (l) => lines.push(l)).error(`event ${text}`, { errorMessage: text, [text]: 'key' });
    expect(lines[0]).not.toMatch(NISS_SHAPED);
    expect(lines[0]).not.toMatch(/\d{9,}/);
    expect(lines[0]).toContain(REDACTED);
  });

  it('masks a number field that is an identifier, and leaves durations, ports and counts alone', () => {
    const lines: string[] = [];
    createLogger('info', (l) => lines.push(l)).info('x', { ms: 1234, port: 3978, count: 50, leaked: Number(NISS) });
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ ms: 1234, port: 3978, count: 50, leaked: REDACTED });
  });

  it('leaves timestamps, UUIDs and stack frames readable', () => {
    const text = '2026-11-27T08:10:23.816Z 3f2c9a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f at dist/src/bot.js:123:45';
    expect(redactIdentifiers(text)).toBe(text);
  });

  it('does not let a field override the line’s time, level or event', () => {
    const lines: string[] = [];
    createLogger('info', (l) => lines.push(l)).error('real', { level: 'debug', event: 'fake', time: 'then' });
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 'error', event: 'real' });
  });
});

describe('a whole listing over /api/messages', () => {
  const WORKERS = [
    { niss: buildNationalNumber('850730', 33, 1900), surname: 'Vandenbroucke', firstName: 'Griet' },
    { niss: buildNationalNumber('050412', 124, 2000), surname: 'Lambrechts', firstName: 'Maximilien' },
  ];
  let app: App;
  let port = 0;
  let now = INSTANTS.open;
  let channel: FakeChannel;
  const logs: string[] = [];
  const printed: string[] = [];

  beforeAll(async () => {
    ({ app, port } = await startTestApp({}, { clock: () => now, logger: createLogger('debug', (line) => logs.push(line)) }));
    channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`, `conv-${randomUUID()}`);
    // Whatever the SDK or a library prints goes through the console or the process streams.
    for (const method of ['error', 'warn', 'log', 'info', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    }
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
        printed.push(String(chunk));
        return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
      });
    }
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await channel?.close();
    await app?.close();
  });

  const say = async (text: string) => {
    const { status, replies } = await channel.send({ text, locale: 'en-US' });
    expect(status).toBe(200);
    return replies.map((r) => r.text ?? '').join('\n');
  };

  let link = '';

  it('runs from the reference number to the PDF link', async () => {
    await say('I have a reference number');
    await say('REF-PRIV-7');
    await say(`PRIV${randomUUID().slice(0, 6)}`);
    await say('today');
    for (const { niss, surname, firstName } of WORKERS) {
      await say(dotted(niss));
      await say(surname);
      expect(await say(firstName)).toContain('Workers on the listing');
    }
    await say(`${WORKERS[0]?.niss.slice(0, 9)}00`); // wrong check digits: refused, and not logged either
    await say('list');
    await say('correct 1');
    await say(WORKERS[0]?.niss ?? '');
    await say('Vandenbroucke-Peeters');
    await say('Griet');
    const done = await say('done');
    link = /\((http:\/\/localhost:\d+(\/listings\/[A-Za-z0-9_-]+\.pdf))\)/.exec(done)?.[2] ?? '';
    expect(link).not.toBe('');
    expect((await fetch(`http://127.0.0.1:${port}${link}`)).status).toBe(200);
  });

  it('wrote no identifier and no name to the logs, the console or the process output', () => {
    expect(logs.length).toBeGreaterThanOrEqual(20);
    const all = [...logs, ...printed].join('\n');
    expect(all).not.toMatch(NISS_SHAPED);
    for (const { niss, surname, firstName } of WORKERS) {
      for (const secret of [niss, dotted(niss), surname, firstName]) expect(all).not.toContain(secret);
    }
    // Nor the link's sealed token: the request line names the route, not the URL.
    expect(all).not.toContain(link.slice('/listings/'.length, -'.pdf'.length));
    expect(logs.some((l) => l.includes('"route":"/listings/*"'))).toBe(true);
  });

  it('lets the download link expire on the app’s clock', async () => {
    const url = `http://127.0.0.1:${port}${link}`;
    now = new Date(INSTANTS.open.getTime() + 14 * 60_000);
    expect((await fetch(url)).status).toBe(200);
    now = new Date(INSTANTS.open.getTime() + 15 * 60_000 + 1_000);
    const expired = await fetch(url);
    expect(expired.status).toBe(404);
    expect(await expired.json()).toEqual({ error: 'This link is unknown or has expired. Ask the bot for a new one.' });
    now = INSTANTS.open;
  });
});
