import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import {
  type LegalHolidayId,
  easterSunday,
  legalHolidayOn,
  legalHolidays,
} from '../../src/contactCentre/index.js';

describe('easterSunday', () => {
  it.each([
    [2000, 4, 23],
    [2008, 3, 23],
    [2011, 4, 24],
    [2019, 4, 21],
    [2024, 3, 31],
    [2025, 4, 20],
    [2026, 4, 5],
    [2027, 3, 28],
    [2038, 4, 25],
    [2285, 3, 22], // earliest possible date
  ])('puts Easter %i on month %i, day %i', (year, month, day) => {
    expect(easterSunday(year)).toEqual({ month, day });
  });

  it.each([1582, 10000, 2026.5, Number.NaN])('refuses year %s outside the Gregorian four-digit range', (year) => {
    expect(() => easterSunday(year)).toThrow(RangeError);
  });
});

describe('legalHolidays', () => {
  it('lists the ten legal holidays of 2026 in calendar order', () => {
    expect(legalHolidays(2026)).toEqual([
      { id: 'newYear', date: '2026-01-01' },
      { id: 'easterMonday', date: '2026-04-06' },
      { id: 'labourDay', date: '2026-05-01' },
      { id: 'ascension', date: '2026-05-14' },
      { id: 'whitMonday', date: '2026-05-25' },
      { id: 'nationalDay', date: '2026-07-21' },
      { id: 'assumption', date: '2026-08-15' },
      { id: 'allSaints', date: '2026-11-01' },
      { id: 'armistice', date: '2026-11-11' },
      { id: 'christmas', date: '2026-12-25' },
    ]);
  });

  it('lists the ten legal holidays of 2027 in calendar order', () => {
    expect(legalHolidays(2027)).toEqual([
      { id: 'newYear', date: '2027-01-01' },
      { id: 'easterMonday', date: '2027-03-29' },
      { id: 'labourDay', date: '2027-05-01' },
      { id: 'ascension', date: '2027-05-06' },
      { id: 'whitMonday', date: '2027-05-17' },
      { id: 'nationalDay', date: '2027-07-21' },
      { id: 'assumption', date: '2027-08-15' },
      { id: 'allSaints', date: '2027-11-01' },
      { id: 'armistice', date: '2027-11-11' },
      { id: 'christmas', date: '2027-12-25' },
    ]);
  });

  it('returns the same cached, frozen list on every call', () => {
    const first = legalHolidays(2026);
    expect(legalHolidays(2026)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first[0])).toBe(true);
  });

  it('keeps both Labour Day and Ascension when they fall together on 1 May 2008', () => {
    const mayFirst = legalHolidays(2008).filter((h) => h.date === '2008-05-01');
    expect(mayFirst.map((h) => h.id)).toEqual(['labourDay', 'ascension']);
    expect(legalHolidayOn('2008-05-01')).toBe('labourDay');
  });

  it('agrees with the public holidays of the date-holidays package for Belgium, 2000–2100', () => {
    const reference = new Holidays('BE');
    const mismatches: string[] = [];
    for (let year = 2000; year <= 2100; year++) {
      // Duplicates are kept on both sides: in 2008 Ascension and Labour Day are both 1 May.
      const expected = reference
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10)) // 'YYYY-MM-DD hh:mm:ss' in Belgian time
        .sort();
      const actual = legalHolidays(year)
        .map((h) => h.date)
        .sort();
      if (actual.length !== 10 || JSON.stringify(actual) !== JSON.stringify(expected)) {
        mismatches.push(`${year}: ours ${actual.join(',')} / date-holidays ${expected.join(',')}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('legalHolidayOn', () => {
  it.each<[string, LegalHolidayId]>([
    ['2026-01-01', 'newYear'],
    ['2026-04-06', 'easterMonday'],
    ['2026-05-01', 'labourDay'],
    ['2026-05-14', 'ascension'],
    ['2026-05-25', 'whitMonday'],
    ['2026-07-21', 'nationalDay'],
    ['2026-08-15', 'assumption'],
    ['2026-11-01', 'allSaints'],
    ['2026-11-11', 'armistice'],
    ['2026-12-25', 'christmas'],
    ['2027-03-29', 'easterMonday'],
  ])('names %s as %s', (date, id) => {
    expect(legalHolidayOn(date)).toBe(id);
  });

  it.each([
    ['2026-07-11', 'Flemish Community day'],
    ['2026-09-27', 'French Community day'],
    ['2026-11-15', 'German-speaking Community day / King’s Feast'],
    ['2026-04-03', 'Good Friday'],
    ['2026-04-05', 'Easter Sunday'],
    ['2026-05-24', 'Whit Sunday'],
    ['2026-11-02', 'All Souls'],
    ['2026-12-24', 'Christmas Eve'],
    ['2026-12-26', 'Boxing Day'],
    ['2026-12-31', 'New Year’s Eve'],
    ['2026-03-04', 'an ordinary Wednesday'],
  ])('does not treat %s (%s) as a legal holiday', (date) => {
    expect(legalHolidayOn(date)).toBeUndefined();
  });

  it.each(['2026-02-30', '2026-13-01', '2026-4-6', '06/04/2026', '', '2026-04-06T00:00'])(
    'throws on the malformed date "%s" rather than calling it a working day',
    (date) => {
      expect(() => legalHolidayOn(date)).toThrow(RangeError);
    },
  );
});
