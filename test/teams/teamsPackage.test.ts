import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { writeTeamsPackage, PACKAGE_NAME, type TeamsPackage } from '../../scripts/teamsPackage.js';
import { loadConfig } from '../../src/config.js';
import { BRAND_COLOR } from '../../src/teams/icons.js';
import { buildManifest } from '../../src/teams/manifest.js';

const BOT_ID = '8c1b4a6e-2f3d-4b5a-9c7e-1d2e3f4a5b6c';
const ENV = { MicrosoftAppId: BOT_ID, PUBLIC_BASE_URL: 'https://bot.example.org' };
const TSX = resolve('node_modules/.bin/tsx');
const SCRIPT = resolve('scripts/teamsPackage.ts');

/** Every entry of a zip, read with yauzl (an implementation independent of the writer). */
async function readZip(path: string): Promise<Map<string, Buffer>> {
  const zip = await promisify<string, yauzl.Options, yauzl.ZipFile>(yauzl.open)(path, { lazyEntries: true });
  const entries = new Map<string, Buffer>();
  await new Promise<void>((done, fail) => {
    zip.on('error', fail);
    zip.on('end', () => done());
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return fail(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', fail);
        stream.on('end', () => {
          entries.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return entries;
}

/** Width, height, bit depth and colour type from the IHDR chunk, read by hand. */
function readIhdr(png: Buffer): { width: number; height: number; bitDepth: number; colourType: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bitDepth: png.readUInt8(24), colourType: png.readUInt8(25) };
}

function pixelsOf(png: Buffer): { r: number; g: number; b: number; a: number }[] {
  const image = PNG.sync.read(png);
  const pixels = [];
  for (let i = 0; i < image.data.length; i += 4) {
    pixels.push({ r: image.data[i] ?? -1, g: image.data[i + 1] ?? -1, b: image.data[i + 2] ?? -1, a: image.data[i + 3] ?? -1 });
  }
  return pixels;
}

describe('Teams app package', () => {
  let outDir: string;
  let pkg: TeamsPackage;
  let entries: Map<string, Buffer>;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'teams-package-'));
    pkg = await writeTeamsPackage(loadConfig(ENV, 'package'), { outDir });
    entries = await readZip(pkg.path);
  });
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('is one zip holding exactly the manifest, two icons and three localization files, at its root', () => {
    expect(pkg.path).toBe(join(outDir, PACKAGE_NAME));
    expect([...entries.keys()].sort()).toEqual(['color.png', 'de.json', 'en.json', 'manifest.json', 'nl.json', 'outline.png']);
  });

  it('holds the manifest and localization files the builder makes, as JSON', () => {
    const built = buildManifest(loadConfig(ENV, 'package'), { version: pkg.manifest.version });
    expect(JSON.parse(entries.get('manifest.json')?.toString('utf8') ?? '')).toEqual(built.manifest);
    expect(JSON.parse(entries.get('nl.json')?.toString('utf8') ?? '')).toEqual(built.localizations.nl);
    expect(JSON.parse(entries.get('de.json')?.toString('utf8') ?? '')).toEqual(built.localizations.de);
    expect(JSON.parse(entries.get('en.json')?.toString('utf8') ?? '')).toEqual(built.localizations.en);
    expect(pkg.manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
  });

  it('has a 192×192 colour icon, opaque, on the brand colour', () => {
    const color = entries.get('color.png') ?? Buffer.alloc(0);
    expect(readIhdr(color)).toMatchObject({ width: 192, height: 192, bitDepth: 8 });
    const pixels = pixelsOf(color);
    expect(pixels).toHaveLength(192 * 192);
    expect(pixels.every((p) => p.a === 255)).toBe(true);
    const corner = pixels[0];
    expect(corner && `#${[corner.r, corner.g, corner.b].map((c) => c.toString(16).padStart(2, '0')).join('')}`.toUpperCase()).toBe(BRAND_COLOR.toUpperCase());
    expect(pixels.some((p) => p.r === 255 && p.g === 255 && p.b === 255)).toBe(true);
  });

  it('has a 32×32 outline icon of white and transparent pixels only', () => {
    const outline = entries.get('outline.png') ?? Buffer.alloc(0);
    expect(readIhdr(outline)).toMatchObject({ width: 32, height: 32, bitDepth: 8 });
    const pixels = pixelsOf(outline);
    expect(pixels).toHaveLength(32 * 32);
    const offending = pixels.filter((p) => p.a !== 0 && (p.r !== 255 || p.g !== 255 || p.b !== 255));
    expect(offending).toEqual([]);
    expect(pixels.filter((p) => p.a === 0).length).toBeGreaterThan(100);
    expect(pixels.filter((p) => p.a === 255).length).toBeGreaterThan(50);
  });

  it('gives the same bytes for the same configuration', async () => {
    const again = await writeTeamsPackage(loadConfig(ENV, 'package'), { outDir: join(outDir, 'again') });
    expect(await readFile(again.path)).toEqual(await readFile(pkg.path));
  });

  it('refuses to write a package without MicrosoftAppId', async () => {
    await expect(writeTeamsPackage(loadConfig({ PUBLIC_BASE_URL: 'https://bot.example.org' }), { outDir })).rejects.toThrow(/MicrosoftAppId/);
  });
});

describe('npm run teams:package', () => {
  let cwd: string;
  beforeAll(async () => {
    // A folder of its own: no .env is read and dist/teams/ is written there.
    cwd = await mkdtemp(join(tmpdir(), 'teams-script-'));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  const run = (env: Record<string, string>) =>
    promisify(execFile)(TSX, [SCRIPT], { cwd, env: { PATH: process.env.PATH ?? '', ...env } }).then(
      (out) => ({ code: 0, ...out }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('exits with an error naming MicrosoftAppId when it is not set', async () => {
    const result = await run({ PUBLIC_BASE_URL: 'https://bot.example.org' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/MicrosoftAppId: required to build the Teams app package/);
  });

  it('writes dist/teams/checkinatwork-emergency-bot.zip and prints its path and a summary', async () => {
    const result = await run(ENV);
    expect(result.code).toBe(0);
    const [path, summary] = result.stdout.trim().split('\n');
    expect(path).toBe(join('dist', 'teams', 'checkinatwork-emergency-bot.zip'));
    expect(summary).toMatch(/^manifest v1\.30, .*bot 8c1b4a6e-2f3d-4b5a-9c7e-1d2e3f4a5b6c, scopes personal\/team\/groupChat, 6 commands, .*validDomains bot\.example\.org$/);
    expect((await readZip(join(cwd, path ?? ''))).size).toBe(6);
  });
});
