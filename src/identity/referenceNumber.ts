import { z } from 'zod';
import { err, ok, type Result } from './result.js';

export type ReferenceNumberError = 'empty' | 'characters' | 'length';

// The contact centre's reference number (procedure step 3.2, sent automatically by the contact
// form) has no known format: accept a bounded, printable string (PROCEDURE.md, Identifiers).
const MIN_CHARS = 3;
const MAX_CHARS = 64;
// Stops pasted e-mails before any regex work; generous enough for a number with stray blanks.
const MAX_INPUT_CHARS = 256;

// \p{C}: control, format (incl. bidi overrides, which could make the printed listing read
// differently from what was stored), surrogate, private-use and unassigned code points.
// `<` and `>` keep markup out of the listing and out of any HTML view of it.
const FORBIDDEN = /[\p{C}<>]/u;

/** Trims and collapses inner whitespace (a pasted line break becomes a space). */
export function parseReferenceNumber(input: string): Result<string, ReferenceNumberError> {
  if (input.length > MAX_INPUT_CHARS) return err('length');
  const normalised = input.trim().replace(/\s+/g, ' ');
  if (normalised === '') return err('empty');
  if (FORBIDDEN.test(normalised)) return err('characters');
  // Counted in code points so a character outside the BMP counts once.
  const length = [...normalised].length;
  if (length < MIN_CHARS || length > MAX_CHARS) return err('length');
  return ok(normalised);
}

/** Accepts a typed or stored value and outputs the normalised form; issue messages are error codes. */
export const referenceNumberSchema = z.string().transform((input, ctx) => {
  const parsed = parseReferenceNumber(input);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});
