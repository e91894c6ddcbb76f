import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  type CentreStatus,
  DEFAULT_SCHEDULE,
  type LegalHolidayId,
  type OpeningSchedule,
  type TimeRange,
  type Weekday,
  getCentreStatus,
  parseWeeklyHours,
} from '../../src/contactCentre/index.js';

// Instants are given in UTC; expected opening and closing times are given twice, as Brussels
// wall-clock time with its offset and as the UTC instant, so a wrong offset cannot hide.
interface Moment {
  readonly local: string;
  readonly utc: string;
}

interface Summary {
  readonly isOpen: boolean;
  readonly closesAt?: Moment;
  readonly opensAt?: Moment;
  readonly reason?: 'holiday' | 'closedDate' | 'outsideHours';
  readonly holiday?: LegalHolidayId;
}

function moment(dateTime: DateTime, zone: string): Moment {
  expect(dateTime.zoneName).toBe(zone);
  return { local: dateTime.toISO() ?? 'invalid', utc: dateTime.toUTC().toISO() ?? 'invalid' };
}

function summarise(status: CentreStatus, zone = 'Europe/Brussels'): Summary {
  if (status.isOpen) return { isOpen: true, closesAt: moment(status.closesAt, zone) };
  return {
    isOpen: false,
    reason: status.reason,
    ...(status.holiday ? { holiday: status.holiday } : {}),
    ...(status.opensAt ? { opensAt: moment(status.opensAt, zone) } : {}),
  };
}

const openUntil = (local: string, utc: string): Summary => ({ isOpen: true, closesAt: { local, utc } });
const closedUntil = (local: string, utc: string): Summary => ({
  isOpen: false,
  reason: 'outsideHours',
  opensAt: { local, utc },
});
const holidayUntil = (holiday: LegalHolidayId, local: string, utc: string): Summary => ({
  isOpen: false,
  reason: 'holiday',
  holiday,
  opensAt: { local, utc },
});

/** [behaviour, now as a UTC instant, expected status] */
type Case = readonly [name: string, now: string, expected: Summary];

const r = (start: string, end: string): TimeRange => ({ start, end });

const statusAt = (now: string, schedule: OpeningSchedule = DEFAULT_SCHEDULE): Summary =>
  summarise(getCentreStatus(schedule, new Date(now)), schedule.zone);

describe('DEFAULT_SCHEDULE', () => {
  it('is Monday to Friday 07:00–20:00 in Brussels, closed at weekends and on legal holidays', () => {
    const weekday: readonly TimeRange[] = [{ start: '07:00', end: '20:00' }];
    expect(DEFAULT_SCHEDULE).toEqual({
      zone: 'Europe/Brussels',
      weekly: { 1: weekday, 2: weekday, 3: weekday, 4: weekday, 5: weekday, 6: [], 7: [] },
      closedOnLegalHolidays: true,
      extraClosedDates: [],
    });
  });

  it('cannot be changed at run time by accident', () => {
    expect(Object.isFrozen(DEFAULT_SCHEDULE)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SCHEDULE.weekly)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SCHEDULE.weekly[1])).toBe(true);
  });
});

describe('getCentreStatus on ordinary days (default schedule)', () => {
  it.each<Case>([
    [
      'is open on a weekday morning and closes at 20:00',
      '2026-03-04T09:30:00.000Z', // Wed 10:30 CET
      openUntil('2026-03-04T20:00:00.000+01:00', '2026-03-04T19:00:00.000Z'),
    ],
    [
      'is open on a summer weekday and closes at 20:00 summer time',
      '2026-06-17T10:00:00.000Z', // Wed 12:00 CEST
      openUntil('2026-06-17T20:00:00.000+02:00', '2026-06-17T18:00:00.000Z'),
    ],
    [
      'is closed just before 07:00 and opens the same day at 07:00',
      '2026-03-04T05:59:59.999Z', // Wed 06:59:59.999 CET
      closedUntil('2026-03-04T07:00:00.000+01:00', '2026-03-04T06:00:00.000Z'),
    ],
    [
      'is open at exactly 07:00:00.000',
      '2026-03-04T06:00:00.000Z',
      openUntil('2026-03-04T20:00:00.000+01:00', '2026-03-04T19:00:00.000Z'),
    ],
    [
      'is still open at 19:59:59.999',
      '2026-03-04T18:59:59.999Z',
      openUntil('2026-03-04T20:00:00.000+01:00', '2026-03-04T19:00:00.000Z'),
    ],
    [
      'is closed at exactly 20:00:00.000 and opens the next day at 07:00',
      '2026-03-04T19:00:00.000Z',
      closedUntil('2026-03-05T07:00:00.000+01:00', '2026-03-05T06:00:00.000Z'),
    ],
    [
      'is closed in the evening and opens the next day at 07:00',
      '2026-03-04T21:30:00.000Z', // Wed 22:30 CET
      closedUntil('2026-03-05T07:00:00.000+01:00', '2026-03-05T06:00:00.000Z'),
    ],
    [
      'is closed after midnight (still the previous day in UTC) and opens that morning',
      '2026-03-04T23:30:00.000Z', // Thu 00:30 CET
      closedUntil('2026-03-05T07:00:00.000+01:00', '2026-03-05T06:00:00.000Z'),
    ],
    [
      'is closed on Friday evening and opens on Monday at 07:00',
      '2026-03-06T19:30:00.000Z', // Fri 20:30 CET
      closedUntil('2026-03-09T07:00:00.000+01:00', '2026-03-09T06:00:00.000Z'),
    ],
    [
      'is closed on Saturday and opens on Monday at 07:00',
      '2026-03-07T11:00:00.000Z',
      closedUntil('2026-03-09T07:00:00.000+01:00', '2026-03-09T06:00:00.000Z'),
    ],
    [
      'is closed on Sunday during the day hours and opens on Monday at 07:00',
      '2026-03-08T10:00:00.000Z',
      closedUntil('2026-03-09T07:00:00.000+01:00', '2026-03-09T06:00:00.000Z'),
    ],
    [
      'is closed in the last millisecond of Sunday and opens on Monday at 07:00',
      '2026-03-08T22:59:59.999Z',
      closedUntil('2026-03-09T07:00:00.000+01:00', '2026-03-09T06:00:00.000Z'),
    ],
  ])('%s', (_, now, expected) => {
    expect(statusAt(now)).toEqual(expected);
  });
});

describe('getCentreStatus on Belgian legal holidays (default schedule)', () => {
  it.each<Case>([
    [
      'is closed on Easter Monday 2026 and opens Tuesday at 07:00',
      '2026-04-06T08:00:00.000Z',
      holidayUntil('easterMonday', '2026-04-07T07:00:00.000+02:00', '2026-04-07T05:00:00.000Z'),
    ],
    [
      'is closed from the first millisecond of Easter Monday 2026',
      '2026-04-05T22:00:00.000Z', // Mon 00:00 CEST
      holidayUntil('easterMonday', '2026-04-07T07:00:00.000+02:00', '2026-04-07T05:00:00.000Z'),
    ],
    [
      'is closed until the last millisecond of Easter Monday 2026',
      '2026-04-06T21:59:59.999Z', // Mon 23:59:59.999 CEST
      holidayUntil('easterMonday', '2026-04-07T07:00:00.000+02:00', '2026-04-07T05:00:00.000Z'),
    ],
    [
      'is open on Good Friday 2026, which is not a legal holiday',
      '2026-04-03T08:00:00.000Z',
      openUntil('2026-04-03T20:00:00.000+02:00', '2026-04-03T18:00:00.000Z'),
    ],
    [
      'is closed on the Friday evening before Easter 2026 and opens on the Tuesday after Easter Monday',
      '2026-04-03T18:00:00.000Z', // Fri 20:00 CEST
      closedUntil('2026-04-07T07:00:00.000+02:00', '2026-04-07T05:00:00.000Z'),
    ],
    [
      'is closed on Labour Day 2026 (a Friday) and opens on Monday 4 May',
      '2026-05-01T08:00:00.000Z',
      holidayUntil('labourDay', '2026-05-04T07:00:00.000+02:00', '2026-05-04T05:00:00.000Z'),
    ],
    [
      'is closed on Ascension 2026 (Thursday 14 May) and opens on Friday at 07:00',
      '2026-05-14T10:00:00.000Z',
      holidayUntil('ascension', '2026-05-15T07:00:00.000+02:00', '2026-05-15T05:00:00.000Z'),
    ],
    [
      'is closed on Whit Monday 2026 (25 May) and opens on Tuesday at 07:00',
      '2026-05-25T06:00:00.000Z',
      holidayUntil('whitMonday', '2026-05-26T07:00:00.000+02:00', '2026-05-26T05:00:00.000Z'),
    ],
    [
      'is closed on the National Day 2026 (Tuesday 21 July) and opens on Wednesday at 07:00',
      '2026-07-21T12:00:00.000Z',
      holidayUntil('nationalDay', '2026-07-22T07:00:00.000+02:00', '2026-07-22T05:00:00.000Z'),
    ],
    [
      'is closed on Armistice Day 2026 (Wednesday 11 November) and opens on Thursday at 07:00',
      '2026-11-11T09:00:00.000Z',
      holidayUntil('armistice', '2026-11-12T07:00:00.000+01:00', '2026-11-12T06:00:00.000Z'),
    ],
    [
      'is closed on Christmas 2026 (a Friday) and opens on Monday 28 December',
      '2026-12-25T09:00:00.000Z',
      holidayUntil('christmas', '2026-12-28T07:00:00.000+01:00', '2026-12-28T06:00:00.000Z'),
    ],
    [
      'is closed on Christmas Eve 2026 evening and opens on Monday 28 December',
      '2026-12-24T19:30:00.000Z',
      closedUntil('2026-12-28T07:00:00.000+01:00', '2026-12-28T06:00:00.000Z'),
    ],
    [
      'is closed on New Year’s Eve 2025 evening and opens on Friday 2 January 2026',
      '2025-12-31T20:00:00.000Z',
      closedUntil('2026-01-02T07:00:00.000+01:00', '2026-01-02T06:00:00.000Z'),
    ],
    [
      'is closed on New Year’s Day 2026 and opens on Friday 2 January',
      '2026-01-01T10:00:00.000Z',
      holidayUntil('newYear', '2026-01-02T07:00:00.000+01:00', '2026-01-02T06:00:00.000Z'),
    ],
    [
      'is closed on New Year’s Eve 2026 evening and opens on Monday 4 January 2027',
      '2026-12-31T19:30:00.000Z', // Thu 20:30 CET
      closedUntil('2027-01-04T07:00:00.000+01:00', '2027-01-04T06:00:00.000Z'),
    ],
    [
      'is outside hours in the last millisecond of 2026 in Brussels',
      '2026-12-31T22:59:59.999Z',
      closedUntil('2027-01-04T07:00:00.000+01:00', '2027-01-04T06:00:00.000Z'),
    ],
    [
      'is on holiday from midnight of New Year 2027 in Brussels, while it is still 2026 in UTC',
      '2026-12-31T23:00:00.000Z',
      holidayUntil('newYear', '2027-01-04T07:00:00.000+01:00', '2027-01-04T06:00:00.000Z'),
    ],
  ])('%s', (_, now, expected) => {
    expect(statusAt(now)).toEqual(expected);
  });

  it.each<Case>([
    [
      'is open on the Flemish Community day (Friday 11 July 2025)',
      '2025-07-11T10:00:00.000Z',
      openUntil('2025-07-11T20:00:00.000+02:00', '2025-07-11T18:00:00.000Z'),
    ],
    [
      'is open on the French Community day (Monday 27 September 2027)',
      '2027-09-27T10:00:00.000Z',
      openUntil('2027-09-27T20:00:00.000+02:00', '2027-09-27T18:00:00.000Z'),
    ],
    [
      'is open on the German-speaking Community day / King’s Feast (Monday 15 November 2027)',
      '2027-11-15T10:00:00.000Z',
      openUntil('2027-11-15T20:00:00.000+01:00', '2027-11-15T19:00:00.000Z'),
    ],
    [
      'is open on All Souls’ Day (Monday 2 November 2026)',
      '2026-11-02T10:00:00.000Z',
      openUntil('2026-11-02T20:00:00.000+01:00', '2026-11-02T19:00:00.000Z'),
    ],
    [
      'is open on Boxing Day (Friday 26 December 2025)',
      '2025-12-26T10:00:00.000Z',
      openUntil('2025-12-26T20:00:00.000+01:00', '2025-12-26T19:00:00.000Z'),
    ],
  ])('%s, which is not a legal holiday', (_, now, expected) => {
    expect(statusAt(now)).toEqual(expected);
  });
});

describe('getCentreStatus across daylight-saving changes (default schedule)', () => {
  it.each<Case>([
    // Spring 2026: Sunday 29 March, 02:00 CET → 03:00 CEST (01:00Z).
    [
      'is open on the Friday before the spring change until 20:00 CET',
      '2026-03-27T18:59:59.999Z',
      openUntil('2026-03-27T20:00:00.000+01:00', '2026-03-27T19:00:00.000Z'),
    ],
    [
      'is closed on the Friday evening before the spring change and opens Monday 07:00 CEST',
      '2026-03-27T19:00:00.000Z',
      closedUntil('2026-03-30T07:00:00.000+02:00', '2026-03-30T05:00:00.000Z'),
    ],
    [
      'is closed just before the clocks go forward and opens Monday 07:00 CEST',
      '2026-03-29T00:59:59.999Z', // Sun 01:59:59.999 CET
      closedUntil('2026-03-30T07:00:00.000+02:00', '2026-03-30T05:00:00.000Z'),
    ],
    [
      'is closed just after the clocks go forward and opens Monday 07:00 CEST',
      '2026-03-29T01:00:00.000Z', // Sun 03:00 CEST
      closedUntil('2026-03-30T07:00:00.000+02:00', '2026-03-30T05:00:00.000Z'),
    ],
    [
      'is closed at 06:30 Brussels on Monday 30 March 2026 (04:30Z)',
      '2026-03-30T04:30:00.000Z',
      closedUntil('2026-03-30T07:00:00.000+02:00', '2026-03-30T05:00:00.000Z'),
    ],
    [
      'is open at 07:00 Brussels on Monday 30 March 2026 (05:00Z)',
      '2026-03-30T05:00:00.000Z',
      openUntil('2026-03-30T20:00:00.000+02:00', '2026-03-30T18:00:00.000Z'),
    ],
    [
      'is closed at 20:00 CEST on Monday 30 March 2026 (18:00Z) and opens Tuesday',
      '2026-03-30T18:00:00.000Z',
      closedUntil('2026-03-31T07:00:00.000+02:00', '2026-03-31T05:00:00.000Z'),
    ],
    [
      'is open on the Friday after the spring change until 20:00 CEST',
      '2026-04-03T17:59:59.999Z',
      openUntil('2026-04-03T20:00:00.000+02:00', '2026-04-03T18:00:00.000Z'),
    ],
    // Autumn 2026: Sunday 25 October, 03:00 CEST → 02:00 CET (01:00Z).
    [
      'is open on the Friday before the autumn change until 20:00 CEST',
      '2026-10-23T17:59:59.999Z',
      openUntil('2026-10-23T20:00:00.000+02:00', '2026-10-23T18:00:00.000Z'),
    ],
    [
      'is closed on the Friday evening before the autumn change and opens Monday 07:00 CET',
      '2026-10-23T18:00:00.000Z',
      closedUntil('2026-10-26T07:00:00.000+01:00', '2026-10-26T06:00:00.000Z'),
    ],
    [
      'is closed in the first 02:30 of the autumn change and opens Monday 07:00 CET',
      '2026-10-25T00:30:00.000Z', // Sun 02:30 CEST
      closedUntil('2026-10-26T07:00:00.000+01:00', '2026-10-26T06:00:00.000Z'),
    ],
    [
      'is closed in the repeated 02:30 of the autumn change and opens Monday 07:00 CET',
      '2026-10-25T01:30:00.000Z', // Sun 02:30 CET
      closedUntil('2026-10-26T07:00:00.000+01:00', '2026-10-26T06:00:00.000Z'),
    ],
    [
      'is closed at 06:59 Brussels on Monday 26 October 2026 (05:59Z)',
      '2026-10-26T05:59:00.000Z',
      closedUntil('2026-10-26T07:00:00.000+01:00', '2026-10-26T06:00:00.000Z'),
    ],
    [
      'is closed at 05:30Z on Monday 26 October 2026, which would be 07:30 in summer time',
      '2026-10-26T05:30:00.000Z',
      closedUntil('2026-10-26T07:00:00.000+01:00', '2026-10-26T06:00:00.000Z'),
    ],
    [
      'is open at 07:00 Brussels on Monday 26 October 2026 (06:00Z)',
      '2026-10-26T06:00:00.000Z',
      openUntil('2026-10-26T20:00:00.000+01:00', '2026-10-26T19:00:00.000Z'),
    ],
    [
      'is still open at 18:30Z on Monday 26 October 2026, which would be 20:30 in summer time',
      '2026-10-26T18:30:00.000Z',
      openUntil('2026-10-26T20:00:00.000+01:00', '2026-10-26T19:00:00.000Z'),
    ],
    [
      'is open on the Friday after the autumn change until 20:00 CET',
      '2026-10-30T18:59:59.999Z',
      openUntil('2026-10-30T20:00:00.000+01:00', '2026-10-30T19:00:00.000Z'),
    ],
    [
      'is closed on the Friday evening after the autumn change and opens Monday 2 November',
      '2026-10-30T19:00:00.000Z',
      closedUntil('2026-11-02T07:00:00.000+01:00', '2026-11-02T06:00:00.000Z'),
    ],
    // Spring 2027: the change falls on Easter Sunday, 28 March, followed by Easter Monday.
    [
      'is closed from Friday before Easter 2027, over the spring change and Easter Monday, until Tuesday 07:00 CEST',
      '2027-03-26T19:00:00.000Z', // Fri 20:00 CET
      closedUntil('2027-03-30T07:00:00.000+02:00', '2027-03-30T05:00:00.000Z'),
    ],
    [
      'is closed on Easter Monday 2027, the day after the spring change, and opens Tuesday 07:00 CEST',
      '2027-03-29T08:00:00.000Z',
      holidayUntil('easterMonday', '2027-03-30T07:00:00.000+02:00', '2027-03-30T05:00:00.000Z'),
    ],
  ])('%s', (_, now, expected) => {
    expect(statusAt(now)).toEqual(expected);
  });
});

describe('getCentreStatus with configured schedules', () => {
  const weekly = (spec: string): OpeningSchedule['weekly'] => {
    const parsed = parseWeeklyHours(spec);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.value;
  };
  const schedule = (overrides: Partial<OpeningSchedule>): OpeningSchedule => ({ ...DEFAULT_SCHEDULE, ...overrides });

  it('is open on Easter Monday when legal holidays are not closing days', () => {
    expect(statusAt('2026-04-06T08:00:00.000Z', schedule({ closedOnLegalHolidays: false }))).toEqual(
      openUntil('2026-04-06T20:00:00.000+02:00', '2026-04-06T18:00:00.000Z'),
    );
  });

  it('is closed on an extra closed date and skips the holiday and weekend after it', () => {
    const withClosedEve = schedule({ extraClosedDates: ['2026-12-24'] });
    expect(statusAt('2026-12-24T09:00:00.000Z', withClosedEve)).toEqual({
      isOpen: false,
      reason: 'closedDate',
      opensAt: { local: '2026-12-28T07:00:00.000+01:00', utc: '2026-12-28T06:00:00.000Z' },
    });
  });

  it('skips an extra closed date when finding the next opening after a holiday', () => {
    const withClosedTuesday = schedule({ extraClosedDates: ['2026-04-07'] });
    expect(statusAt('2026-04-06T08:00:00.000Z', withClosedTuesday)).toEqual(
      holidayUntil('easterMonday', '2026-04-08T07:00:00.000+02:00', '2026-04-08T05:00:00.000Z'),
    );
  });

  it('reports a legal holiday that is also an extra closed date as a holiday', () => {
    const alsoClosedOnChristmas = schedule({ extraClosedDates: ['2026-12-25'] });
    expect(statusAt('2026-12-25T09:00:00.000Z', alsoClosedOnChristmas)).toEqual(
      holidayUntil('christmas', '2026-12-28T07:00:00.000+01:00', '2026-12-28T06:00:00.000Z'),
    );
  });

  const splitShifts = schedule({ weekly: weekly('mon-thu 08:00-12:00,13:00-17:00; fri 08:00-12:00') });

  it.each<Case>([
    [
      'is open in the morning shift and closes at 12:00',
      '2026-05-04T09:00:00.000Z', // Mon 11:00 CEST
      openUntil('2026-05-04T12:00:00.000+02:00', '2026-05-04T10:00:00.000Z'),
    ],
    [
      'is closed over lunch and opens the same day at 13:00',
      '2026-05-04T10:30:00.000Z', // Mon 12:30 CEST
      closedUntil('2026-05-04T13:00:00.000+02:00', '2026-05-04T11:00:00.000Z'),
    ],
    [
      'is open in the afternoon shift and closes at 17:00',
      '2026-05-04T11:00:00.000Z', // Mon 13:00 CEST
      openUntil('2026-05-04T17:00:00.000+02:00', '2026-05-04T15:00:00.000Z'),
    ],
    [
      'is closed on Friday afternoon and opens on Monday at 08:00',
      '2026-05-08T10:00:00.000Z', // Fri 12:00 CEST
      closedUntil('2026-05-11T08:00:00.000+02:00', '2026-05-11T06:00:00.000Z'),
    ],
  ])('with split shifts, %s', (_, now, expected) => {
    expect(statusAt(now, splitShifts)).toEqual(expected);
  });

  it('treats touching ranges as one opening and reports the real closing time', () => {
    const touching = schedule({ weekly: weekly('mon-fri 08:00-12:00,12:00-17:00') });
    expect(statusAt('2026-05-04T09:00:00.000Z', touching)).toEqual(
      openUntil('2026-05-04T17:00:00.000+02:00', '2026-05-04T15:00:00.000Z'),
    );
  });

  it('closes at midnight when a range ends at 24:00', () => {
    const lateSunday = schedule({ weekly: weekly('sun 18:00-24:00') });
    expect(statusAt('2026-03-08T21:00:00.000Z', lateSunday)).toEqual(
      openUntil('2026-03-09T00:00:00.000+01:00', '2026-03-08T23:00:00.000Z'),
    );
  });

  it.each<Case>([
    [
      'is open after the clocks go forward inside a range and closes at 04:00 CEST',
      '2026-03-29T01:30:00.000Z', // Sun 03:30 CEST
      openUntil('2026-03-29T04:00:00.000+02:00', '2026-03-29T02:00:00.000Z'),
    ],
    [
      'is open before the clocks go back inside a range and closes at 04:00 CET',
      '2026-10-25T00:30:00.000Z', // Sun 02:30 CEST
      openUntil('2026-10-25T04:00:00.000+01:00', '2026-10-25T03:00:00.000Z'),
    ],
    [
      'is closed after the range on the autumn change and, as All Saints falls on Sunday 1 November, opens on 8 November',
      '2026-10-25T03:00:00.000Z', // Sun 04:00 CET
      closedUntil('2026-11-08T01:00:00.000+01:00', '2026-11-08T00:00:00.000Z'),
    ],
  ])('with a Sunday night range, %s', (_, now, expected) => {
    const sundayNights = schedule({ weekly: weekly('sun 01:00-04:00') });
    expect(statusAt(now, sundayNights)).toEqual(expected);
  });

  it('works in another zone, across that zone’s own DST change', () => {
    const newYork = schedule({
      zone: 'America/New_York',
      weekly: weekly('mon-fri 09:00-17:00'),
      closedOnLegalHolidays: false,
    });
    // US clocks went forward on Sunday 8 March 2026; Friday 6 March was still EST.
    expect(statusAt('2026-03-06T22:30:00.000Z', newYork)).toEqual(
      closedUntil('2026-03-09T09:00:00.000-04:00', '2026-03-09T13:00:00.000Z'),
    );
    expect(statusAt('2026-03-09T13:00:00.000Z', newYork)).toEqual(
      openUntil('2026-03-09T17:00:00.000-04:00', '2026-03-09T21:00:00.000Z'),
    );
  });

  it('never opens when no day has opening hours', () => {
    const neverOpen = schedule({ weekly: { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] } });
    expect(statusAt('2026-03-04T09:00:00.000Z', neverOpen)).toEqual({ isOpen: false, reason: 'outsideHours' });
  });

  const closedDays = (first: string, count: number): string[] =>
    Array.from({ length: count }, (_, i) => DateTime.fromISO(first).plus({ days: i }).toISODate() ?? '');

  it('finds an opening 400 days ahead', () => {
    // Closed from Thursday 5 March 2026 for 399 days: the next opening is day 400.
    const longClosure = schedule({
      closedOnLegalHolidays: false,
      weekly: weekly('mon-sun 07:00-20:00'),
      extraClosedDates: closedDays('2026-03-05', 399),
    });
    expect(statusAt('2026-03-04T20:00:00.000Z', longClosure)).toEqual(
      closedUntil('2027-04-08T07:00:00.000+02:00', '2027-04-08T05:00:00.000Z'),
    );
  });

  it('gives no opening time when nothing opens within 400 days', () => {
    const longerClosure = schedule({
      closedOnLegalHolidays: false,
      weekly: weekly('mon-sun 07:00-20:00'),
      extraClosedDates: closedDays('2026-03-05', 400),
    });
    expect(statusAt('2026-03-04T20:00:00.000Z', longerClosure)).toEqual({ isOpen: false, reason: 'outsideHours' });
  });

  it.each<[string, OpeningSchedule]>([
    ['an unknown time zone', schedule({ zone: 'Europe/Bruxelles' })],
    ['a malformed extra closed date', schedule({ extraClosedDates: ['24/12/2026'] })],
    ['an impossible extra closed date', schedule({ extraClosedDates: ['2026-02-30'] })],
    ['a range ending before it starts', schedule({ weekly: { ...DEFAULT_SCHEDULE.weekly, 1: [r('20:00', '07:00')] } })],
    ['a malformed time', schedule({ weekly: { ...DEFAULT_SCHEDULE.weekly, 2: [r('7:00', '20:00')] } })],
  ])('throws on a schedule with %s, a configuration bug', (_, badSchedule) => {
    expect(() => getCentreStatus(badSchedule, new Date('2026-03-04T09:00:00.000Z'))).toThrow();
  });

  it('throws on an invalid "now"', () => {
    expect(() => getCentreStatus(DEFAULT_SCHEDULE, new Date('not a date'))).toThrow(RangeError);
  });
});

describe('parseWeeklyHours', () => {
  const closed: readonly TimeRange[] = [];
  const week = (days: Partial<Record<Weekday, readonly TimeRange[]>>): Record<Weekday, readonly TimeRange[]> => ({
    1: closed,
    2: closed,
    3: closed,
    4: closed,
    5: closed,
    6: closed,
    7: closed,
    ...days,
  });
  const fullDay = [r('07:00', '20:00')];
  const midday = [r('10:00', '14:00')];
  const weekdays = week({ 1: fullDay, 2: fullDay, 3: fullDay, 4: fullDay, 5: fullDay });
  const twoShifts = [r('08:00', '12:00'), r('13:00', '17:00')];

  it.each<[string, string, Record<Weekday, readonly TimeRange[]>]>([
    ['a weekday range', 'mon-fri 07:00-20:00', weekdays],
    [
      'split shifts and a short Friday',
      'mon-thu 08:00-12:00,13:00-17:00; fri 08:00-12:00',
      week({ 1: twoShifts, 2: twoShifts, 3: twoShifts, 4: twoShifts, 5: [r('08:00', '12:00')] }),
    ],
    [
      'single days, ranges and Saturday morning',
      'mon 07:00-20:00; tue-fri 07:00-20:00; sat 09:00-12:00',
      { ...weekdays, 6: [r('09:00', '12:00')] },
    ],
    ['mixed-case day names', 'MON-Fri 07:00-20:00', weekdays],
    ['a list of days', 'sat,sun 10:00-14:00', week({ 6: midday, 7: midday })],
    ['lists mixing days and ranges', 'mon, wed-thu 10:00-14:00', week({ 1: midday, 3: midday, 4: midday })],
    [
      'spaces around separators',
      '  mon - fri  08:00 - 12:00 , 13:00-17:00 ;  ',
      week({ 1: twoShifts, 2: twoShifts, 3: twoShifts, 4: twoShifts, 5: twoShifts }),
    ],
    ['ranges out of order, which are sorted', 'wed 13:00-17:00,08:00-12:00', week({ 3: twoShifts })],
    ['touching ranges', 'wed 08:00-12:00,12:00-17:00', week({ 3: [r('08:00', '12:00'), r('12:00', '17:00')] })],
    ['a whole day up to 24:00', 'sun 00:00-24:00', week({ 7: [r('00:00', '24:00')] })],
  ])('accepts %s: "%s"', (_, spec, expected) => {
    expect(parseWeeklyHours(spec)).toEqual({ ok: true, value: expected });
  });

  it('parses the default hours to the default schedule', () => {
    expect(parseWeeklyHours('mon-fri 07:00-20:00')).toEqual({ ok: true, value: DEFAULT_SCHEDULE.weekly });
  });

  it.each<[string, string, readonly string[]]>([
    ['an empty string', '', ['empty']],
    ['only separators', ' ; ; ', ['empty']],
    ['an unknown day', 'mon-fro 07:00-20:00', ['Unknown day "fro"', 'mon-fro 07:00-20:00']],
    ['a full day name', 'monday 07:00-20:00', ['Unknown day "monday"']],
    ['an inherited object property as a day', 'constructor 07:00-20:00', ['Unknown day "constructor"']],
    ['days without hours', 'mon-fri', ['"mon-fri" has no opening hours']],
    ['hours without days', '07:00-20:00', ['"07:00-20:00" names no day']],
    ['a time without a leading zero', 'mon-fri 7:00-20:00', ['"7:00"', 'HH:mm']],
    ['an hour past 24', 'mon-fri 07:00-25:00', ['"25:00"', 'end time']],
    ['minutes past 59', 'mon-fri 07:60-20:00', ['"07:60"', 'start time']],
    ['24:00 as a start', 'sun 24:00-24:00', ['"24:00"', 'start time']],
    ['a range ending before it starts', 'mon-fri 20:00-07:00', ['"20:00-07:00"', 'end after it starts']],
    ['an empty range', 'mon-fri 07:00-07:00', ['"07:00-07:00"', 'end after it starts']],
    ['a time without an end', 'mon-fri 07:00', ['"07:00"', 'not a time range']],
    ['a trailing comma', 'mon-fri 07:00-20:00,', ['"" in "mon-fri 07:00-20:00,"', 'not a time range']],
    ['overlapping ranges', 'mon-fri 08:00-12:00,11:00-17:00', ['"08:00-12:00"', '"11:00-17:00"', 'overlap']],
    [
      'a day listed twice in two parts',
      'mon-fri 07:00-20:00; fri 08:00-12:00',
      ['"fri" is listed twice', '"mon-fri 07:00-20:00"', '"fri 08:00-12:00"'],
    ],
    ['a day listed twice in one part', 'mon,mon-tue 07:00-20:00', ['"mon" is listed twice']],
    ['a backwards day range', 'fri-mon 07:00-20:00', ['"fri-mon"', 'backwards']],
    ['a malformed day list', 'mon-tue-wed 07:00-20:00', ['"mon-tue-wed"', 'not a day']],
  ])('rejects %s ("%s") and names the offending part', (_, spec, fragments) => {
    const result = parseWeeklyHours(spec);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    for (const fragment of fragments) expect(result.error).toContain(fragment);
  });
});
