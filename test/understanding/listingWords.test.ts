import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { findDateInText, isNo, isYes, parseListingCommand, parseListingDate } from '../../src/understanding/listingWords.js';

const today = DateTime.fromISO('2026-11-27T09:00:00', { zone: 'Europe/Brussels' });

describe('the listing date', () => {
  it.each([
    ['today', '2026-11-27'],
    ["aujourd'hui", '2026-11-27'],
    ['Vandaag', '2026-11-27'],
    ['heute', '2026-11-27'],
    ['1', '2026-11-27'],
    ['26/11/2026', '2026-11-26'],
    ['28.11.2026', '2026-11-28'],
    ['27-11', '2026-11-27'],
    ['27/11/26', '2026-11-27'],
    ['2026-11-26', '2026-11-26'],
  ])('reads %j as %s', (typed, expected) => {
    expect(parseListingDate(typed, today)).toBe(expected);
  });

  it.each([['25/11/2026'], ['29/11/2026'], ['31/02/2026'], ['next week'], ['27/11/2026 please']])(
    'refuses %j (more than a day away, impossible, or not a date)',
    (typed) => {
      expect(parseListingDate(typed, today)).toBeUndefined();
    },
  );
});

describe('a date in a sentence', () => {
  it.each([
    ['my evidence for 26/11/2026', '2026-11-26'],
    ['bewijzen van 2026-11-20', '2026-11-20'],
    ['Nachweise vom 3.11.', '2026-11-03'],
    ['my evidence', '2026-11-27'],
  ])('finds %j as %s', (text, expected) => {
    expect(findDateInText(text, today)).toBe(expected);
  });

  it('says undefined for an impossible date', () => {
    expect(findDateInText('evidence for 31/02/2026', today)).toBeUndefined();
  });
});

describe('worker-loop commands', () => {
  it.each([
    ['done', { kind: 'done' }],
    ['Terminé', { kind: 'done' }],
    ['liste', { kind: 'list' }],
    ['pdf', { kind: 'pdf' }],
    ['remove 2', { kind: 'remove', n: 2 }],
    ['corriger 3', { kind: 'correct', n: 3 }],
    ['85.07.30-033.28', undefined],
    ['the list of workers on site today is long', undefined],
  ])('reads %j', (typed, expected) => {
    expect(parseListingCommand(typed)).toEqual(expected);
  });

  it('tells yes from no in four languages', () => {
    for (const yes of ['oui', 'ja', 'yes', 'Ja, löschen']) expect(isYes(yes)).toBe(true);
    for (const no of ['non', 'nee', 'no', 'Nein, behalten']) expect(isNo(no)).toBe(true);
  });
});
