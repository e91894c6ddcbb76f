import { z } from 'zod';
import { err, ok, type Result } from './result.js';

/**
 * A worker's identifier as the paper attendance listing (procedure step 3.3) asks for it:
 * national register number (NISS), BIS number, or Limosa L1 number. `digits` holds the digits
 * only; NISS and BIS always have 11.
 */
export type WorkerId = { kind: 'niss' | 'bis'; digits: string } | { kind: 'limosa'; digits: string };

/**
 * - `empty`: nothing but blanks or separators.
 * - `characters`: something other than digits and separators (or the Limosa prefix).
 * - `length`: a digit count that fits no identifier, or input far too long.
 * - `checksum`: 11 digits whose check digits fail both the pre-2000 and the 2000+ rule.
 * - `date`: an impossible month, or a day above 31.
 */
export type WorkerIdError = 'empty' | 'characters' | 'length' | 'checksum' | 'date';

// Guards against pasted paragraphs before any regex work; the longest legitimate typing
// ("Limosa: " + 24 digits with separators) stays well below it.
const MAX_INPUT_CHARS = 64;

const NATIONAL_NUMBER_DIGITS = 11;
/** How far from 11 digits an unprefixed number still reads as a mistyped NISS. */
const NEAR_MISS_DIGITS = 2;

// No official Limosa L1 format was found (PROCEDURE.md, Identifiers); it has been seen as 17
// digits in public web-service code. Bound the length loosely rather than invent a format.
const LIMOSA_MIN_DIGITS = 8;
const LIMOSA_MAX_DIGITS = 24;
const LIMOSA_VISIBLE_DIGITS = 4;

// Users type `85.07.30-033.28`, `85 07 30 033 28` or `85073003328`. Besides the ASCII space,
// dot, dash and slash, accept the no-break spaces and Unicode hyphens/dashes that phone
// keyboards, word processors and PDFs substitute when a number is copied from a document.
const SEPARATORS = /[ ./\-\u00A0\u202F\u2010\u2011\u2013]/g;
const DIGITS_AND_SEPARATORS = /^[0-9 ./\-\u00A0\u202F\u2010\u2011\u2013]*$/;
const DIGITS_ONLY = /^[0-9]*$/;

// An explicit "L1" / "Limosa" prefix (with or without a colon) says the user means a Limosa
// number, which is the only way to enter an 11-digit Limosa number.
const LIMOSA_PREFIX = /^(?:limosa|l1)[ \u00A0\u202F]*:?[ \u00A0\u202F]*/i;

// People born in 2000 or later have their check digits computed on `2` followed by the first
// nine digits, i.e. on 2_000_000_000 + n (PROCEDURE.md, Identifiers).
const BORN_2000_OR_LATER_OFFSET = 2_000_000_000;

export function parseWorkerId(input: string): Result<WorkerId, WorkerIdError> {
  if (input.length > MAX_INPUT_CHARS) return err('length');
  const trimmed = input.trim();
  if (trimmed === '') return err('empty');

  const prefix = LIMOSA_PREFIX.exec(trimmed);
  const body = prefix === null ? trimmed : trimmed.slice(prefix[0].length);
  if (!DIGITS_AND_SEPARATORS.test(body)) return err('characters');

  const digits = body.replace(SEPARATORS, '');
  if (digits === '') return err('empty');

  // Exactly 11 digits without a prefix can only be meant as a NISS or BIS number, so it must
  // pass their checks; any other plausible count is taken as a Limosa L1 number.
  if (prefix === null && digits.length === NATIONAL_NUMBER_DIGITS) return parseNationalNumber(digits);
  // One digit short or too many is far more likely a mistyped NISS than a Limosa number (seen
  // with 17 digits): refuse it, rather than store a typo under the wrong kind. A real Limosa
  // number of that length goes in with its "L1" prefix.
  if (prefix === null && Math.abs(digits.length - NATIONAL_NUMBER_DIGITS) <= NEAR_MISS_DIGITS) return err('length');
  return parseLimosa(digits);
}

/** `85.07.30-033.28` for NISS/BIS (the official notation); Limosa digits as they are. */
export function formatWorkerId(id: WorkerId): string {
  if (id.kind === 'limosa') return id.digits;
  const d = id.digits;
  return `${d.slice(0, 2)}.${d.slice(2, 4)}.${d.slice(4, 6)}-${d.slice(6, 9)}.${d.slice(9, 11)}`;
}

/**
 * What may be shown back in chat (PROCEDURE.md, Personal data): only the listing itself carries
 * the full number. NISS/BIS keep the birth-date part, which lets the user spot a typo.
 */
export function maskWorkerId(id: WorkerId): string {
  const d = id.digits;
  if (id.kind === 'limosa') {
    return d.slice(0, LIMOSA_VISIBLE_DIGITS) + '*'.repeat(Math.max(0, d.length - LIMOSA_VISIBLE_DIGITS));
  }
  return `${d.slice(0, 2)}.${d.slice(2, 4)}.${d.slice(4, 6)}-***.**`;
}

/**
 * A WorkerId read back from storage or conversation state: re-validated with the same rules as
 * parseWorkerId, including that `kind` matches the month (a NISS is not a BIS and vice versa).
 * Issue messages are error codes only, never the number (it is personal data and issues end up
 * in logs).
 */
export const workerIdSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.enum(['niss', 'bis']), digits: z.string() }),
    z.object({ kind: z.literal('limosa'), digits: z.string() }),
  ])
  .superRefine((id, ctx) => {
    const error = findWorkerIdError(id);
    if (error !== undefined) ctx.addIssue({ code: 'custom', message: error, path: ['digits'] });
  });

function findWorkerIdError(id: WorkerId): WorkerIdError | undefined {
  if (!DIGITS_ONLY.test(id.digits)) return 'characters';
  if (id.digits === '') return 'empty';
  if (id.kind === 'limosa') {
    const limosa = parseLimosa(id.digits);
    return limosa.ok ? undefined : limosa.error;
  }
  if (id.digits.length !== NATIONAL_NUMBER_DIGITS) return 'length';
  const national = parseNationalNumber(id.digits);
  if (!national.ok) return national.error;
  // The month decides the kind; a stored kind that disagrees names an impossible month for it.
  return national.value.kind === id.kind ? undefined : 'date';
}

function parseLimosa(digits: string): Result<WorkerId, WorkerIdError> {
  if (digits.length < LIMOSA_MIN_DIGITS || digits.length > LIMOSA_MAX_DIGITS) return err('length');
  return ok({ kind: 'limosa', digits });
}

/** `digits` must be exactly 11 ASCII digits. */
function parseNationalNumber(digits: string): Result<WorkerId, WorkerIdError> {
  const month = Number(digits.slice(2, 4));
  const day = Number(digits.slice(4, 6));
  const kind = kindFromMonth(month);
  // The date is checked before the check digits: "impossible month" is the more useful message,
  // and it is what tells NISS from BIS. Month and day 00 (birth date unknown) and days beyond
  // the month's length (the day's counters ran out) are legitimate and pass.
  if (kind === undefined || day > 31) return err('date');
  if (!hasValidCheckDigits(digits)) return err('checksum');
  return ok({ kind, digits });
}

/** NISS months are 00–12; BIS adds 20 (sex unknown) or 40 (sex known) to the month. */
function kindFromMonth(month: number): 'niss' | 'bis' | undefined {
  if (month <= 12) return 'niss';
  if ((month >= 20 && month <= 32) || (month >= 40 && month <= 52)) return 'bis';
  return undefined;
}

/**
 * The century of the birth year is not otherwise known, so the number is valid if either rule
 * matches. 97 − 0 = 97 is a legitimate check value; 00, 98 and 99 never are.
 */
function hasValidCheckDigits(digits: string): boolean {
  const base = Number(digits.slice(0, 9));
  const check = Number(digits.slice(9, 11));
  return check === 97 - (base % 97) || check === 97 - ((BORN_2000_OR_LATER_OFFSET + base) % 97);
}
