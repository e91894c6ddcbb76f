import { z } from 'zod';
import { err, ok, type Result } from './result.js';

export type DeclarationNumberError = 'empty' | 'characters' | 'length';

// No official format for the declaration-of-works number was found; it has been seen as 13
// upper-case letters and digits (PROCEDURE.md, Identifiers). Validate loosely so a plausible
// number is never rejected on a guessed format.
const MIN_CHARS = 4;
const MAX_CHARS = 30;
// Room for a separator (or " - ") between every character; anything longer is not a number.
const MAX_INPUT_CHARS = 128;

const SEPARATORS = /[ ./\-\u00A0\u202F\u2010\u2011\u2013]/g;
// Checked before upper-casing: toUpperCase turns `ß` into `SS` and `ﬁ` into `FI`, which would
// let non-ASCII letters slip through as something the user did not type.
const ALLOWED = /^[A-Za-z0-9 ./\-\u00A0\u202F\u2010\u2011\u2013]*$/;

/** Normalises to upper case without separators: `abc 123-456.7890x` → `ABC1234567890X`. */
export function parseDeclarationNumber(input: string): Result<string, DeclarationNumberError> {
  if (input.length > MAX_INPUT_CHARS) return err('length');
  const trimmed = input.trim();
  if (trimmed === '') return err('empty');
  if (!ALLOWED.test(trimmed)) return err('characters');
  const normalised = trimmed.replace(SEPARATORS, '').toUpperCase();
  if (normalised === '') return err('empty');
  if (normalised.length < MIN_CHARS || normalised.length > MAX_CHARS) return err('length');
  return ok(normalised);
}

/** Accepts a typed or stored value and outputs the normalised form; issue messages are error codes. */
export const declarationNumberSchema = z.string().transform((input, ctx) => {
  const parsed = parseDeclarationNumber(input);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});
