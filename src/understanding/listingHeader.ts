import type { DateTime } from 'luxon';
import { parseDeclarationNumber, parseReferenceNumber } from '../identity/index.js';
import { normalizeText } from '../i18n/index.js';
import { hasCrewWord, readListingDate } from './listingWords.js';

/**
 * The listing's header given in one message — "reference REF-1, declaration 1Y102M7NZF7PZ,
 * today", "référence REF-1 ; déclaration 1Y102M7NZF7PZ ; aujourd'hui" — and the reference number
 * typed alone right after a contact-centre verdict ("REF-2026-4471", "4471"). Pure.
 */
export interface ListingHeaderText {
  readonly reference?: string;
  readonly declaration?: string;
  readonly date?: string;
}

// "reference", "réf.", "Referenz:", "referentienummer" …, then the value.
function valueAfter(segment: string, word: 'reference' | 'declaration'): string | undefined {
  const words = segment.trim().split(/\s+/);
  for (let take = Math.min(3, words.length - 1); take >= 1; take -= 1) {
    const label = words.slice(0, take).join(' ');
    if (normalizeText(label) !== '' && hasCrewWord(label, word) && normalizeText(label).split(' ').length === take) {
      return words.slice(take).join(' ').replace(/^[:#=\s-]+/, '').trim();
    }
  }
  return undefined;
}

export function parseListingHeader(text: string, today: DateTime): ListingHeaderText {
  const header: { reference?: string; declaration?: string; date?: string } = {};
  for (const segment of text.split(/[,;\n]+/)) {
    const reference = valueAfter(segment, 'reference');
    if (reference !== undefined && header.reference === undefined) {
      const parsed = parseReferenceNumber(reference);
      // A reference number has digits: "Referenznummer erhalten" (a button) names none.
      if (parsed.ok && /\d/.test(parsed.value)) header.reference = parsed.value;
      continue;
    }
    const declaration = valueAfter(segment, 'declaration');
    if (declaration !== undefined && header.declaration === undefined) {
      const parsed = parseDeclarationNumber(declaration);
      if (parsed.ok) header.declaration = parsed.value;
      continue;
    }
    const date = readListingDate(segment, today);
    if (date.ok && header.date === undefined) header.date = date.date;
  }
  return header;
}

/**
 * Whether a message typed right after a contact-centre verdict is the reference number it gave:
 * `sure` for a code with letters and digits ("REF-2026-4471"), `maybe` for a bare number or a
 * few words (asked to confirm), undefined for anything else.
 */
export function looksLikeReference(text: string): { readonly reference: string; readonly certainty: 'sure' | 'maybe' } | undefined {
  const trimmed = text.trim();
  const labelled = valueAfter(trimmed, 'reference');
  const candidate = labelled ?? trimmed;
  const parsed = parseReferenceNumber(candidate);
  if (!parsed.ok || !/\d/.test(candidate) || candidate.split(/\s+/).length > 3) return undefined;
  const hasLetters = /\p{L}/u.test(candidate);
  const isCode = /^[\p{L}\d]+(?:[-/._][\p{L}\d]+)*$/u.test(candidate);
  if (isCode && (hasLetters || labelled !== undefined) && candidate.replace(/\D/g, '').length >= 2) return { reference: parsed.value, certainty: 'sure' };
  if (/^\d[\d\s./-]*$/.test(candidate) && candidate.replace(/\D/g, '').length >= 3) return { reference: parsed.value, certainty: 'maybe' };
  if (isCode) return { reference: parsed.value, certainty: 'maybe' };
  return undefined;
}
