import { readFileSync } from 'node:fs';
import path from 'node:path';
import { create } from 'fontkit';
import { describe, expect, it } from 'vitest';
import { isPrintable } from '../../src/listing/printable.js';
import { COVERAGE_FILE, coverageOf, listingFontFile } from '../../scripts/fontCoverage.js';

const ROOT = path.resolve(__dirname, '../..');

describe('the names the listing PDF can print', () => {
  it('are read from coverage ranges that match the installed font exactly (npm run fonts:coverage)', () => {
    const stored = JSON.parse(readFileSync(path.join(ROOT, COVERAGE_FILE), 'utf8')) as { package: string; ranges: number[][] };
    const { version } = JSON.parse(readFileSync(require.resolve('dejavu-fonts-ttf/package.json'), 'utf8')) as { version: string };
    expect(stored.package).toBe(`dejavu-fonts-ttf@${version}`);
    expect(stored.ranges).toEqual(coverageOf(listingFontFile()));
  });

  it('agree with the font itself for every code point of the Basic Multilingual Plane and beyond', () => {
    const font = create(readFileSync(listingFontFile()));
    if (!('hasGlyphForCodePoint' in font)) throw new Error('not a single font');
    const disagreements: number[] = [];
    for (let codePoint = 0x21; codePoint <= 0x2ffff; codePoint += 1) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const character = String.fromCodePoint(codePoint);
      if (/\s/u.test(character) || /\p{M}/u.test(character)) continue;
      if (isPrintable(character) !== font.hasGlyphForCodePoint(codePoint)) disagreements.push(codePoint);
    }
    expect(disagreements).toEqual([]);
  });

  it.each([
    ['Peeters', true],
    ['Van den Bossche-Dubois', true],
    ['Çelik', true],
    ['Wójcik', true],
    ['Łukasz', true],
    ['Ştefănescu', true],
    ['Иванов', true],
    ['Παπαδόπουλος', true],
    ['Nguyễn', true],
    ['王', false],
    ['محمد', true],
    ['Jan 🙂', false],
    ['', true],
  ])('%j → %s', (name, printable) => expect(isPrintable(name)).toBe(printable));
});
