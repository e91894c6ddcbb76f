import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWorkerId } from '../../src/identity/index.js';
import { parseWorkerLine } from '../../src/listing/workerLine.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

/**
 * Fuzz of the one-line parser (issue 9, Measures): whatever is typed, it never crashes; it never
 * yields an identifier that fails the identifier rules; and for a worker written the way the bot
 * asks (surname before first name, or in separate fields), it never returns a split other than
 * the one written unless it asks (`ambiguous`, with the written split among the choices).
 */

const LETTERS = 'abcdefghijklmnopqrstuvwxyzéèëïöüç';
// A name word. Not a Flemish particle alone ("De", "Van", "El"): no Belgian surname or given name
// is one (the parser relies on it, workerLine.ts).
const SURE_PARTICLES = new Set(['van', 'vande', 'vanden', 'vander', 'de', 'den', 'der', 'het', 'te', 'ten', 'ter', 'op', 'in', 'el', 'al']);
const word = fc
  .tuple(fc.constantFrom(...'ABCDEFGHIJKLMNOPRSTVWZÉ'), fc.array(fc.constantFrom(...LETTERS), { minLength: 1, maxLength: 9 }))
  .map(([first, rest]) => first + rest.join(''))
  .filter((w) => !SURE_PARTICLES.has(w.toLowerCase()));
const particle = fc.constantFrom('Van', 'van', 'De', 'de', 'Vande', 'Van den', 'El', 'Op de', 'Le', 'Ter', 'Da', 'Ben', 'von');
const surname = fc.oneof(
  word,
  fc.tuple(particle, word).map(([p, w]) => `${p} ${w}`),
  fc.tuple(word, word).map(([a, b]) => `${a}-${b}`),
  fc.tuple(word, word).map(([a, b]) => `${a} ${b}`), // double-barrelled without a hyphen
  word.map((w) => `D'${w}`),
);
const firstName = fc.oneof(word, fc.tuple(word, word).map(([a, b]) => `${a} ${b}`), fc.tuple(word, word).map(([a, b]) => `${a}-${b}`));
const nationalNumber = fc
  .record({ yy: fc.integer({ min: 0, max: 99 }), mm: fc.integer({ min: 1, max: 12 }), dd: fc.integer({ min: 1, max: 28 }), counter: fc.integer({ min: 1, max: 997 }), century: fc.constantFrom(1900 as const, 2000 as const) })
  .map(({ yy, mm, dd, counter, century }) => buildNationalNumber([yy, mm, dd].map((n) => String(n).padStart(2, '0')).join(''), counter, century));
const written = fc.oneof(
  fc.constant((id: string, s: string, f: string) => `${id} ${s} ${f}`),
  fc.constant((id: string, s: string, f: string) => `${s} ${f} ${id}`),
  fc.constant((id: string, s: string, f: string) => `${id};${s};${f}`),
  fc.constant((id: string, s: string, f: string) => `${s}\t${f}\t${id}`),
  fc.constant((id: string, s: string, f: string) => `${id}, ${s}, ${f}`),
);

describe('parseWorkerLine, fuzzed', () => {
  it('never stores a valid identifier under a split other than the one written without asking', () => {
    fc.assert(
      fc.property(nationalNumber, surname, firstName, written, (id, s, f, write) => {
        const result = parseWorkerLine(write(id, s, f));
        expect(result.kind === 'worker' || result.kind === 'ambiguous' || result.kind === 'refused').toBe(true);
        if (result.kind === 'worker') {
          expect(result.worker.workerId.digits).toBe(id);
          expect([result.worker.surname, result.worker.firstName]).toEqual([s, f]);
        }
        if (result.kind === 'ambiguous') {
          expect(result.workerId.digits).toBe(id);
          expect(result.choices.map((c) => [c.surname, c.firstName])).toContainEqual([s, f]);
        }
        // A name of this alphabet, written this way, is never refused.
        expect(result.kind).not.toBe('refused');
      }),
      { numRuns: Number(process.env.LINE_FUZZ_RUNS ?? 3000) },
    );
  });

  it('never crashes and never yields an identifier that fails the identifier rules, whatever is typed', () => {
    const noisy = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.string({ unit: 'grapheme', maxLength: 80 }),
      fc.tuple(fc.stringMatching(/^[0-9 .\-/]{0,20}$/), fc.string({ maxLength: 30 })).map(([a, b]) => `${a} ${b}`),
      fc.tuple(nationalNumber, fc.string({ maxLength: 40 })).map(([id, rest]) => `${id.slice(0, 10)}${rest}`),
    );
    fc.assert(
      fc.property(noisy, (text) => {
        const result = parseWorkerLine(text);
        const id = result.kind === 'worker' ? result.worker.workerId : result.kind === 'refused' ? undefined : result.workerId;
        if (id === undefined) return;
        const digits = id.kind === 'limosa' ? `L1 ${id.digits}` : id.digits;
        const reparsed = parseWorkerId(digits);
        expect(reparsed.ok && reparsed.value).toEqual(id);
      }),
      { numRuns: 5000 },
    );
  });
});
