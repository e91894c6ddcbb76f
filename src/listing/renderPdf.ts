import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DateTime, Info } from 'luxon';
import PDFDocument from 'pdfkit';
import { formatWorkerId, type WorkerId } from '../identity/index.js';
import type { Listing } from './model.js';

/**
 * Renders the paper attendance listing of step 3.3 of the official procedure: "inscrivez [le
 * numéro de référence] sur un listing papier d'enregistrement de présence. Veuillez également
 * indiquer le numéro de déclaration de travaux, la date du jour ainsi que, pour chaque travailleur
 * présent ou qui sera présent, le numéro de registre national ou numéro de Limosa L1, le nom et
 * le prénom. C'est votre preuve de signalement et preuve que vos travailleurs sont enregistrés."
 *
 * It is printed and kept on site as legal proof, so it is the one place identifiers are shown in
 * full, and nothing is ever cut off: long values wrap inside their column.
 */

/** Already-localised texts; the bot takes them from its locale files. */
export interface ListingPdfLabels {
  /** Also the PDF's metadata Title, so it must not contain personal data. */
  readonly title: string;
  /** Under the title: what the document is, and that it is the proof of step 3.3. */
  readonly legalNotice: string;
  readonly fields: {
    readonly referenceNumber: string;
    readonly declarationNumber: string;
    readonly date: string;
    readonly cause: string;
    readonly reportedAt: string;
    readonly generatedAt: string;
  };
  /** Above the table; `{count}` is the number of workers. */
  readonly workersHeading: string;
  readonly columns: {
    readonly index: string;
    readonly identifier: string;
    readonly kind: string;
    readonly surname: string;
    readonly firstName: string;
  };
  readonly kinds: Readonly<Record<WorkerId['kind'], string>>;
  /** Procedure-table cause ids (`provider`, `own`…) → label; an id missing here is shown as is. */
  readonly causes: Readonly<Record<string, string>>;
  /** The table's only row when no worker has been added yet. */
  readonly noWorkers: string;
  /** Bottom of every page; `{page}` and `{pages}`. */
  readonly pageFooter: string;
  /** Above the line where the person who checked the listing signs. */
  readonly signature: string;
}

/** English labels, for tests and as the shape the locale files mirror. */
export const exampleLabelsEn: ListingPdfLabels = {
  title: 'Attendance listing — emergency procedure',
  legalNotice:
    'Paper attendance listing of the Checkinatwork emergency procedure (step 3.3): proof of reporting ' +
    'the problem to the contact centre and proof that the workers below are registered.',
  fields: {
    referenceNumber: 'Reference number',
    declarationNumber: 'Declaration-of-works number',
    date: 'Date',
    cause: 'Cause of the problem',
    reportedAt: 'Time of report',
    generatedAt: 'Generated at',
  },
  workersHeading: 'Workers present or who will be present: {count}',
  columns: {
    index: '#',
    identifier: 'Identifier',
    kind: 'Kind',
    surname: 'Surname',
    firstName: 'First name',
  },
  kinds: { niss: 'NISS', bis: 'BIS', limosa: 'Limosa L1' },
  causes: {
    provider: 'My service provider',
    thirdParty: 'An external third party',
    serviceDown: 'Checkinatwork unavailable',
    own: 'My company',
    permanent: 'No network, telephone or power at this workplace',
  },
  noWorkers: 'No workers added yet.',
  pageFooter: 'page {page} of {pages}',
  signature: 'Checked by (name, date and signature):',
};

export interface RenderListingPdfOptions {
  /**
   * Shown on the listing and used as the PDF's CreationDate. Defaults to the listing's
   * `updatedAt` (domain code never reads the clock), so a listing always renders to the same bytes.
   */
  readonly generatedAt?: Date;
  /** IANA zone the times are shown in. */
  readonly zone?: string;
}

const DEFAULT_ZONE = 'Europe/Brussels';
const TIME_FORMAT = 'yyyy-MM-dd HH:mm';
// The cause is optional in the model; a dash reads the same in every language.
const NOT_KNOWN = '—';

// A4 portrait, in points. Margins leave room for any office printer's unprintable border and
// for hole punching on the left.
const PAGE_SIZE = 'A4';
const MARGINS = { top: 48, bottom: 56, left: 52, right: 44 } as const;
const FOOTER_OFFSET_FROM_BOTTOM = 34;

const REGULAR = 'DejaVuSans';
const BOLD = 'DejaVuSans-Bold';

// Black and mid greys only: it is printed, often in black and white, and photocopied.
const INK = '#000000';
const MUTED = '#404040';
const RULE = '#8c8c8c';
const HEADER_FILL = '#dedede';
const STRIPE_FILL = '#f3f3f3';

const TITLE_SIZE = 16;
const NOTICE_SIZE = 9;
const FIELD_SIZE = 10;
const KEY_FIELD_SIZE = 12;
const TABLE_SIZE = 10;
const SMALL_SIZE = 8;

const CELL_PAD_X = 4;
const CELL_PAD_Y = 4;
const FIELD_LABEL_WIDTH = 180;
const FIELD_LABEL_GAP = 10;

type ColumnKey = keyof ListingPdfLabels['columns'];
interface Column {
  readonly key: ColumnKey;
  readonly width: number;
  readonly align: 'left' | 'right';
}

/** The widest content first: a NISS is 15 characters formatted, a Limosa L1 number up to 24 digits. */
function tableColumns(contentWidth: number): readonly Column[] {
  const fixed: readonly Column[] = [
    { key: 'index', width: 34, align: 'right' },
    { key: 'identifier', width: 124, align: 'left' },
    { key: 'kind', width: 62, align: 'left' },
    { key: 'surname', width: 150, align: 'left' },
  ];
  const used = fixed.reduce((sum, column) => sum + column.width, 0);
  return [...fixed, { key: 'firstName', width: contentWidth - used, align: 'left' }];
}

interface FontFiles {
  readonly regular: Buffer;
  readonly bold: Buffer;
}

let fontFiles: Promise<FontFiles> | undefined;

/**
 * DejaVu Sans, because the 14 standard PDF fonts only cover Latin-1-ish text and would garble
 * Łukasz or Дмитрий. Read once per process; a failed read is retried on the next call.
 */
function loadFonts(): Promise<FontFiles> {
  fontFiles ??= readFonts().catch((error: unknown) => {
    fontFiles = undefined;
    throw error;
  });
  return fontFiles;
}

async function readFonts(): Promise<FontFiles> {
  const directory = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const [regular, bold] = await Promise.all([
    readFile(path.join(directory, 'DejaVuSans.ttf')),
    readFile(path.join(directory, 'DejaVuSans-Bold.ttf')),
  ]);
  return { regular, bold };
}

export async function renderListingPdf(
  listing: Listing,
  labels: ListingPdfLabels,
  options: RenderListingPdfOptions = {},
): Promise<Buffer> {
  const zone = options.zone ?? DEFAULT_ZONE;
  if (!Info.isValidIANAZone(zone)) throw new Error(`renderListingPdf: unknown time zone "${zone}"`);
  const generatedAt = options.generatedAt ?? new Date(listing.updatedAt);
  const fonts = await loadFonts();

  const doc = new PDFDocument({
    size: PAGE_SIZE,
    layout: 'portrait',
    margins: MARGINS,
    bufferPages: true,
    displayTitle: true,
    // Metadata carries no personal data: the title is a fixed label, never a name or a number.
    // A fixed CreationDate also fixes the file ID pdfkit derives from it: same input, same bytes.
    info: { Title: labels.title, CreationDate: generatedAt },
  });
  const bytes = collect(doc);
  doc.registerFont(REGULAR, fonts.regular);
  doc.registerFont(BOLD, fonts.bold);

  const page = new PageLayout(doc, listing, labels);
  page.drawHeader([
    { label: labels.fields.referenceNumber, value: listing.referenceNumber, isKey: true },
    { label: labels.fields.declarationNumber, value: listing.declarationNumber, isKey: true },
    { label: labels.fields.date, value: listing.date, isKey: true },
    { label: labels.fields.cause, value: causeLabel(listing.cause, labels), isKey: false },
    { label: labels.fields.reportedAt, value: formatInstant(new Date(listing.reportedAt), zone), isKey: false },
    { label: labels.fields.generatedAt, value: formatInstant(generatedAt, zone), isKey: false },
  ]);
  page.drawWorkers();
  page.drawSignature();
  page.drawPageNumbers();

  doc.end();
  return bytes;
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

function causeLabel(cause: string | undefined, labels: ListingPdfLabels): string {
  if (cause === undefined) return NOT_KNOWN;
  return labels.causes[cause] ?? cause;
}

function formatInstant(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat(TIME_FORMAT);
}

function fillPlaceholders(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

interface Field {
  readonly label: string;
  readonly value: string;
  /** The three things step 3.3 requires before the workers: printed larger. */
  readonly isKey: boolean;
}

/** Draws top to bottom, keeping its own cursor, and starts new pages itself (never pdfkit). */
class PageLayout {
  private y: number;
  private readonly left = MARGINS.left;
  private readonly width: number;
  private readonly columns: readonly Column[];

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly listing: Listing,
    private readonly labels: ListingPdfLabels,
  ) {
    this.y = doc.page.margins.top;
    this.width = doc.page.width - MARGINS.left - MARGINS.right;
    this.columns = tableColumns(this.width);
  }

  private get bottom(): number {
    return this.doc.page.height - MARGINS.bottom;
  }

  drawHeader(fields: readonly Field[]): void {
    const { doc } = this;
    this.y += this.drawText(this.labels.title, this.left, this.y, this.width, { font: BOLD, size: TITLE_SIZE });
    this.y += 4;
    this.y += this.drawText(this.labels.legalNotice, this.left, this.y, this.width, {
      size: NOTICE_SIZE,
      color: MUTED,
    });
    this.y += 12;

    const valueX = this.left + FIELD_LABEL_WIDTH + FIELD_LABEL_GAP;
    const valueWidth = this.width - FIELD_LABEL_WIDTH - FIELD_LABEL_GAP;
    this.rule(this.y, INK, 1);
    for (const field of fields) {
      const size = field.isKey ? KEY_FIELD_SIZE : FIELD_SIZE;
      const labelStyle = { font: BOLD, size: FIELD_SIZE };
      const valueStyle = { font: field.isKey ? BOLD : REGULAR, size };
      const height =
        Math.max(
          this.measure(field.label, FIELD_LABEL_WIDTH, labelStyle),
          this.measure(field.value, valueWidth, valueStyle),
        ) +
        2 * CELL_PAD_Y;
      // Align the smaller label on the larger value's baseline.
      const labelDrop = doc.font(BOLD).fontSize(size).currentLineHeight() - doc.fontSize(FIELD_SIZE).currentLineHeight();
      this.drawText(field.label, this.left, this.y + CELL_PAD_Y + labelDrop * 0.8, FIELD_LABEL_WIDTH, labelStyle);
      this.drawText(field.value, valueX, this.y + CELL_PAD_Y, valueWidth, valueStyle);
      this.y += height;
      this.rule(this.y, RULE, 0.5);
    }
    this.rule(this.y, INK, 1);
    this.y += 18;
  }

  drawWorkers(): void {
    const { workers } = this.listing;
    const heading = fillPlaceholders(this.labels.workersHeading, { count: workers.length });
    this.y += this.drawText(heading, this.left, this.y, this.width, { font: BOLD, size: 11 });
    this.y += 6;
    this.drawTableHeader();

    if (workers.length === 0) {
      const height = this.measure(this.labels.noWorkers, this.width - 2 * CELL_PAD_X, { size: TABLE_SIZE });
      this.drawText(this.labels.noWorkers, this.left + CELL_PAD_X, this.y + CELL_PAD_Y, this.width - 2 * CELL_PAD_X, {
        size: TABLE_SIZE,
        color: MUTED,
      });
      this.y += height + 2 * CELL_PAD_Y;
      this.rule(this.y, RULE, 0.5);
      return;
    }

    workers.forEach((worker, index) => {
      const cells: Record<ColumnKey, string> = {
        index: String(index + 1),
        identifier: formatWorkerId(worker.workerId),
        kind: this.labels.kinds[worker.workerId.kind],
        surname: worker.surname,
        firstName: worker.firstName,
      };
      const height = this.rowHeight(cells, REGULAR);
      if (this.y + height > this.bottom) {
        this.newPage();
        this.drawTableHeader();
      }
      if (index % 2 === 1) this.doc.rect(this.left, this.y, this.width, height).fill(STRIPE_FILL);
      this.drawRow(cells, REGULAR);
      this.y += height;
      this.rule(this.y, RULE, 0.5);
    });
  }

  drawSignature(): void {
    const style = { font: BOLD, size: FIELD_SIZE };
    const labelHeight = this.measure(this.labels.signature, this.width, style);
    const signingSpace = 40;
    this.y += 28;
    if (this.y + labelHeight + signingSpace > this.bottom) this.newPage();
    this.y += this.drawText(this.labels.signature, this.left, this.y, this.width, style);
    this.y += signingSpace;
    this.doc
      .moveTo(this.left, this.y)
      .lineTo(this.left + Math.min(300, this.width), this.y)
      .lineWidth(0.75)
      .strokeColor(INK)
      .stroke();
  }

  /** After everything is laid out, so the total is known (pages are buffered). */
  drawPageNumbers(): void {
    const { doc } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const text = fillPlaceholders(this.labels.pageFooter, { page: i - range.start + 1, pages: range.count });
      doc.font(REGULAR).fontSize(SMALL_SIZE).fillColor(MUTED);
      const x = this.left + (this.width - doc.widthOfString(text)) / 2;
      // lineBreak: false writes one line as is; with wrapping, text in the bottom margin would
      // make pdfkit start a new page.
      doc.text(text, x, doc.page.height - FOOTER_OFFSET_FROM_BOTTOM, { lineBreak: false });
    }
  }

  /**
   * Continuation pages repeat who the listing is for, so a page that gets separated from the
   * first one is still identifiable on site.
   */
  private newPage(): void {
    this.doc.addPage();
    this.y = this.doc.page.margins.top;
    const { fields } = this.labels;
    // A no-break space keeps each value on the same line as its label when the summary wraps.
    const summary = [
      this.labels.title,
      `${fields.referenceNumber}:\u00A0${this.listing.referenceNumber}`,
      `${fields.declarationNumber}:\u00A0${this.listing.declarationNumber}`,
      `${fields.date}:\u00A0${this.listing.date}`,
    ].join('  ·  ');
    this.y += this.drawText(summary, this.left, this.y, this.width, { size: SMALL_SIZE, color: MUTED });
    this.y += 4;
    this.rule(this.y, RULE, 0.5);
    this.y += 10;
  }

  private drawTableHeader(): void {
    const cells = this.labels.columns;
    const height = this.rowHeight(cells, BOLD);
    this.doc.rect(this.left, this.y, this.width, height).fill(HEADER_FILL);
    this.rule(this.y, INK, 1);
    this.drawRow(cells, BOLD);
    this.y += height;
    this.rule(this.y, INK, 1);
  }

  private rowHeight(cells: Readonly<Record<ColumnKey, string>>, font: string): number {
    const tallest = Math.max(
      ...this.columns.map((column) =>
        this.measure(cells[column.key], column.width - 2 * CELL_PAD_X, { font, size: TABLE_SIZE }),
      ),
    );
    return tallest + 2 * CELL_PAD_Y;
  }

  private drawRow(cells: Readonly<Record<ColumnKey, string>>, font: string): void {
    let x = this.left;
    for (const column of this.columns) {
      this.drawText(cells[column.key], x + CELL_PAD_X, this.y + CELL_PAD_Y, column.width - 2 * CELL_PAD_X, {
        font,
        size: TABLE_SIZE,
        align: column.align,
      });
      x += column.width;
    }
  }

  private rule(y: number, color: string, lineWidth: number): void {
    this.doc
      .moveTo(this.left, y)
      .lineTo(this.left + this.width, y)
      .lineWidth(lineWidth)
      .strokeColor(color)
      .stroke();
  }

  private measure(text: string, width: number, style: TextStyle): number {
    this.applyStyle(style);
    return this.doc.heightOfString(text, { width });
  }

  /**
   * Wraps inside `width` (pdfkit also breaks a single word longer than the width), so a value
   * never runs into the next column. Returns the height used.
   */
  private drawText(text: string, x: number, y: number, width: number, style: TextStyle): number {
    this.applyStyle(style);
    const height = this.doc.heightOfString(text, { width });
    this.doc.text(text, x, y, { width, align: style.align ?? 'left' });
    return height;
  }

  private applyStyle(style: TextStyle): void {
    this.doc
      .font(style.font ?? REGULAR)
      .fontSize(style.size)
      .fillColor(style.color ?? INK);
  }
}

interface TextStyle {
  readonly font?: string;
  readonly size: number;
  readonly color?: string;
  readonly align?: 'left' | 'right';
}
