/**
 * Is the contact centre open now, and if not, when does it open?
 *
 * The procedure (step 3.2) sends people to the phone when the contact centre is open and to
 * the contact form when it is closed, so the answer is computed, never asked
 * (PROCEDURE.md, "Contact centre"). It is computed in the schedule's zone (Europe/Brussels),
 * whatever the server's or the user's time zone, and it runs on every turn: the schedule is
 * compiled once per schedule object and the next opening is usually found within a few days.
 */
import { DateTime } from 'luxon';
import {
  type CivilDate,
  formatIsoDate,
  fromEpochDay,
  isoWeekdayOfEpochDay,
  parseIsoDate,
  toEpochDay,
} from './civilDate.js';
import { type LegalHolidayId, legalHolidayOn } from './legalHolidays.js';

/** ISO weekday as luxon numbers it: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Local wall-clock range 'HH:mm'–'HH:mm' (24 h); end is after start and may be '24:00'. */
export interface TimeRange {
  readonly start: string;
  readonly end: string;
}

export interface OpeningSchedule {
  /** IANA zone the hours are expressed in, e.g. 'Europe/Brussels'. */
  readonly zone: string;
  /** Opening ranges per weekday; an empty list means closed all day. */
  readonly weekly: Readonly<Record<Weekday, readonly TimeRange[]>>;
  readonly closedOnLegalHolidays: boolean;
  /** Further closed days ('YYYY-MM-DD' in the schedule's zone), e.g. announced closures. */
  readonly extraClosedDates: readonly string[];
}

export type CentreStatus =
  | { isOpen: true; closesAt: DateTime }
  | {
      isOpen: false;
      opensAt: DateTime | undefined;
      reason: 'holiday' | 'closedDate' | 'outsideHours';
      holiday?: LegalHolidayId;
    };

export type ParseWeeklyHoursResult =
  | { ok: true; value: OpeningSchedule['weekly'] }
  | { ok: false; error: string };

const WEEKDAYS: readonly Weekday[] = [1, 2, 3, 4, 5, 6, 7];

// A Map, not an object literal: "constructor" or "toString" must not be taken for a day.
const DAY_NUMBERS: ReadonlyMap<string, Weekday> = new Map([
  ['mon', 1],
  ['tue', 2],
  ['wed', 3],
  ['thu', 4],
  ['fri', 5],
  ['sat', 6],
  ['sun', 7],
]);

const DAY_NAMES: Readonly<Record<Weekday, string>> = {
  1: 'mon',
  2: 'tue',
  3: 'wed',
  4: 'thu',
  5: 'fri',
  6: 'sat',
  7: 'sun',
};

const MINUTES_PER_DAY = 24 * 60;

/** How far ahead to look for the next opening before giving up (a schedule closed for good). */
const SEARCH_HORIZON_DAYS = 400;

const weekdayHours = (ranges: readonly TimeRange[]): readonly TimeRange[] =>
  Object.freeze(ranges.map((range) => Object.freeze({ ...range })));

/**
 * UNCONFIRMED DEFAULT. No source found states the contact centre's opening hours
 * (PROCEDURE.md, "Contact centre"). Monday–Friday 07:00–20:00 Europe/Brussels, closed at
 * weekends and on Belgian legal holidays, is a placeholder: an operator must confirm the real
 * hours with the contact centre and set them in configuration.
 */
export const DEFAULT_SCHEDULE: OpeningSchedule = Object.freeze({
  zone: 'Europe/Brussels',
  weekly: Object.freeze({
    1: weekdayHours([{ start: '07:00', end: '20:00' }]),
    2: weekdayHours([{ start: '07:00', end: '20:00' }]),
    3: weekdayHours([{ start: '07:00', end: '20:00' }]),
    4: weekdayHours([{ start: '07:00', end: '20:00' }]),
    5: weekdayHours([{ start: '07:00', end: '20:00' }]),
    6: weekdayHours([]),
    7: weekdayHours([]),
  }),
  closedOnLegalHolidays: true,
  extraClosedDates: Object.freeze([]),
});

// ---------------------------------------------------------------------------------------------
// Clock times

const CLOCK = /^(\d{2}):(\d{2})$/;

/** Minutes after local midnight for 'HH:mm'; '24:00' only where it is an end. */
function parseClock(text: string, isEnd: boolean): number | undefined {
  const match = CLOCK.exec(text);
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (isEnd && hours === 24 && minutes === 0) return MINUTES_PER_DAY;
  if (hours > 23 || minutes > 59) return undefined;
  return hours * 60 + minutes;
}

const BAD_TIME_HINT = 'expected HH:mm, 00:00 to 23:59, or 24:00 as an end';

// ---------------------------------------------------------------------------------------------
// Parsing the operator's configuration string

const EXAMPLE = '"mon-fri 07:00-20:00" or "mon-thu 08:00-12:00,13:00-17:00; fri 08:00-12:00"';
const DAY_RANGE = /^([a-z]+)(?:\s*-\s*([a-z]+))?$/i;
const TIME_RANGE = /^([^\s-]+)\s*-\s*([^\s-]+)$/;

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

function parseDays(text: string, segment: string): Parsed<Weekday[]> {
  const days: Weekday[] = [];
  for (const rawToken of text.split(',')) {
    const token = rawToken.trim();
    const match = DAY_RANGE.exec(token);
    if (!match) {
      return fail(`"${token}" in "${segment}" is not a day or a range of days (e.g. "mon-fri" or "sat,sun")`);
    }
    const names = [match[1], match[2]].filter((name): name is string => name !== undefined);
    const numbers: Weekday[] = [];
    for (const name of names) {
      const day = DAY_NUMBERS.get(name.toLowerCase());
      if (day === undefined) {
        return fail(`Unknown day "${name}" in "${segment}"; days are mon, tue, wed, thu, fri, sat, sun`);
      }
      numbers.push(day);
    }
    const first = numbers[0];
    const last = numbers[1] ?? first;
    if (first === undefined || last === undefined) {
      return fail(`"${token}" in "${segment}" is not a day`);
    }
    if (last < first) {
      // Wrapping ranges are refused rather than guessed: "fri-mon" could be a typo for "mon-fri".
      return fail(
        `Day range "${token}" in "${segment}" runs backwards; write it from Monday towards Sunday (e.g. "fri-sun,mon")`,
      );
    }
    days.push(...WEEKDAYS.filter((day) => day >= first && day <= last));
  }
  return { ok: true, value: days };
}

function parseRanges(text: string, segment: string): Parsed<TimeRange[]> {
  const ranges: { range: TimeRange; start: number; end: number; token: string }[] = [];
  for (const rawToken of text.split(',')) {
    const token = rawToken.trim();
    const match = TIME_RANGE.exec(token);
    const startText = match?.[1];
    const endText = match?.[2];
    if (startText === undefined || endText === undefined) {
      return fail(`"${token}" in "${segment}" is not a time range; expected HH:mm-HH:mm, e.g. 07:00-20:00`);
    }
    const start = parseClock(startText, false);
    if (start === undefined) {
      return fail(`"${startText}" in "${segment}" is not a valid start time; ${BAD_TIME_HINT}`);
    }
    const end = parseClock(endText, true);
    if (end === undefined) {
      return fail(`"${endText}" in "${segment}" is not a valid end time; ${BAD_TIME_HINT}`);
    }
    if (end <= start) {
      return fail(`Time range "${token}" in "${segment}" must end after it starts`);
    }
    ranges.push({ range: { start: startText, end: endText }, start, end, token });
  }
  ranges.sort((a, b) => a.start - b.start);
  for (let i = 1; i < ranges.length; i++) {
    const previous = ranges[i - 1];
    const current = ranges[i];
    if (previous && current && current.start < previous.end) {
      return fail(`Time ranges "${previous.token}" and "${current.token}" overlap in "${segment}"`);
    }
  }
  return { ok: true, value: ranges.map((r) => r.range) };
}

/**
 * Parses opening hours written for humans, e.g. "mon-fri 07:00-20:00" or
 * "mon-thu 08:00-12:00,13:00-17:00; fri 08:00-12:00". Segments are separated by ';', each is
 * days (mon … sun, case-insensitive, ranges with '-', lists with ',') then time ranges
 * separated by ','. Days not named are closed. The error names the offending part because it
 * is shown to the operator at start-up.
 */
export function parseWeeklyHours(spec: string): ParseWeeklyHoursResult {
  const segments = spec
    .split(';')
    .map((segment) => segment.trim())
    .filter((segment) => segment.length > 0);
  if (segments.length === 0) {
    return fail(`Opening hours are empty; expected e.g. ${EXAMPLE}`);
  }

  const weekly: Record<Weekday, readonly TimeRange[]> = { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] };
  const segmentOfDay = new Map<Weekday, string>();

  for (const segment of segments) {
    // Day names have no digits and times start with one: the first digit splits the two.
    const firstDigit = segment.search(/\d/);
    if (firstDigit === -1) {
      return fail(`"${segment}" has no opening hours; expected e.g. ${EXAMPLE}`);
    }
    const daysText = segment.slice(0, firstDigit).trim();
    const rangesText = segment.slice(firstDigit).trim();
    if (daysText === '') {
      return fail(`"${segment}" names no day; expected e.g. ${EXAMPLE}`);
    }
    const days = parseDays(daysText, segment);
    if (!days.ok) return days;
    const ranges = parseRanges(rangesText, segment);
    if (!ranges.ok) return ranges;

    for (const day of days.value) {
      const earlier = segmentOfDay.get(day);
      if (earlier !== undefined) {
        const where = earlier === segment ? `in "${segment}"` : `in "${earlier}" and in "${segment}"`;
        return fail(`Day "${DAY_NAMES[day]}" is listed twice, ${where}`);
      }
      segmentOfDay.set(day, segment);
      weekly[day] = weekdayHours(ranges.value);
    }
  }
  return { ok: true, value: Object.freeze(weekly) };
}

// ---------------------------------------------------------------------------------------------
// Compiled schedule: validated once, in minutes, ranges sorted and merged

interface MinuteRange {
  readonly start: number;
  readonly end: number; // ≤ MINUTES_PER_DAY
}

interface CompiledSchedule {
  readonly zone: string;
  readonly weekly: Readonly<Record<Weekday, readonly MinuteRange[]>>;
  readonly closedOnLegalHolidays: boolean;
  readonly extraClosedDates: ReadonlySet<string>;
  readonly hasOpeningHours: boolean;
}

// Schedules are immutable values (built once from configuration), so the compiled form is
// kept per object and the hot path does no parsing.
const compiledSchedules = new WeakMap<OpeningSchedule, CompiledSchedule>();

function compileDay(ranges: readonly TimeRange[], day: Weekday): MinuteRange[] {
  const minutes = ranges.map((range) => {
    const start = parseClock(range.start, false);
    const end = parseClock(range.end, true);
    if (start === undefined || end === undefined || end <= start) {
      throw new Error(
        `Invalid opening hours on ${DAY_NAMES[day]}: "${range.start}-${range.end}" ` +
          `(${BAD_TIME_HINT}, ending after the start)`,
      );
    }
    return { start, end };
  });
  minutes.sort((a, b) => a.start - b.start);
  // Overlapping or touching ranges (08:00-12:00,12:00-17:00) are one opening: merged, so that
  // closesAt is the real closing time and not a seam between two ranges.
  const merged: { start: number; end: number }[] = [];
  for (const range of minutes) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

function compile(schedule: OpeningSchedule): CompiledSchedule {
  const cached = compiledSchedules.get(schedule);
  if (cached) return cached;

  // A bad zone or date is a configuration bug: fail loudly instead of answering in UTC.
  if (!DateTime.fromMillis(0, { zone: schedule.zone }).isValid) {
    throw new Error(`Unknown time zone for the contact centre's opening hours: "${schedule.zone}"`);
  }
  for (const date of schedule.extraClosedDates) {
    if (!parseIsoDate(date)) throw new Error(`Invalid extra closed date "${date}"; expected YYYY-MM-DD`);
  }
  const weekly: Record<Weekday, readonly MinuteRange[]> = {
    1: compileDay(schedule.weekly[1], 1),
    2: compileDay(schedule.weekly[2], 2),
    3: compileDay(schedule.weekly[3], 3),
    4: compileDay(schedule.weekly[4], 4),
    5: compileDay(schedule.weekly[5], 5),
    6: compileDay(schedule.weekly[6], 6),
    7: compileDay(schedule.weekly[7], 7),
  };

  const compiled: CompiledSchedule = {
    zone: schedule.zone,
    weekly,
    closedOnLegalHolidays: schedule.closedOnLegalHolidays,
    extraClosedDates: new Set(schedule.extraClosedDates),
    hasOpeningHours: WEEKDAYS.some((day) => weekly[day].length > 0),
  };
  compiledSchedules.set(schedule, compiled);
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// Status

type Closure = { reason: 'holiday'; holiday: LegalHolidayId } | { reason: 'closedDate' };

/** Why the whole day is closed, if it is; a legal holiday wins over an extra closed date. */
function closureOn(schedule: CompiledSchedule, date: CivilDate): Closure | undefined {
  const isoDate = formatIsoDate(date);
  if (schedule.closedOnLegalHolidays) {
    const holiday = legalHolidayOn(isoDate);
    if (holiday !== undefined) return { reason: 'holiday', holiday };
  }
  if (schedule.extraClosedDates.has(isoDate)) return { reason: 'closedDate' };
  return undefined;
}

/**
 * The instant of a wall-clock time on a local date; 24:00 is the next day's midnight. Luxon
 * moves a time skipped by a DST change forward (02:30 → 03:30 CEST in March) and takes a
 * repeated time at its second occurrence (02:30 CET in October). The default hours never fall
 * in the hour that is skipped or repeated in Brussels (02:00–03:00).
 */
function instantAt(epochDay: number, minutes: number, zone: string): DateTime {
  const dayOffset = Math.floor(minutes / MINUTES_PER_DAY);
  const minuteOfDay = minutes - dayOffset * MINUTES_PER_DAY;
  const date = fromEpochDay(epochDay + dayOffset);
  return DateTime.fromObject(
    { ...date, hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 },
    { zone },
  );
}

/** First opening on a day after `epochDay`, within the search horizon. */
function nextOpeningAfter(schedule: CompiledSchedule, epochDay: number): DateTime | undefined {
  if (!schedule.hasOpeningHours) return undefined;
  for (let offset = 1; offset <= SEARCH_HORIZON_DAYS; offset++) {
    const day = epochDay + offset;
    const ranges = schedule.weekly[isoWeekdayOfEpochDay(day)];
    if (ranges.length === 0 || closureOn(schedule, fromEpochDay(day))) continue;
    for (const range of ranges) {
      const start = instantAt(day, range.start, schedule.zone);
      // A range wholly inside a skipped DST hour has no instant at all.
      if (start.toMillis() < instantAt(day, range.end, schedule.zone).toMillis()) return start;
    }
  }
  return undefined;
}

/**
 * Whether the contact centre is open at `now` (injected; never read from the system clock),
 * with the closing time, or the reason it is closed and when it opens next. Boundaries are
 * exact to the millisecond: open from 07:00:00.000, closed from 20:00:00.000.
 */
export function getCentreStatus(schedule: OpeningSchedule, now: Date): CentreStatus {
  const nowMs = now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError('getCentreStatus: "now" is an invalid Date');
  const compiled = compile(schedule);

  const local = DateTime.fromMillis(nowMs, { zone: compiled.zone });
  const today: CivilDate = { year: local.year, month: local.month, day: local.day };
  const todayEpoch = toEpochDay(today);
  const closure = closureOn(compiled, today);

  if (!closure) {
    // Ranges are sorted and disjoint: the first that has not ended yet either holds `now`
    // or is the next opening today.
    for (const range of compiled.weekly[isoWeekdayOfEpochDay(todayEpoch)]) {
      const start = instantAt(todayEpoch, range.start, compiled.zone);
      const end = instantAt(todayEpoch, range.end, compiled.zone);
      if (start.toMillis() >= end.toMillis() || nowMs >= end.toMillis()) continue;
      if (nowMs >= start.toMillis()) return { isOpen: true, closesAt: end };
      return { isOpen: false, opensAt: start, reason: 'outsideHours' };
    }
  }

  const opensAt = nextOpeningAfter(compiled, todayEpoch);
  if (closure?.reason === 'holiday') {
    return { isOpen: false, opensAt, reason: 'holiday', holiday: closure.holiday };
  }
  return { isOpen: false, opensAt, reason: closure?.reason ?? 'outsideHours' };
}
