import coverage from '../../data/fonts/dejavu-sans-coverage.json';

/**
 * The code points the regular face of the listing PDF (DejaVu Sans, renderPdf.ts) has glyphs
 * for, as sorted inclusive ranges. Generated from the installed font by `npm run
 * fonts:coverage`, and checked against it by test/listing/printable.test.ts: asking a font
 * parser on every name would keep ~3.5 MB of it loaded for the life of the bot.
 */
const RANGES: readonly (readonly number[])[] = coverage.ranges;

function hasGlyph(codePoint: number): boolean {
  let low = 0;
  let high = RANGES.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [first = 0, last = -1] = RANGES[middle] ?? [];
    if (codePoint < first) high = middle - 1;
    else if (codePoint > last) low = middle + 1;
    else return true;
  }
  return false;
}

/**
 * Whether the printed listing can show every character of `text`. Names are letters of any
 * script, but a character the font lacks prints as an empty box: on the legal proof, a name
 * would be lost without anyone noticing. Such a name is refused at entry instead.
 */
export function isPrintable(text: string): boolean {
  for (const character of text) {
    const codePoint = character.codePointAt(0);
    if (codePoint === undefined || /\s/u.test(character) || /\p{M}/u.test(character)) continue;
    if (!hasGlyph(codePoint)) return false;
  }
  return true;
}
