import { readFileSync } from 'node:fs';
import path from 'node:path';
import { create, type Font } from 'fontkit';

let font: Font | undefined;

/** The regular face the listing PDF is printed with (renderPdf.ts). Loaded once, on first use. */
function listingFont(): Font {
  if (!font) {
    const file = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf');
    const loaded = create(readFileSync(file));
    if (!('hasGlyphForCodePoint' in loaded)) throw new Error('DejaVuSans.ttf is a font collection, not a font');
    font = loaded;
  }
  return font;
}

/**
 * Whether the printed listing can show every character of `text`. Names are letters of any
 * script, but a character the font lacks prints as an empty box: on the legal proof, a name
 * would be lost without anyone noticing. Such a name is refused at entry instead.
 */
export function isPrintable(text: string): boolean {
  const face = listingFont();
  for (const character of text) {
    const codePoint = character.codePointAt(0);
    if (codePoint === undefined || /\s/u.test(character) || /\p{M}/u.test(character)) continue;
    if (!face.hasGlyphForCodePoint(codePoint)) return false;
  }
  return true;
}
