/**
 * Belgian legal public holidays (belgium.be; PROCEDURE.md, "Belgian legal public holidays").
 *
 * The contact centre is closed on these days (configurable), so the bot must route to the
 * contact form instead of the phone (official procedure, step 3.2). Only the ten legal
 * holidays count: community holidays (11 July, 27 September, 15 November) and customary days
 * off (Good Friday, 2 November, 26 December) are not legal holidays and do not close anything.
 *
 * The list is today's law applied to every year; it is not a history of Belgian holidays.
 */
import {
  MAX_YEAR,
  MIN_YEAR,
  formatIsoDate,
  fromEpochDay,
  parseIsoDate,
  toEpochDay,
} from './civilDate.js';

export type LegalHolidayId =
  | 'newYear'
  | 'easterMonday'
  | 'labourDay'
  | 'ascension'
  | 'whitMonday'
  | 'nationalDay'
  | 'assumption'
  | 'allSaints'
  | 'armistice'
  | 'christmas';

export interface LegalHoliday {
  readonly id: LegalHolidayId;
  /** 'YYYY-MM-DD' on the Belgian calendar. */
  readonly date: string;
}

function assertSupportedYear(year: number): void {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new RangeError(`Year ${year} is outside the supported range ${MIN_YEAR}–${MAX_YEAR}`);
  }
}

/**
 * Gregorian Easter Sunday by the anonymous ("Meeus/Jones/Butcher") algorithm, which is exact
 * for every Gregorian year and needs no tables.
 */
export function easterSunday(year: number): { month: number; day: number } {
  assertSupportedYear(year);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { month, day };
}

interface YearHolidays {
  readonly list: ReadonlyArray<LegalHoliday>;
  readonly byDate: ReadonlyMap<string, LegalHolidayId>;
}

// getCentreStatus asks about holidays on every turn; a year's list never changes, so each is
// computed once. At most a few years are ever touched by a running bot.
const cache = new Map<number, YearHolidays>();

function holidaysOfYear(year: number): YearHolidays {
  const cached = cache.get(year);
  if (cached) return cached;
  assertSupportedYear(year);

  const easter = toEpochDay({ year, ...easterSunday(year) });
  const fixed = (month: number, day: number): string => formatIsoDate({ year, month, day });
  const afterEaster = (days: number): string => formatIsoDate(fromEpochDay(easter + days));

  // In calendar order: Easter + 50 is at the latest 14 June, before 21 July.
  const list: ReadonlyArray<LegalHoliday> = Object.freeze([
    Object.freeze({ id: 'newYear', date: fixed(1, 1) }),
    Object.freeze({ id: 'easterMonday', date: afterEaster(1) }),
    Object.freeze({ id: 'labourDay', date: fixed(5, 1) }),
    Object.freeze({ id: 'ascension', date: afterEaster(39) }),
    Object.freeze({ id: 'whitMonday', date: afterEaster(50) }),
    Object.freeze({ id: 'nationalDay', date: fixed(7, 21) }),
    Object.freeze({ id: 'assumption', date: fixed(8, 15) }),
    Object.freeze({ id: 'allSaints', date: fixed(11, 1) }),
    Object.freeze({ id: 'armistice', date: fixed(11, 11) }),
    Object.freeze({ id: 'christmas', date: fixed(12, 25) }),
  ] satisfies LegalHoliday[]);

  // Ascension (Easter + 39, 30 April – 3 June) can fall on 1 May (2008, 2160): both stay in the
  // list (the law counts ten holidays), and the lookup answers the first, Labour Day; the day
  // is closed either way.
  const byDate = new Map<string, LegalHolidayId>();
  for (const holiday of list) {
    if (!byDate.has(holiday.date)) byDate.set(holiday.date, holiday.id);
  }
  const entry: YearHolidays = { list, byDate };
  cache.set(year, entry);
  return entry;
}

/** The ten Belgian legal holidays of `year`, in calendar order. */
export function legalHolidays(year: number): ReadonlyArray<LegalHoliday> {
  return holidaysOfYear(year).list;
}

/**
 * The legal holiday falling on `isoDate` ('YYYY-MM-DD'), if any.
 *
 * A malformed date throws rather than answering "not a holiday": that answer would make a
 * closed contact centre look open.
 */
export function legalHolidayOn(isoDate: string): LegalHolidayId | undefined {
  const date = parseIsoDate(isoDate);
  if (!date) throw new RangeError(`Not a valid 'YYYY-MM-DD' date: '${isoDate}'`);
  return holidaysOfYear(date.year).byDate.get(isoDate);
}
