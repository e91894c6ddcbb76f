import type { WorkerId } from '../identity/index.js';
import { findWorker } from './listingOps.js';
import type { Listing } from './model.js';
import { type NameSplit, type ParsedWorker, parseWorkerLine, type WorkerLineError, type WorkerLineResult } from './workerLine.js';

/**
 * A crew at once — a pasted list (one worker per line), the rows of a spreadsheet, a card with
 * several rows, an earlier listing — checked line by line against the same rules as one worker,
 * and against each other and the listing: nothing already on the listing is touched. Pure.
 */

/** One line (or row) of the crew, numbered as the user sees it (1-based). */
export interface CrewLine {
  readonly line: number;
  readonly result: WorkerLineResult;
}

export type CrewRefusalReason =
  | WorkerLineError
  /** The same identifier on an earlier line of this crew (`other`: that line). */
  | 'crew.duplicateLine'
  /** The identifier is on the listing already (`other`: its position); the listing is unchanged. */
  | 'crew.onListing';

export interface CrewRefusal {
  readonly line: number;
  readonly reason: CrewRefusalReason;
  readonly other?: number;
}

export interface CrewAmbiguity {
  readonly line: number;
  readonly workerId: WorkerId;
  readonly choices: readonly NameSplit[];
}

export interface CrewPlan {
  readonly valid: readonly { readonly line: number; readonly worker: ParsedWorker }[];
  readonly refused: readonly CrewRefusal[];
  readonly ambiguous: readonly CrewAmbiguity[];
  /** Lines read (blank lines and a header row not counted). */
  readonly read: number;
}

/** A pasted crew longer than this is refused whole (the listing itself holds at most 2000). */
export const MAX_CREW_LINES = 500;

// A first line naming the columns ("NISS;Nom;Prénom", "INSZ Naam Voornaam") is not a worker.
const HEADER_WORDS = /^(?:niss|insz|inss|nn|rijksregisternummer|rijksregister|numero national|national number|national register number|identifier|identifiant|id|bis|limosa|nom|naam|name|nachname|surname|familienaam|achternaam|prenom|voornaam|vorname|first name|firstname)$/;

/**
 * Whether `text` reads as a crew: several lines, at least one of them with an identifier's worth
 * of digits (a note or a paragraph pasted by mistake is one answer, refused as such).
 */
export function isCrewText(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.length > 1 && lines.some((l) => (l.match(/\d/g)?.length ?? 0) >= 8);
}

/** The lines of a pasted crew with their numbers; blank lines and a header line are skipped. */
export function crewLinesOf(text: string): CrewLine[] {
  const lines = text.split(/\r?\n/);
  return lines.flatMap((raw, index) => {
    if (raw.trim() === '' || (index === 0 && isHeaderLine(raw))) return [];
    return [{ line: index + 1, result: parseWorkerLine(raw) }];
  });
}

export function isHeaderLine(line: string): boolean {
  if (/\d/.test(line)) return false;
  const cells = line
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .split(/[\t;|,]+|\s{2,}/)
    .map((c) => c.replace(/[^a-z ]/g, ' ').replace(/\s+/g, ' ').trim())
    .filter((c) => c !== '');
  return cells.length >= 2 && cells.filter((c) => HEADER_WORDS.test(c)).length >= 2;
}

/**
 * Sorts the crew's lines into those to add, those refused (with the reason and, for a duplicate,
 * the other line or the position on the listing), and those whose name split the user must choose.
 */
export function planCrew(lines: readonly CrewLine[], listing: Listing | undefined): CrewPlan {
  const valid: { line: number; worker: ParsedWorker }[] = [];
  const refused: CrewRefusal[] = [];
  const ambiguous: CrewAmbiguity[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { line, result } of lines) {
    if (result.kind === 'refused') {
      refused.push({ line, reason: result.error });
      continue;
    }
    if (result.kind === 'idOnly') {
      refused.push({ line, reason: 'line.missingName' });
      continue;
    }
    const workerId = result.kind === 'worker' ? result.worker.workerId : result.workerId;
    const idKey = `${workerId.kind}:${workerId.digits}`;
    const earlier = firstLineOf.get(idKey);
    if (earlier !== undefined) {
      refused.push({ line, reason: 'crew.duplicateLine', other: earlier });
      continue;
    }
    firstLineOf.set(idKey, line);
    const existing = findWorker(listing, workerId);
    if (existing) {
      refused.push({ line, reason: 'crew.onListing', other: existing.index + 1 });
      continue;
    }
    if (result.kind === 'worker') valid.push({ line, worker: result.worker });
    else ambiguous.push({ line, workerId, choices: result.choices });
  }
  return { valid, refused, ambiguous, read: lines.length };
}
