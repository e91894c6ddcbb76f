import { describe, expect, it } from 'vitest';
import { declarationNumberSchema, parseDeclarationNumber } from '../../src/identity/index.js';

describe('parseDeclarationNumber', () => {
  it.each([
    ['abc 123-456.7890x', 'ABC1234567890X'],
    ['ABC1234567890', 'ABC1234567890'], // the 13-character form seen in public web-service code
    ['  abc/123/456  ', 'ABC123456'],
    ['ABCD', 'ABCD'], // shortest accepted
    ['1234', '1234'],
    ['A'.repeat(30), 'A'.repeat(30)], // longest accepted
    ['abc\u00A0123\u2013456', 'ABC123456'],
  ])('normalises %j to %s', (typed, expected) => {
    expect(parseDeclarationNumber(typed)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['ÀBC1234'],
    ['straße12'], // would upper-case to STRASSE12, which the user did not type
    ['ﬁle1234'],
    ['<script>'],
    ['ABC_123'],
    ['ABC\t123'],
    ['ABC123\u0000'],
  ])('rejects %j with characters', (typed) => {
    expect(parseDeclarationNumber(typed)).toEqual({ ok: false, error: 'characters' });
  });

  it.each([[''], ['   '], [' - . / ']])('rejects %j with empty', (typed) => {
    expect(parseDeclarationNumber(typed)).toEqual({ ok: false, error: 'empty' });
  });

  it.each([
    ['3 characters', 'ABC'],
    ['3 characters once separators are removed', 'A-B-C'],
    ['31 characters', 'A'.repeat(31)],
    ['a pasted paragraph', 'A'.repeat(10_000)],
  ])('rejects %s with length', (_case, typed) => {
    expect(parseDeclarationNumber(typed)).toEqual({ ok: false, error: 'length' });
  });
});

describe('declarationNumberSchema', () => {
  it('outputs the normalised number', () => {
    expect(declarationNumberSchema.parse('abc 123-456.7890x')).toBe('ABC1234567890X');
  });

  it('keeps a stored, already normalised number unchanged', () => {
    expect(declarationNumberSchema.parse('ABC1234567890X')).toBe('ABC1234567890X');
  });

  it.each([
    ['ab', 'length'],
    ['ab$cd', 'characters'],
  ])('rejects %j with the error code %s as message', (typed, error) => {
    const result = declarationNumberSchema.safeParse(typed);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([error]);
  });

  it('rejects a non-string', () => {
    expect(declarationNumberSchema.safeParse(1234567890123).success).toBe(false);
  });
});
