import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { create } from 'fontkit';

/**
 * `npm run fonts:coverage`: writes data/fonts/dejavu-sans-coverage.json, the code points the
 * listing's font can print, which the bot checks every name against (src/listing/printable.ts)
 * without loading a font parser. Run it after upgrading dejavu-fonts-ttf:
 * test/listing/printable.test.ts fails until then.
 */
export const COVERAGE_FILE = 'data/fonts/dejavu-sans-coverage.json';

/** The regular face the listing PDF is printed with (renderPdf.ts), as installed. */
export function listingFontFile(): string {
  return path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf');
}

/** Every code point `file` has a glyph for, as sorted inclusive ranges, read with fontkit. */
export function coverageOf(file: string): [number, number][] {
  const font = create(readFileSync(file));
  if (!('characterSet' in font)) throw new Error(`${file} is a font collection, not a font`);
  const ranges: [number, number][] = [];
  for (const codePoint of [...new Set(font.characterSet)].sort((a, b) => a - b)) {
    const last = ranges.at(-1);
    if (last && last[1] === codePoint - 1) last[1] = codePoint;
    else ranges.push([codePoint, codePoint]);
  }
  return ranges;
}

if (require.main === module) {
  const { version } = require('dejavu-fonts-ttf/package.json') as { version: string };
  const ranges = coverageOf(listingFontFile());
  const body = ranges.map((r) => JSON.stringify(r)).join(',\n    ');
  writeFileSync(COVERAGE_FILE, `{\n  "font": "DejaVuSans.ttf",\n  "package": "dejavu-fonts-ttf@${version}",\n  "ranges": [\n    ${body}\n  ]\n}\n`);
  process.stdout.write(`${COVERAGE_FILE}: ${ranges.length} ranges, ${ranges.reduce((n, [a, b]) => n + b - a + 1, 0)} code points\n`);
}
