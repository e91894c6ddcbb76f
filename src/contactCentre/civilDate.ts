/**
 * Calendar dates without a time or a zone ("civil" dates), as plain numbers.
 *
 * Holidays and closed dates are days on the Brussels calendar, not instants, so they are
 * handled with integer day counts. `Date.UTC` is used only as a pure calendar calculator: it
 * never reads the clock or the process time zone, so results do not depend on `TZ`.
 */

export interface CivilDate {
  readonly year: number;
  readonly month: number; // 1–12
  readonly day: number; // 1–31
}

const MS_PER_DAY = 86_400_000;

/** Years we accept: the Gregorian calendar (1583 on) written with four digits. */
export const MIN_YEAR = 1583;
export const MAX_YEAR = 9999;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 (negative before). */
export function toEpochDay(date: CivilDate): number {
  return Math.floor(Date.UTC(date.year, date.month - 1, date.day) / MS_PER_DAY);
}

export function fromEpochDay(epochDay: number): CivilDate {
  const d = new Date(epochDay * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO weekday, 1 = Monday … 7 = Sunday, as luxon numbers them. */
export function isoWeekdayOfEpochDay(epochDay: number): 1 | 2 | 3 | 4 | 5 | 6 | 7 {
  // 1970-01-01 was a Thursday (4); the double modulo keeps negative day counts right.
  return ((((epochDay + 3) % 7) + 7) % 7 + 1) as 1 | 2 | 3 | 4 | 5 | 6 | 7;
}

export function formatIsoDate(date: CivilDate): string {
  const pad = (value: number, width: number): string => String(value).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/**
 * Strict 'YYYY-MM-DD' parser: rejects impossible dates such as 2026-02-30 rather than rolling
 * them over, because a silently shifted closed date would close the wrong day.
 */
export function parseIsoDate(text: string): CivilDate | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < MIN_YEAR || month < 1 || month > 12 || day < 1) return undefined;
  const roundTrip = fromEpochDay(toEpochDay({ year, month, day }));
  if (roundTrip.month !== month || roundTrip.day !== day) return undefined;
  return { year, month, day };
}
