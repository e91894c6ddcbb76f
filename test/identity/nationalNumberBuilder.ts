// Test helper: builds synthetic, valid NISS/BIS numbers so the tables say what they test
// (a date, a counter, a century) instead of listing opaque 11-digit strings.

const BORN_2000_OR_LATER_OFFSET = 2_000_000_000;

/** 11 digits: `yymmdd` + 3-digit counter + check digits for the given birth century. */
export function buildNationalNumber(yymmdd: string, counter: number, century: 1900 | 2000): string {
  const nine = `${yymmdd}${String(counter).padStart(3, '0')}`;
  return nine + checkDigitsFor(nine, century);
}

export function checkDigitsFor(nine: string, century: 1900 | 2000): string {
  const base = Number(nine) + (century === 2000 ? BORN_2000_OR_LATER_OFFSET : 0);
  return String(97 - (base % 97)).padStart(2, '0');
}
