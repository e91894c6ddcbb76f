import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAllowedDownload } from '../../dialogs/listing/attachments.js';
import type { App } from '../../src/app.js';
import type { Stores } from '../../src/storage/connect.js';
import { startFakeChannel } from '../helpers/fakeChannel.js';
import { startTestApp } from '../helpers/testApp.js';
import { INSTANTS } from '../helpers/testBot.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

/** A crew sent as a file (issue 9, item 3): Teams file attachment and Web Chat inline upload, over /api/messages. */

const niss = (i: number) => buildNationalNumber(`8${i % 10}0${1 + (i % 9)}1${i % 10}`, 1 + Math.floor(i / 10), 1900);
const TEAMS_FILE = 'application/vnd.microsoft.teams.file.download.info';

async function xlsxOf(rows: (string | number)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Ploeg');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('a crew sent as a CSV or Excel file', () => {
  let app: App;
  let port = 0;
  let stores: Stores;
  let files: Server;
  let filesBase = '';
  const served = new Map<string, Buffer>();
  const requested: string[] = [];

  beforeAll(async () => {
    ({ app, port, stores } = await startTestApp({}, { clock: () => INSTANTS.open }));
    files = createServer((req, res) => {
      requested.push(req.url ?? '');
      const body = served.get(req.url ?? '');
      res.writeHead(body ? 200 : 404);
      res.end(body ?? '');
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    filesBase = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => files?.close(resolve));
    await app?.close();
  });

  /** Up to the date question; `atDate` then answers it ("today"), a turn of its own. */
  async function openListing(locale: string) {
    const channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`, `conv-${randomUUID()}`);
    const user = `user-${randomUUID()}`;
    const declaration = `FILE${randomUUID().slice(0, 6)}`.toUpperCase();
    const send = async (activity: Partial<Activity>) => (await channel.send({ locale, from: { id: user, name: 'F' }, ...activity })).replies.map((r) => r.text ?? '').join('\n');
    await send({ text: 'I have a reference number' });
    await send({ text: 'REF-FILE-1' });
    await send({ text: declaration });
    const stored = () => stores.listingStore.get({ tenantKey: `fakechannel:user:${user}`, declarationNumber: declaration, date: '2026-11-25' });
    const atDate = () => send({ text: 'today' });
    return { send, stored, atDate, close: () => channel.close() };
  }

  it('reads a Teams file attachment (download URL) with a Dutch header row: 20 workers in one turn', async () => {
    const c = await openListing('nl-BE');
    const csv = ['INSZ;Naam;Voornaam;Functie', ...Array.from({ length: 20 }, (_, i) => `${niss(i)};Van den Broeck;Jan ${String.fromCharCode(65 + i)};Metser`)].join('\r\n');
    served.set('/ploeg.csv', Buffer.from(`\uFEFF${csv}`, 'utf8'));
    const turns = [await c.atDate()];
    turns.push(await c.send({ attachments: [{ contentType: TEAMS_FILE, name: 'ploeg.csv', content: { downloadUrl: `${filesBase}/ploeg.csv`, fileType: 'csv', uniqueId: randomUUID() } }] }));
    expect(turns[1]).toContain('✅ 20 werknemers toegevoegd (20 regels gelezen). Werknemers op de lijst: 20.');
    expect((await c.stored())?.workers).toHaveLength(20);
    console.log(`[measure] turns from the date question to 20 workers stored, by file: ${turns.length}`);
    const listing = await c.stored();
    expect(listing?.workers[0]).toMatchObject({ surname: 'Van den Broeck', firstName: 'Jan A' });
    // Only the listing's fields are kept: not the "Functie" column.
    expect(JSON.stringify(listing)).not.toContain('Metser');
    await c.close();
  });

  it('reads an Excel workbook uploaded in Web Chat (inline data URL), with per-row refusals', async () => {
    const c = await openListing('en-GB');
    await c.atDate();
    const xlsx = await xlsxOf([
      ['NISS', 'Surname', 'First name'],
      [niss(1), 'Peeters', 'Jan'],
      [`${niss(2).slice(0, 9)}00`, 'Maes', 'An'],
      [Number(niss(3)), 'De Smet', 'Marie'],
      [niss(4), 'Claes', ''],
    ]);
    const reply = await c.send({
      attachments: [{ contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', name: 'crew.xlsx', contentUrl: `data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,${xlsx.toString('base64')}` }],
    });
    expect(reply).toContain('✅ 2 workers added (4 lines read). Workers on the listing: 2.');
    expect(reply).toContain("Line 3: The check digits of this number don't match");
    expect(reply).toContain('Line 5: The first name is missing');
    expect((await c.stored())?.workers.map((w) => w.surname)).toEqual(['Peeters', 'De Smet']);
    await c.close();
  });

  it('refuses a file that is not a spreadsheet, one too large, and a link it must not fetch, with clear messages', async () => {
    const c = await openListing('en-GB');
    await c.atDate();
    expect(await c.send({ attachments: [{ contentType: 'image/png', name: 'site.png', contentUrl: 'data:image/png;base64,iVBORw0KGgo=' }] })).toContain("This file isn't a spreadsheet I can read");
    const big = Buffer.alloc(150 * 1024, 'a').toString('base64');
    expect(await c.send({ attachments: [{ contentType: 'text/csv', name: 'big.csv', contentUrl: `data:text/csv;base64,${big}` }] })).toContain('This file is too large (128 KB at most)');
    const before = requested.length;
    expect(await c.send({ attachments: [{ contentType: TEAMS_FILE, name: 'x.csv', content: { downloadUrl: 'http://169.254.169.254/latest/meta-data', fileType: 'csv' } }] })).toContain("I can't download this file");
    expect(requested.length).toBe(before);
    expect(await c.send({ attachments: [{ contentType: 'text/csv', name: 'broken.xlsx', contentUrl: 'data:text/csv;base64,AAAA' }] })).toMatch(/isn't a spreadsheet|can't read this file/);
    await c.close();
  });

  it.each([
    ['https://contoso-my.sharepoint.com/personal/x/download.aspx?UniqueId=1', false, true],
    ['https://directline.botframework.com/attachments/1', true, true],
    ['http://contoso.sharepoint.com/file.csv', true, false],
    ['https://sharepoint.com.evil.example/file.csv', true, false],
    ['https://user:pw@contoso.sharepoint.com/file.csv', true, false],
    ['http://127.0.0.1:3978/file.csv', false, true],
    ['http://127.0.0.1:3978/file.csv', true, false],
    ['http://169.254.169.254/latest', false, false],
    ['http://10.0.0.5/file.csv', false, false],
  ])('download of %s (authenticated: %s) allowed: %s', (url, isAuthenticated, allowed) => {
    expect(isAllowedDownload(new URL(url), { isAuthenticated })).toBe(allowed);
  });
});
