import { DateTime, Info } from 'luxon';
import { CATALOGS, containsPhrase, LOCALES, normalizeText } from '../i18n/index.js';

export type ListingCommand =
  | { readonly kind: 'done' | 'list' | 'pdf' }
  | { readonly kind: 'remove' | 'correct'; readonly n: number };

type Word = keyof (typeof CATALOGS)['fr']['listing']['words'];

/** The command words of every locale, folded once. */
const WORDS: ReadonlyMap<Word, readonly string[]> = new Map(
  (Object.keys(CATALOGS.fr.listing.words) as Word[]).map((word) => [
    word,
    [...new Set(LOCALES.flatMap((l) => CATALOGS[l].listing.words[word]).map(normalizeText).filter(Boolean))],
  ]),
);

const has = (text: string, word: Word) => (WORDS.get(word) ?? []).some((p) => containsPhrase(text, p));

/** Commands are short: a sentence that happens to contain "list" is not one. */
const MAX_COMMAND_WORDS = 4;

/**
 * "done", "list", "pdf", "remove 2", "correct 3" (in any of the four languages) in the worker
 * loop; undefined for anything else, such as an identifier.
 */
export function parseListingCommand(text: string): ListingCommand | undefined {
  const folded = normalizeText(text);
  if (folded.length === 0 || folded.split(' ').length > MAX_COMMAND_WORDS) return undefined;
  const number = /(?:^|\s)(\d{1,4})(?:\s|$)/.exec(folded)?.[1];
  if (number !== undefined) {
    const n = Number(number);
    if (has(folded, 'remove')) return { kind: 'remove', n };
    if (has(folded, 'correct')) return { kind: 'correct', n };
    return undefined;
  }
  if (has(folded, 'done')) return { kind: 'done' };
  if (has(folded, 'list')) return { kind: 'list' };
  if (has(folded, 'pdf')) return { kind: 'pdf' };
  return undefined;
}

export function isYes(text: string): boolean {
  const folded = normalizeText(text);
  return has(folded, 'yes') && !has(folded, 'no');
}

export function isNo(text: string): boolean {
  const folded = normalizeText(text);
  return has(folded, 'no') && !has(folded, 'yes');
}

/** How far from today a listing's date may be: yesterday's late shift, tomorrow's early one. */
const MAX_DAYS_FROM_TODAY = 1;

/**
 * The listing's date from "today" or a day-first date (27/11/2026, 27.11.2026, 27-11, or
 * 2026-11-27), as YYYY-MM-DD, when within a day of `today`; undefined otherwise.
 */
export function parseListingDate(text: string, today: DateTime): string | undefined {
  const read = readListingDate(text, today);
  return read.ok ? read.date : undefined;
}

export type ListingDateRead =
  | { readonly ok: true; readonly date: string }
  /** A day the user named, but more than a day away from today. */
  | { readonly ok: false; readonly error: 'outOfRange'; readonly day: DateTime }
  | { readonly ok: false; readonly error: 'unknown' };

type CrewWord = keyof (typeof CATALOGS)['fr']['crew']['words'];
const CREW_WORDS: ReadonlyMap<CrewWord, readonly string[]> = new Map(
  (Object.keys(CATALOGS.fr.crew.words) as CrewWord[]).map((word) => [
    word,
    [...new Set(LOCALES.flatMap((l) => CATALOGS[l].crew.words[word]).map(normalizeText).filter(Boolean))],
  ]),
);

/** Whether folded `text` contains one of the crew words (copy, skip, tomorrow…) of any language. */
export function hasCrewWord(text: string, word: CrewWord): boolean {
  const folded = normalizeText(text);
  return (CREW_WORDS.get(word) ?? []).some((p) => containsPhrase(folded, p));
}

// Weekday names of the four languages (luxon's, from Intl), Monday = 1, folded.
const WEEKDAYS: readonly { readonly name: string; readonly weekday: number }[] = LOCALES.flatMap((locale) =>
  Info.weekdays('long', { locale }).map((name, i) => ({ name: normalizeText(name), weekday: i + 1 })),
);

/**
 * The listing's date as people say it: "today", "tomorrow", "yesterday" (and "demain", "hier",
 * "morgen", "gisteren", "gestern"…), a weekday name, or a date. Within a day of `today` only:
 * "yesterday's late shift, tomorrow's early one".
 */
export function readListingDate(text: string, today: DateTime): ListingDateRead {
  const trimmed = text.trim();
  const folded = normalizeText(trimmed);
  let date: DateTime | undefined;
  if (folded === '1' || has(folded, 'today')) date = today;
  else if (hasCrewWord(folded, 'tomorrow') && folded.split(' ').length <= 3) date = today.plus({ days: 1 });
  else if (hasCrewWord(folded, 'yesterday') && folded.split(' ').length <= 3) date = today.minus({ days: 1 });
  else {
    const named = WEEKDAYS.find((w) => containsPhrase(folded, w.name) && folded.split(' ').length <= 3);
    if (named) {
      const near = [-1, 0, 1].map((d) => today.plus({ days: d })).find((d) => d.weekday === named.weekday);
      // The nearest such day, for the message: next week's, or last week's if it is closer.
      date = near ?? today.plus({ days: ((named.weekday - today.weekday + 7) % 7) || 7 });
    } else date = dateIn(trimmed, today, DATE_PATTERNS.whole);
  }
  if (!date?.isValid) return { ok: false, error: 'unknown' };
  const distance = Math.abs(date.startOf('day').diff(today.startOf('day'), 'days').days);
  if (distance > MAX_DAYS_FROM_TODAY) return { ok: false, error: 'outOfRange', day: date };
  return { ok: true, date: date.toISODate() ?? '' };
}

/** Dates as typed: ISO (2026-11-27) or day first (27/11/2026, 27.11.26; without a year, this year). */
const DATE_PATTERNS = {
  /** The whole answer is the date ("27-11" too: no sentence around it to confuse a dash). */
  whole: { iso: /^(\d{4})-(\d{1,2})-(\d{1,2})$/, dayFirst: /^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{4}|\d{2}))?$/ },
  /** A date inside a sentence. */
  anywhere: { iso: /(?:^|\D)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)/, dayFirst: /(?:^|\D)(\d{1,2})[./](\d{1,2})(?:[./](\d{4}|\d{2}))?(?!\d)/ },
} as const;

function dateIn(text: string, today: DateTime, patterns: (typeof DATE_PATTERNS)[keyof typeof DATE_PATTERNS]): DateTime | undefined {
  const iso = patterns.iso.exec(text);
  if (iso) return DateTime.fromObject({ year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) }, { zone: today.zone });
  const dayFirst = patterns.dayFirst.exec(text);
  if (!dayFirst) return undefined;
  const year = dayFirst[3] === undefined ? today.year : Number(dayFirst[3].length === 2 ? `20${dayFirst[3]}` : dayFirst[3]);
  return DateTime.fromObject({ year, month: Number(dayFirst[2]), day: Number(dayFirst[1]) }, { zone: today.zone });
}

/**
 * A date mentioned anywhere in a sentence ("my evidence for 26/11/2026", "bewijzen van 2026-11-26"),
 * day first or ISO; `today` when none is given. Undefined when a date is there but impossible.
 */
export function findDateInText(text: string, today: DateTime): string | undefined {
  const date = dateIn(text, today, DATE_PATTERNS.anywhere);
  if (!date) return today.toISODate() ?? undefined;
  return date.isValid ? (date.toISODate() ?? undefined) : undefined;
}

/**
 * "same workers as yesterday", "copy the listing of 26/11", "zelfde ploeg als gisteren": the
 * date of the listing to copy (YYYY-MM-DD), or `latest` when none is named; undefined when the
 * message is not a copy request.
 */
export function parseCopyRequest(text: string, today: DateTime): { readonly from: string | 'latest' } | undefined {
  const folded = normalizeText(text);
  if (folded.split(' ').length > 8 || !hasCrewWord(folded, 'copy')) return undefined;
  if (hasCrewWord(folded, 'yesterday')) return { from: today.minus({ days: 1 }).toISODate() ?? 'latest' };
  const date = dateIn(text, today, DATE_PATTERNS.anywhere);
  if (date?.isValid) return { from: date.toISODate() ?? 'latest' };
  return { from: 'latest' };
}
