import { crc32, deflateSync } from 'node:zlib';

/**
 * The two icons a Teams app package needs, drawn in code so that no binary sits in git:
 * a 192×192 full-colour icon (white glyph on the brand colour) and a 32×32 outline icon, which
 * Teams requires to be white on a transparent background and nothing else.
 *
 * The glyph is a clock at 7 o'clock — the hour on site when registration fails — drawn with
 * distance functions and 4×4 supersampling, so its edges are smooth at both sizes.
 */

/** Background of the colour icon, also the manifest's `accentColor`. */
export const BRAND_COLOR = '#1D4F91';

export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;

interface Glyph {
  /** Radius of the clock face's ring, to the middle of its stroke, as a fraction of the icon. */
  readonly ringRadius: number;
  /** Width of every stroke, as a fraction of the icon. */
  readonly stroke: number;
}

/** The colour icon keeps the glyph inside Teams' central safe area; the outline one fills it. */
const COLOR_GLYPH: Glyph = { ringRadius: 0.29, stroke: 0.06 };
const OUTLINE_GLYPH: Glyph = { ringRadius: 0.42, stroke: 0.095 };

const SUPERSAMPLING = 4;

/** The full-colour icon (color.png) as PNG bytes. */
export function renderColorIcon(): Buffer {
  const size = COLOR_ICON_SIZE;
  const background = parseHexColor(BRAND_COLOR);
  const pixels = Buffer.alloc(size * size * 4);
  forEachPixelCoverage(size, COLOR_GLYPH, (offset, coverage) => {
    // White glyph blended over the opaque brand colour.
    pixels[offset] = Math.round(background.r + (255 - background.r) * coverage);
    pixels[offset + 1] = Math.round(background.g + (255 - background.g) * coverage);
    pixels[offset + 2] = Math.round(background.b + (255 - background.b) * coverage);
    pixels[offset + 3] = 255;
  });
  return encodePng(size, size, pixels);
}

/** The outline icon (outline.png) as PNG bytes: pure white, the shape carried by alpha alone. */
export function renderOutlineIcon(): Buffer {
  const size = OUTLINE_ICON_SIZE;
  const pixels = Buffer.alloc(size * size * 4);
  forEachPixelCoverage(size, OUTLINE_GLYPH, (offset, coverage) => {
    const alpha = Math.round(255 * coverage);
    // Fully transparent pixels are 0,0,0,0; every visible one is white.
    const channel = alpha === 0 ? 0 : 255;
    pixels[offset] = channel;
    pixels[offset + 1] = channel;
    pixels[offset + 2] = channel;
    pixels[offset + 3] = alpha;
  });
  return encodePng(size, size, pixels);
}

function forEachPixelCoverage(size: number, glyph: Glyph, paint: (offset: number, coverage: number) => void): void {
  const samples = SUPERSAMPLING * SUPERSAMPLING;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      let inside = 0;
      for (let sy = 0; sy < SUPERSAMPLING; sy += 1) {
        for (let sx = 0; sx < SUPERSAMPLING; sx += 1) {
          const u = (x + (sx + 0.5) / SUPERSAMPLING) / size;
          const v = (y + (sy + 0.5) / SUPERSAMPLING) / size;
          if (isInsideClock(u, v, glyph)) inside += 1;
        }
      }
      paint((y * size + x) * 4, inside / samples);
    }
  }
}

/** A ring, a minute hand on 12, an hour hand on 7 and a hub, in unit coordinates (y down). */
function isInsideClock(u: number, v: number, glyph: Glyph): boolean {
  const cx = 0.5;
  const cy = 0.5;
  const half = glyph.stroke / 2;
  const distance = Math.hypot(u - cx, v - cy);
  if (Math.abs(distance - glyph.ringRadius) <= half) return true;
  if (distance <= glyph.stroke * 0.9) return true;
  const minuteLength = glyph.ringRadius * 0.68;
  if (distanceToSegment(u, v, cx, cy, cx, cy - minuteLength) <= half) return true;
  // 7 o'clock: 210° clockwise from 12.
  const hourAngle = (210 * Math.PI) / 180;
  const hourLength = glyph.ringRadius * 0.5;
  const hx = cx + Math.sin(hourAngle) * hourLength;
  const hy = cy - Math.cos(hourAngle) * hourLength;
  return distanceToSegment(u, v, cx, cy, hx, hy) <= half;
}

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / lengthSquared));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function parseHexColor(hex: string): { readonly r: number; readonly g: number; readonly b: number } {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match?.[1] || !match[2] || !match[3]) throw new Error(`Not a #rrggbb colour: ${hex}`);
  return { r: parseInt(match[1], 16), g: parseInt(match[2], 16), b: parseInt(match[3], 16) };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A minimal PNG encoder: 8-bit RGBA (colour type 6), no interlace, filter 0 on every row,
 * one IDAT chunk. `rgba` holds width × height × 4 bytes, row by row.
 */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  if (rgba.length !== width * height * 4) throw new Error(`Expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: truecolour with alpha
  header[10] = 0; // compression: deflate
  header[11] = 0; // filter method 0
  header[12] = 0; // no interlace
  const rowLength = width * 4;
  const raw = Buffer.alloc((rowLength + 1) * height);
  for (let y = 0; y < height; y += 1) {
    raw[y * (rowLength + 1)] = 0; // filter type None
    rgba.copy(raw, y * (rowLength + 1) + 1, y * rowLength, (y + 1) * rowLength);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typeBytes = Buffer.from(type, 'ascii');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([typeBytes, data])), 0);
  return Buffer.concat([length, typeBytes, data, crc]);
}
