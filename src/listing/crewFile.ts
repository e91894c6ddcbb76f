import { parse as parseCsv } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { type CrewLine, isHeaderLine, MAX_CREW_LINES } from './crewImport.js';
import { parseWorkerFields, parseWorkerLine } from './workerLine.js';

/**
 * A crew sent as a file (procedure step 3.3, issue 9): a CSV file or an Excel workbook (.xlsx),
 * one worker per row, read with csv-parse and exceljs. Nothing but the listing's fields is kept:
 * the identifier, surname and first name of each row; other columns, sheets and the file itself
 * are dropped once read. Pure apart from the parsing libraries: no network, no storage.
 *
 * A header row is recognised in the four languages (NISS/INSZ/Rijksregisternummer, Nom/Naam/Name,
 * Prénom/Voornaam/Vorname, Limosa); without one, each row reads like a typed line.
 */

// 500 rows of CSV are about 20 KB; a workbook of them about 30 KB. Inline uploads must also fit the
// 256 KiB activity body once base64-encoded.
export const MAX_CREW_FILE_BYTES = 128 * 1024;

export type CrewFileError = 'notSpreadsheet' | 'tooBig' | 'tooManyRows' | 'unreadable' | 'empty';
export type CrewFileResult = { readonly ok: true; readonly lines: CrewLine[] } | { readonly ok: false; readonly error: CrewFileError; readonly max?: number };

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV_TYPES = new Set(['text/csv', 'text/plain', 'application/csv', 'text/comma-separated-values', 'application/vnd.ms-excel']);

type Column = 'id' | 'limosa' | 'surname' | 'firstName';
// Folded header cells (lower case, no accents) → the listing field they hold.
const HEADERS: ReadonlyMap<string, Column> = new Map([
  ...['niss', 'insz', 'inss', 'nn', 'rijksregisternummer', 'rijksregister', 'numero national', 'numero de registre national', 'national number', 'national register number', 'identifier', 'identifiant', 'id', 'bis', 'niss bis', 'insz bis', 'nummer', 'numero', 'number', 'sozialversicherungsnummer', 'nationalregisternummer'].map((h) => [h, 'id'] as const),
  ...['limosa', 'l1', 'limosa l1'].map((h) => [h, 'limosa'] as const),
  ...['nom', 'naam', 'name', 'nachname', 'familienname', 'surname', 'last name', 'family name', 'familienaam', 'achternaam', 'nom de famille'].map((h) => [h, 'surname'] as const),
  ...['prenom', 'voornaam', 'vorname', 'first name', 'firstname', 'given name', 'prenoms'].map((h) => [h, 'firstName'] as const),
]);

const fold = (cell: string) => cell.toLowerCase().normalize('NFKD').replace(/\p{M}+/gu, '').replace(/[^a-z0-9 ]/g, ' ').replace(/\s+/g, ' ').trim();

export function kindOfFile(name: string | undefined, contentType: string | undefined): 'csv' | 'xlsx' | undefined {
  const extension = /\.([a-z0-9]{1,5})$/i.exec(name ?? '')?.[1]?.toLowerCase();
  if (extension === 'xlsx' || contentType === XLSX_TYPE) return 'xlsx';
  if (extension === 'csv' || extension === 'txt' || (contentType !== undefined && CSV_TYPES.has(contentType) && extension !== 'xls')) return 'csv';
  return undefined;
}

export async function readCrewFile(bytes: Buffer, name: string | undefined, contentType: string | undefined): Promise<CrewFileResult> {
  if (bytes.length > MAX_CREW_FILE_BYTES) return { ok: false, error: 'tooBig', max: MAX_CREW_FILE_BYTES / 1024 };
  const kind = kindOfFile(name, contentType);
  if (kind === undefined) return { ok: false, error: 'notSpreadsheet' };
  // exceljs (and its zip, stream and csv libraries: ~8 MB of heap) only once a spreadsheet
  // arrives: most conversations never send one, and a long-running bot pays for what it loads.
  const excel = kind === 'xlsx' ? (await import('exceljs')).default : undefined;
  let rows: string[][];
  try {
    rows = excel ? await xlsxRows(excel, bytes) : csvRows(bytes);
  } catch {
    // The library's message may quote the content: not passed on.
    return { ok: false, error: kind === 'xlsx' && !isZip(bytes) ? 'notSpreadsheet' : 'unreadable' };
  }
  if (rows.length > MAX_CREW_LINES + 1) return { ok: false, error: 'tooManyRows', max: MAX_CREW_LINES };
  const lines = linesOf(rows);
  return lines.length === 0 ? { ok: false, error: 'empty' } : { ok: true, lines };
}

function linesOf(rows: string[][]): CrewLine[] {
  const first = rows[0] ?? [];
  const columns = first.map((cell) => HEADERS.get(fold(cell)));
  const hasHeader = columns.filter((c) => c !== undefined).length >= 2 || isHeaderLine(first.join('\t'));
  const lines: CrewLine[] = [];
  rows.forEach((row, index) => {
    if (hasHeader && index === 0) return;
    if (row.every((cell) => cell.trim() === '')) return;
    const line = index + 1;
    if (hasHeader && columns.includes('surname')) {
      const cell = (column: Column) => row[columns.indexOf(column)] ?? '';
      const id = cell('id').trim() !== '' || !columns.includes('limosa') ? cell('id') : `L1 ${cell('limosa')}`;
      lines.push({ line, result: parseWorkerFields(id, cell('surname'), cell('firstName')) });
    } else {
      lines.push({ line, result: parseWorkerLine(row.map((c) => c.trim()).filter((c) => c !== '').join('\t')) });
    }
  });
  return lines;
}

function csvRows(bytes: Buffer): string[][] {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (text.includes('\u0000')) throw new Error('binary');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  // Excel in Belgium writes `;`; others `,` or a tab.
  const delimiter = [';', '\t', ','].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]?.[0] ?? ';';
  return parseCsv(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, to: MAX_CREW_LINES + 2, bom: true }) as string[][];
}

async function xlsxRows(excel: typeof ExcelJS, bytes: Buffer): Promise<string[][]> {
  const workbook = new excel.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets.find((s) => s.actualRowCount > 0);
  if (!sheet) return [];
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    if (rows.length > MAX_CREW_LINES + 1) return;
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cellText(cell.value);
    });
    rows.push(Array.from(cells, (c) => c ?? ''));
  });
  return rows;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  // A NISS typed into a number cell loses nothing as long as it is printed without grouping.
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0).padStart(11, '0').replace(/^0+(?=\d{11}$)/, '') : String(value);
  if (typeof value === 'string') return value;
  if (value instanceof Date) return '';
  if (typeof value === 'object' && 'richText' in value) return value.richText.map((r) => r.text).join('');
  if (typeof value === 'object' && 'result' in value) return value.result === undefined ? '' : String(value.result);
  if (typeof value === 'object' && 'text' in value) return String(value.text);
  return String(value);
}

function isZip(bytes: Buffer): boolean {
  return bytes.length > 4 && bytes.readUInt32LE(0) === 0x04034b50;
}
