import { describe, expect, it } from 'vitest';
import { parsePersonName, personNameSchema } from '../../src/identity/index.js';

describe('parsePersonName', () => {
  it.each([
    ["D'Hondt", "D'Hondt"],
    ['D’Hondt', 'D’Hondt'],
    ['Van den Bossche', 'Van den Bossche'],
    ['  Van   den\tBossche  ', 'Van den Bossche'],
    ['Müller-Lüdenscheidt', 'Müller-Lüdenscheidt'],
    ['Ørsted', 'Ørsted'],
    ['Łukasz', 'Łukasz'],
    ['J.-P.', 'J.-P.'],
    ['Ó Súilleabháin', 'Ó Súilleabháin'],
    ['Παπαδόπουλος', 'Παπαδόπουλος'],
    ['Іваненко', 'Іваненко'],
    ['Nguyễn', 'Nguyễn'],
    ['X', 'X'], // shortest accepted
    ['A'.repeat(80), 'A'.repeat(80)], // longest accepted
  ])('accepts %j as %j', (typed, expected) => {
    expect(parsePersonName(typed)).toEqual({ ok: true, value: expected });
  });

  it('stores an accent typed as a combining mark the same as a precomposed one (NFC)', () => {
    const decomposed = 'Jose\u0301';
    expect(parsePersonName(decomposed)).toEqual({ ok: true, value: 'Jos\u00E9' });
  });

  it.each([
    ['R2D2'],
    ['12345'],
    ['<b>Jan</b>'],
    ['Jan; DROP'],
    ['Jan\u0000'],
    ['Jan 😀'],
    ['Jan_Peeters'],
    ['---'], // punctuation only is a typing slip, not a name
    ["'."],
  ])('rejects %j with characters', (typed) => {
    expect(parsePersonName(typed)).toEqual({ ok: false, error: 'characters' });
  });

  it.each([[''], ['   '], ['\n']])('rejects %j with empty', (typed) => {
    expect(parsePersonName(typed)).toEqual({ ok: false, error: 'empty' });
  });

  it.each([
    ['81 letters', 'A'.repeat(81)],
    ['a pasted paragraph', 'A'.repeat(10_000)],
  ])('rejects %s with length', (_case, typed) => {
    expect(parsePersonName(typed)).toEqual({ ok: false, error: 'length' });
  });
});

describe('personNameSchema', () => {
  it('outputs the normalised name', () => {
    expect(personNameSchema.parse('  Van   den Bossche ')).toBe('Van den Bossche');
  });

  it('rejects digits with the error code as message', () => {
    const result = personNameSchema.safeParse('Jan 2');
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(['characters']);
  });

  it('never echoes the name in its issues, which may end up in logs', () => {
    const result = personNameSchema.safeParse('Peeters 2');
    expect(JSON.stringify(result.error?.issues)).not.toContain('Peeters');
  });
});
