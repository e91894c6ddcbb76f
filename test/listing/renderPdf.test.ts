import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { extractText, extractTextItems, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { formatWorkerId, type WorkerId } from '../../src/identity/index.js';
import { type Listing, listingSchema, LISTING_SCHEMA_VERSION } from '../../src/listing/model.js';
import { exampleLabelsEn, renderListingPdf } from '../../src/listing/renderPdf.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

// Everything below is synthetic: numbers from the test builder, names made up.
const GENERATED_AT = new Date('2025-03-14T09:30:00Z'); // 10:30 in Brussels (CET)
const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');

interface TestWorker {
  readonly workerId: WorkerId;
  readonly surname: string;
  readonly firstName: string;
}

const nissWorker: TestWorker = {
  workerId: { kind: 'niss', digits: buildNationalNumber('850730', 33, 1900) },
  surname: 'Müller-Lüdenscheidt',
  firstName: 'Łukasz',
};
// BIS: month + 40.
const bisWorker: TestWorker = {
  workerId: { kind: 'bis', digits: buildNationalNumber('904215', 7, 1900) },
  surname: 'Ørsted',
  firstName: 'Дмитрий',
};
const limosaWorker: TestWorker = {
  workerId: { kind: 'limosa', digits: '12345678901234567' },
  surname: "D'Hondt",
  firstName: 'Jean-Pierre',
};
const threeWorkers = [nissWorker, bisWorker, limosaWorker];

function makeListing(workers: readonly TestWorker[], overrides: Partial<Listing> = {}): Listing {
  // Through the schema, so the fixture is a listing the store could really hold.
  return listingSchema.parse({
    schemaVersion: LISTING_SCHEMA_VERSION,
    tenantKey: 'tenant-test',
    declarationNumber: 'TEST000DECL01',
    date: '2025-03-14',
    referenceNumber: 'REF-TEST-0001',
    cause: 'own',
    reportedAt: '2025-03-14T08:05:00Z', // 09:05 in Brussels
    createdAt: '2025-03-14T08:10:00Z',
    updatedAt: '2025-03-14T09:00:00Z',
    workers: workers.map((worker, index) => ({ ...worker, entryId: `entry-${index}`, addedAt: '2025-03-14T08:15:00Z' })),
    appliedOperations: [],
    ...overrides,
  });
}

/** Letters only (names may not contain digits): 0 → "Aa", 1 → "Ab", … */
function letters(n: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  return `${alphabet[Math.floor(n / 26 / 26) % 26]!.toUpperCase()}${alphabet[Math.floor(n / 26) % 26]}${alphabet[n % 26]}`;
}

function manyWorkers(count: number): TestWorker[] {
  return Array.from({ length: count }, (_, i) => ({
    workerId: { kind: 'niss', digits: buildNationalNumber('900101', i + 1, 1900) },
    surname: `Testsurname ${letters(i)}`,
    firstName: `Testfirst ${letters(i)}`,
  }));
}

async function pagesText(pdf: Buffer): Promise<string[]> {
  const { text } = await extractText(new Uint8Array(pdf), { mergePages: false });
  return text;
}

async function allText(pdf: Buffer): Promise<string> {
  const { text } = await extractText(new Uint8Array(pdf), { mergePages: true });
  return text;
}

describe('renderListingPdf', () => {
  it('is a PDF', async () => {
    const pdf = await renderListingPdf(makeListing(threeWorkers), exampleLabelsEn, { generatedAt: GENERATED_AT });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('shows everything step 3.3 asks for, identifiers in full, names in any script', async () => {
    const pdf = await renderListingPdf(makeListing(threeWorkers), exampleLabelsEn, { generatedAt: GENERATED_AT });
    await mkdir(ARTIFACTS, { recursive: true });
    await writeFile(path.join(ARTIFACTS, 'listing-example.pdf'), pdf);

    const text = await allText(pdf);
    expect(text).toContain('REF-TEST-0001');
    expect(text).toContain('TEST000DECL01');
    expect(text).toContain('2025-03-14');
    expect(text).toContain('85.07.30-033.');
    for (const worker of threeWorkers) {
      expect(text).toContain(formatWorkerId(worker.workerId));
      expect(text).toContain(worker.surname);
      expect(text).toContain(worker.firstName);
    }
    for (const kind of ['NISS', 'BIS', 'Limosa L1']) expect(text).toContain(kind);
    expect(text).toContain(exampleLabelsEn.signature);
    expect(text).toContain('page 1 of 1');
  });

  it('shows the time of report and of generation in Brussels time', async () => {
    const text = await allText(
      await renderListingPdf(makeListing(threeWorkers), exampleLabelsEn, { generatedAt: GENERATED_AT }),
    );
    expect(text).toContain('2025-03-14 09:05');
    expect(text).toContain('2025-03-14 10:30');
  });

  it('switches to summer time on the last Sunday of March', async () => {
    const listing = makeListing(threeWorkers, { date: '2025-03-30', reportedAt: '2025-03-30T01:30:00Z' });
    const text = await allText(
      await renderListingPdf(listing, exampleLabelsEn, { generatedAt: new Date('2025-03-30T00:30:00Z') }),
    );
    expect(text).toContain('2025-03-30 03:30'); // CEST, after the change at 01:00 UTC
    expect(text).toContain('2025-03-30 01:30'); // CET, before it
  });

  it('shows times in another zone when asked', async () => {
    const text = await allText(
      await renderListingPdf(makeListing(threeWorkers), exampleLabelsEn, { generatedAt: GENERATED_AT, zone: 'UTC' }),
    );
    expect(text).toContain('2025-03-14 08:05');
  });

  it('rejects an unknown time zone', async () => {
    await expect(
      renderListingPdf(makeListing(threeWorkers), exampleLabelsEn, { generatedAt: GENERATED_AT, zone: 'Mars/Olympus' }),
    ).rejects.toThrow(/time zone/);
  });

  it('shows the localised cause, and a dash when the cause is not known', async () => {
    const withCause = await allText(await renderListingPdf(makeListing([]), exampleLabelsEn, { generatedAt: GENERATED_AT }));
    expect(withCause).toContain('My company');
    const withoutCause = await allText(
      await renderListingPdf(makeListing([], { cause: undefined }), exampleLabelsEn, { generatedAt: GENERATED_AT }),
    );
    expect(withoutCause).not.toContain('My company');
    expect(withoutCause).toContain('—');
  });

  it('renders a listing with no workers on one page, ready to sign', async () => {
    const pdf = await renderListingPdf(makeListing([]), exampleLabelsEn, { generatedAt: GENERATED_AT });
    const pages = await pagesText(pdf);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('REF-TEST-0001');
    expect(pages[0]).toContain(exampleLabelsEn.noWorkers);
    expect(pages[0]).toContain('Workers present or who will be present: 0');
    expect(pages[0]).toContain(exampleLabelsEn.signature);
    expect(pages[0]).toContain('page 1 of 1');
  });

  it('spreads 300 workers over several pages, each numbered, with the table header and the listing identified', async () => {
    const workers = manyWorkers(300);
    const started = performance.now();
    const pdf = await renderListingPdf(makeListing(workers), exampleLabelsEn, { generatedAt: GENERATED_AT });
    const elapsedMs = performance.now() - started;
    console.info(`renderListingPdf: 300 workers in ${elapsedMs.toFixed(0)} ms, ${pdf.length} bytes`);

    const pages = await pagesText(pdf);
    expect(pages.length).toBeGreaterThan(5);
    pages.forEach((page, i) => {
      expect(page).toContain(`page ${i + 1} of ${pages.length}`);
      for (const header of Object.values(exampleLabelsEn.columns)) expect(page).toContain(header);
      expect(page).toContain('REF-TEST-0001');
      expect(page).toContain('TEST000DECL01');
    });
    expect(pages.at(-1)).toContain(exampleLabelsEn.signature);

    // No row lost or printed twice at a page break.
    const text = pages.join('\n');
    for (const worker of workers) {
      const id = formatWorkerId(worker.workerId);
      expect(text.split(id)).toHaveLength(2);
      expect(text).toContain(worker.surname);
    }
  });

  it('wraps a long name inside its column instead of running into the next one', async () => {
    const longSurname = 'Van den Bossche-Wolfeschlegelsteinhausenbergerdorff de la Montagne-Ørstedsen'; // 76 characters
    const oneWordFirstName = 'Maximiliánaugustinferdinandbartholomäusfriedrichwilhelmalexanderchristophe'; // one word, no break point
    const listing = makeListing([{ workerId: nissWorker.workerId, surname: longSurname, firstName: oneWordFirstName }]);
    const pdf = await renderListingPdf(listing, exampleLabelsEn, { generatedAt: GENERATED_AT });

    const { items } = await extractTextItems(new Uint8Array(pdf));
    const page = items[0]!;
    const header = (label: string) => page.find((item) => item.str === label)!;
    const surnameX = header(exampleLabelsEn.columns.surname).x;
    const firstNameX = header(exampleLabelsEn.columns.firstName).x;
    const pageWidth = 595.28;

    const inSurnameColumn = page.filter((item) => item.x >= surnameX - 1 && item.x < firstNameX - 1);
    const inFirstNameColumn = page.filter((item) => item.x >= firstNameX - 1);
    const squash = (s: string) => s.replace(/\s+/g, '');
    expect(squash(inSurnameColumn.map((item) => item.str).join(''))).toContain(squash(longSurname));
    expect(squash(inFirstNameColumn.map((item) => item.str).join(''))).toContain(oneWordFirstName);
    // Wrapped: several lines, each ending before the next column (or the right margin).
    expect(inSurnameColumn.filter((item) => item.str.trim() !== '').length).toBeGreaterThan(2);
    for (const item of inSurnameColumn) expect(item.x + item.width).toBeLessThanOrEqual(firstNameX);
    for (const item of inFirstNameColumn) expect(item.x + item.width).toBeLessThanOrEqual(pageWidth - 40);
  });

  it('keeps personal data out of the metadata', async () => {
    const pdf = await renderListingPdf(makeListing(threeWorkers), exampleLabelsEn, { generatedAt: GENERATED_AT });
    const document = await getDocumentProxy(new Uint8Array(pdf));
    const { info, metadata } = await document.getMetadata();
    const serialised = JSON.stringify(info);

    expect(info).toMatchObject({ Title: exampleLabelsEn.title });
    expect(metadata).toBeNull();
    for (const worker of threeWorkers) {
      for (const secret of [worker.surname, worker.firstName, worker.workerId.digits, formatWorkerId(worker.workerId)]) {
        expect(serialised).not.toContain(secret);
      }
    }
    // Not personal, but they identify the company's site: the metadata has no business with them.
    expect(serialised).not.toContain('REF-TEST-0001');
    expect(serialised).not.toContain('TEST000DECL01');
  });

  it('takes its creation date from generatedAt, so the same listing renders to the same bytes', async () => {
    const listing = makeListing(threeWorkers);
    const first = await renderListingPdf(listing, exampleLabelsEn, { generatedAt: GENERATED_AT });
    const second = await renderListingPdf(listing, exampleLabelsEn, { generatedAt: GENERATED_AT });
    expect(first.equals(second)).toBe(true);

    const document = await getDocumentProxy(new Uint8Array(first));
    const { info } = await document.getMetadata();
    expect(info).toMatchObject({ CreationDate: 'D:20250314093000Z' });
  });
});
