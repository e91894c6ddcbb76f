import { describe, expect, it } from 'vitest';
import { parseReferenceNumber, referenceNumberSchema } from '../../src/identity/index.js';

describe('parseReferenceNumber', () => {
  it.each([
    ['REF-2026-000123', 'REF-2026-000123'],
    ['  ab   12  ', 'ab 12'],
    ['Ticket: 2026/000123', 'Ticket: 2026/000123'],
    ['#12345', '#12345'],
    ['line\nbreak 42', 'line break 42'], // pasted from an e-mail
    ['abc', 'abc'], // shortest accepted
    ['R'.repeat(64), 'R'.repeat(64)], // longest accepted
    ['Réf. n° 123', 'Réf. n° 123'],
  ])('accepts %j as %j', (typed, expected) => {
    expect(parseReferenceNumber(typed)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['<b>123</b>'],
    ['12 > 3'],
    ['ab\u0000c'],
    ['abc\u001b[31m'],
    ['\u202Eabc123'], // a right-to-left override would make the printed listing lie
    ['abc\u200B123'], // zero-width space
  ])('rejects %j with characters', (typed) => {
    expect(parseReferenceNumber(typed)).toEqual({ ok: false, error: 'characters' });
  });

  it.each([[''], ['   '], ['\n\t ']])('rejects %j with empty', (typed) => {
    expect(parseReferenceNumber(typed)).toEqual({ ok: false, error: 'empty' });
  });

  it.each([
    ['2 characters', 'ab'],
    ['2 characters once trimmed', '   ab   '],
    ['65 characters', 'R'.repeat(65)],
    ['a pasted e-mail', 'R'.repeat(10_000)],
  ])('rejects %s with length', (_case, typed) => {
    expect(parseReferenceNumber(typed)).toEqual({ ok: false, error: 'length' });
  });
});

describe('referenceNumberSchema', () => {
  it('outputs the normalised reference number', () => {
    expect(referenceNumberSchema.parse('  REF   123 ')).toBe('REF 123');
  });

  it('rejects markup with the error code as message', () => {
    const result = referenceNumberSchema.safeParse('<i>123</i>');
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(['characters']);
  });
});
