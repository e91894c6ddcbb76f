import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  formatWorkerId,
  maskWorkerId,
  parseWorkerId,
  workerIdSchema,
  type WorkerId,
} from '../../src/identity/index.js';
import { buildNationalNumber, checkDigitsFor } from './nationalNumberBuilder.js';

describe('the test helper', () => {
  it.each([
    // Anchors the helper to hand-checked values, so the tables below do not only test the
    // algorithm against a copy of itself.
    ['850730', 33, 1900, '85073003328'],
    ['000101', 1, 2000, '00010100105'],
    ['800101', 8, 1900, '80010100897'],
  ] as const)('builds %s-%i (%i) as %s', (yymmdd, counter, century, expected) => {
    expect(buildNationalNumber(yymmdd, counter, century)).toBe(expected);
  });
});

describe('parseWorkerId: NISS', () => {
  it.each([
    ['850730', 33],
    ['010101', 1],
    ['991231', 999],
    ['500615', 2],
    ['700101', 123],
    ['451111', 777],
    ['660606', 666],
    ['880808', 888],
    ['920229', 10],
    ['930315', 500],
    ['800101', 8], // check value 97 (97 − 0)
  ])('accepts %s-%i born before 2000', (yymmdd, counter) => {
    const digits = buildNationalNumber(yymmdd, counter, 1900);
    expect(parseWorkerId(digits)).toEqual({ ok: true, value: { kind: 'niss', digits } });
  });

  it.each([
    ['000101', 1],
    ['050505', 5],
    ['101010', 100],
    ['150303', 303],
    ['230131', 231],
    ['241224', 998],
  ])('accepts %s-%i born in 2000 or later, where only the 2-prefixed rule matches', (yymmdd, counter) => {
    const digits = buildNationalNumber(yymmdd, counter, 2000);
    expect(digits.slice(9)).not.toBe(checkDigitsFor(digits.slice(0, 9), 1900));
    expect(parseWorkerId(digits)).toEqual({ ok: true, value: { kind: 'niss', digits } });
  });

  it.each([
    ['month unknown', '850030'],
    ['day unknown', '850700'],
    ['month and day unknown', '850000'],
    ['31 February (day counters ran out)', '850231'],
    ['30 February', '850230'],
    ['31 April', '850431'],
  ])('accepts a birth date with %s', (_case, yymmdd) => {
    const digits = buildNationalNumber(yymmdd, 33, 1900);
    expect(parseWorkerId(digits)).toEqual({ ok: true, value: { kind: 'niss', digits } });
  });

  it.each([
    ['85.07.30-033.28'],
    ['85073003328'],
    ['85 07 30 033 28'],
    ['  85.07.30-033.28  '],
    ['85/07/30/033/28'],
    ['85-07-30-033-28'],
    ['85\u00A007\u00A030\u00A0033\u00A028'],
    ['85.07.30\u2013033.28'],
  ])('reads %j as the same number', (typed) => {
    expect(parseWorkerId(typed)).toEqual({ ok: true, value: { kind: 'niss', digits: '85073003328' } });
  });
});

describe('parseWorkerId: BIS', () => {
  it.each([
    ['month + 20 (sex unknown)', '852730', 1900],
    ['month + 40 (sex known)', '854730', 1900],
    ['lowest month 20, birth date unknown', '852000', 1900],
    ['highest month 32', '853215', 1900],
    ['lowest month 40, birth date unknown', '854000', 1900],
    ['highest month 52', '855215', 1900],
    ['month + 20, born in 2000 or later', '132730', 2000],
    ['month + 40, born in 2000 or later', '134730', 2000],
  ] as const)('accepts a BIS number with %s', (_case, yymmdd, century) => {
    const digits = buildNationalNumber(yymmdd, 2, century);
    expect(parseWorkerId(digits)).toEqual({ ok: true, value: { kind: 'bis', digits } });
  });
});

describe('parseWorkerId: Limosa L1', () => {
  it.each([['850730033'], ['8507300332'], ['850730033281'], ['8507300332811']])(
    'refuses %s without a prefix as a mistyped NISS (length), not a Limosa number',
    (typed) => {
      expect(parseWorkerId(typed)).toEqual({ ok: false, error: 'length' });
    },
  );

  it('accepts a 10-digit Limosa number with its L1 prefix', () => {
    expect(parseWorkerId('L1 8507300332')).toEqual({ ok: true, value: { kind: 'limosa', digits: '8507300332' } });
  });

  it.each([
    ['12345678', '12345678'], // shortest accepted
    ['12345678901234567', '12345678901234567'], // the length seen in public web-service code
    ['1234 5678 9012 34567', '12345678901234567'],
    ['123456789012345678901234', '123456789012345678901234'], // longest accepted
  ])('accepts %j without a prefix', (typed, digits) => {
    expect(parseWorkerId(typed)).toEqual({ ok: true, value: { kind: 'limosa', digits } });
  });

  it.each([
    ['L1 12345678901234567', '12345678901234567'],
    ['l1:12345678901234567', '12345678901234567'],
    ['L1 : 1234 5678 9012 34567', '12345678901234567'],
    ['Limosa 12345678901234567', '12345678901234567'],
    ['LIMOSA:12345678901234567', '12345678901234567'],
    ['limosa: 12345678', '12345678'],
    // With a prefix, 11 digits are a Limosa number: no NISS check applies.
    ['L1 85073003329', '85073003329'],
    ['Limosa: 85.07.30-033.28', '85073003328'],
  ])('accepts %j with an explicit prefix', (typed, digits) => {
    expect(parseWorkerId(typed)).toEqual({ ok: true, value: { kind: 'limosa', digits } });
  });
});

describe('parseWorkerId: rejections', () => {
  it.each([
    ['85073003329', 'check digits off by one'],
    ['85073003300', 'check digits 00'],
    ['85073003398', 'check digits 98'],
    ['85073003399', 'check digits 99'],
    ['85070303328', 'two digits swapped'],
    ['00010100174', 'a 2000+ number with its pre-2000 check digits off by one'],
  ])('rejects %s (%s) with checksum', (typed) => {
    expect(parseWorkerId(typed)).toEqual({ ok: false, error: 'checksum' });
  });

  it.each([
    ['NISS month 13', '851330'],
    ['NISS month 19', '851930'],
    ['BIS month 33', '853330'],
    ['BIS month 39', '853930'],
    ['BIS month 53', '855330'],
    ['month 99', '859930'],
    ['day 32', '850732'],
    ['day 99 in a BIS number', '852799'],
  ])('rejects %s with date even when the check digits fit', (_case, yymmdd) => {
    expect(parseWorkerId(buildNationalNumber(yymmdd, 33, 1900))).toEqual({ ok: false, error: 'date' });
  });

  it.each([
    ['abc'],
    ['85.07.30-033.2A'],
    ['NISS 85073003328'],
    ['85073003328\u0000'],
    ['85\t07\t30\t033\t28'],
    ['<b>85073003328</b>'],
    ['+32 85073003328'],
    ['L 1 12345678901234567'],
    ['L1 1234567890123456X'],
    ['٨٥٠٧٣٠٠٣٣٢٨'], // Arabic-Indic digits are not what the register prints
  ])('rejects %j with characters', (typed) => {
    expect(parseWorkerId(typed)).toEqual({ ok: false, error: 'characters' });
  });

  it.each([[''], ['   '], ['...'], [' - '], ['L1'], ['Limosa:'], ['l1 : ']])('rejects %j with empty', (typed) => {
    expect(parseWorkerId(typed)).toEqual({ ok: false, error: 'empty' });
  });

  it.each([
    ['7 digits', '1234567'],
    ['25 digits', '1234567890123456789012345'],
    ['7 digits after a prefix', 'L1 1234567'],
    ['over 64 characters, even if blank padding', `${' '.repeat(60)}85073003328`],
    ['over 64 characters of garbage', 'x'.repeat(10_000)],
  ])('rejects %s with length', (_case, typed) => {
    expect(parseWorkerId(typed)).toEqual({ ok: false, error: 'length' });
  });
});

describe('formatWorkerId and maskWorkerId', () => {
  it.each<[WorkerId, string, string]>([
    [{ kind: 'niss', digits: '85073003328' }, '85.07.30-033.28', '85.07.30-***.**'],
    [{ kind: 'bis', digits: '85273000245' }, '85.27.30-002.45', '85.27.30-***.**'],
    [{ kind: 'limosa', digits: '12345678901234567' }, '12345678901234567', '1234*************'],
    [{ kind: 'limosa', digits: '12345678' }, '12345678', '1234****'],
  ])('shows %o as %s and masks it as %s', (id, formatted, masked) => {
    expect(formatWorkerId(id)).toBe(formatted);
    expect(maskWorkerId(id)).toBe(masked);
  });

  it('formats what it parses back to the same number', () => {
    const parsed = parseWorkerId('85 07 30 033 28');
    if (!parsed.ok) throw new Error('expected a valid number');
    expect(parseWorkerId(formatWorkerId(parsed.value))).toEqual(parsed);
  });
});

describe('workerIdSchema', () => {
  it('has WorkerId as its output type', () => {
    expectTypeOf<z.output<typeof workerIdSchema>>().toEqualTypeOf<WorkerId>();
  });

  it.each([
    ['85.07.30-033.28'],
    ['00010100105'],
    [buildNationalNumber('854700', 2, 1900)],
    ['L1 85073003329'],
    ['12345678901234567'],
  ])('accepts what parseWorkerId produced from %j', (typed) => {
    const parsed = parseWorkerId(typed);
    if (!parsed.ok) throw new Error('expected a valid number');
    expect(workerIdSchema.parse(parsed.value)).toEqual(parsed.value);
  });

  it.each([
    ['a NISS with a BIS month', { kind: 'niss', digits: buildNationalNumber('852730', 2, 1900) }, 'date'],
    ['a BIS with a NISS month', { kind: 'bis', digits: '85073003328' }, 'date'],
    ['wrong check digits', { kind: 'niss', digits: '85073003329' }, 'checksum'],
    ['a 10-digit NISS', { kind: 'niss', digits: '8507300332' }, 'length'],
    ['formatted digits', { kind: 'niss', digits: '85.07.30-033.28' }, 'characters'],
    ['a 7-digit Limosa number', { kind: 'limosa', digits: '1234567' }, 'length'],
    ['empty digits', { kind: 'limosa', digits: '' }, 'empty'],
  ])('rejects %s with %s', (_case, stored, error) => {
    const result = workerIdSchema.safeParse(stored);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([error]);
  });

  it.each([
    ['an unknown kind', { kind: 'passport', digits: '85073003328' }],
    ['missing digits', { kind: 'niss' }],
    ['not an object', '85073003328'],
  ])('rejects %s', (_case, stored) => {
    expect(workerIdSchema.safeParse(stored).success).toBe(false);
  });

  it('never echoes the number in its issues, which may end up in logs', () => {
    const result = workerIdSchema.safeParse({ kind: 'niss', digits: '85073003329' });
    expect(JSON.stringify(result.error?.issues)).not.toContain('8507300332');
    expect(result.error?.message).not.toContain('8507300332');
  });
});
