import { z } from 'zod';
import { err, ok, type Result } from './result.js';

export type PersonNameError = 'empty' | 'characters' | 'length';

// A surname or first name for the paper listing (procedure step 3.3).
const MIN_CHARS = 1;
const MAX_CHARS = 80;
// Stops pasted paragraphs before normalisation and regex work.
const MAX_INPUT_CHARS = 320;

// Letters of any script and combining marks (workers come from all over Europe and beyond),
// spaces, apostrophes (' and the ’ that phone keyboards substitute), hyphens and dots
// (`D'Hondt`, `Van den Bossche`, `Müller-Lüdenscheidt`, `J.-P.`). Digits, markup and
// control characters are not part of a name.
const ALLOWED = /^[\p{L}\p{M} '’.\-]+$/u;
// A name made only of punctuation is a typing slip, not a name.
const HAS_LETTER = /\p{L}/u;

/** Trims, collapses whitespace and NFC-normalises (so `é` is stored the same however typed). */
export function parsePersonName(input: string): Result<string, PersonNameError> {
  if (input.length > MAX_INPUT_CHARS) return err('length');
  const normalised = input.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (normalised === '') return err('empty');
  if (!ALLOWED.test(normalised) || !HAS_LETTER.test(normalised)) return err('characters');
  // Counted in code points so a character outside the BMP counts once.
  const length = [...normalised].length;
  if (length < MIN_CHARS || length > MAX_CHARS) return err('length');
  return ok(normalised);
}

/** Accepts a typed or stored value and outputs the normalised form; issue messages are error codes. */
export const personNameSchema = z.string().transform((input, ctx) => {
  const parsed = parsePersonName(input);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});
