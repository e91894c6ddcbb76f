import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { type Config, ConfigError, loadConfig } from '../src/config.js';
import { renderColorIcon, renderOutlineIcon } from '../src/teams/icons.js';
import {
  ADDITIONAL_LANGUAGES,
  buildManifest,
  DEFAULT_LANGUAGE,
  MANIFEST_VERSION,
  PACKAGE_FILES,
  type TeamsManifest,
  validateManifest,
} from '../src/teams/manifest.js';

/**
 * `npm run teams:package`: builds the Microsoft Teams app package — manifest.json, its nl/de/en
 * localization files and the two icons, at the root of a zip — after validating the manifest
 * against the Teams JSON schemas. Sideloading is explained in the README ("Microsoft Teams").
 */

export const PACKAGE_NAME = 'checkinatwork-emergency-bot.zip';

/** Zip entries get a fixed date: the same configuration always gives the same bytes. */
const ENTRY_DATE = new Date(Date.UTC(2026, 0, 1));

export interface TeamsPackage {
  readonly path: string;
  readonly entries: readonly string[];
  readonly manifest: TeamsManifest;
}

export interface WriteTeamsPackageOptions {
  /** Folder the zip is written to (created if needed). */
  readonly outDir: string;
  /** The app version; defaults to package.json's. */
  readonly version?: string;
}

/** Builds, validates and writes the package; throws when the manifest does not validate. */
export async function writeTeamsPackage(config: Config, options: WriteTeamsPackageOptions): Promise<TeamsPackage> {
  const files = buildManifest(config, { version: options.version ?? projectVersion() });
  const validation = validateManifest(files);
  if (!validation.ok) {
    throw new Error(`The Teams manifest does not match its schema:\n${validation.errors.map((e) => `  - ${e}`).join('\n')}`);
  }
  const entries: [string, Buffer][] = [
    [PACKAGE_FILES.manifest, json(files.manifest)],
    [PACKAGE_FILES.colorIcon, renderColorIcon()],
    [PACKAGE_FILES.outlineIcon, renderOutlineIcon()],
    ...ADDITIONAL_LANGUAGES.map((language): [string, Buffer] => [
      PACKAGE_FILES.localization(language),
      json(files.localizations[language]),
    ]),
  ];
  await mkdir(options.outDir, { recursive: true });
  const path = join(options.outDir, PACKAGE_NAME);
  const zip = new ZipFile();
  for (const [name, data] of entries) zip.addBuffer(data, name, { mtime: ENTRY_DATE, mode: 0o100644 });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
  return { path, entries: entries.map(([name]) => name), manifest: files.manifest };
}

function json(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
}

function projectVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(resolve(__dirname, '..', 'package.json'), 'utf8'));
  const version = pkg !== null && typeof pkg === 'object' && 'version' in pkg ? pkg.version : undefined;
  if (typeof version !== 'string') throw new Error('package.json has no version');
  return version;
}

/** One line: what was packaged, for whom, in which languages. */
export function summarize(pkg: TeamsPackage): string {
  const bot = pkg.manifest.bots[0];
  const commands = bot?.commandLists[0]?.commands.length ?? 0;
  const domains = pkg.manifest.validDomains.length > 0 ? pkg.manifest.validDomains.join(', ') : 'none';
  return (
    `manifest v${MANIFEST_VERSION}, app ${pkg.manifest.version}, id ${pkg.manifest.id}, bot ${bot?.botId ?? '?'}, ` +
    `scopes ${bot?.scopes.join('/') ?? '?'}, ${commands} commands, ` +
    `languages ${DEFAULT_LANGUAGE} (default) + ${ADDITIONAL_LANGUAGES.join(', ')}, validDomains ${domains}`
  );
}

/** What an operator should fix before uploading, though the package itself is valid. */
function warningsFor(config: Config): string[] {
  const warnings: string[] = [];
  if (!config.storage.publicBaseUrl.startsWith('https://')) {
    warnings.push(
      `PUBLIC_BASE_URL is ${config.storage.publicBaseUrl}: set it to the bot's public https address, ` +
        'or the developer links point nowhere and validDomains leaves out local hosts',
    );
  }
  return warnings;
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: Config;
  try {
    config = loadConfig(process.env, 'package');
    const pkg = await writeTeamsPackage(config, { outDir: join('dist', 'teams') });
    process.stdout.write(`${relative(process.cwd(), pkg.path)}\n${summarize(pkg)}\n`);
    for (const warning of warningsFor(config)) process.stderr.write(`warning: ${warning}\n`);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
