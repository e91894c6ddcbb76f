import { readFileSync } from 'node:fs';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { type Config, ConfigError } from '../config.js';
import { type Locale, type MessageKey, t } from '../i18n/index.js';
import { BRAND_COLOR } from './icons.js';

/**
 * The Microsoft Teams app manifest and its localization files, built from configuration and
 * the locale files (no text of its own but the table below), and validated offline against
 * the JSON schemas that `@microsoft/app-manifest` ships.
 */

/**
 * The newest Teams manifest schema that `@microsoft/app-manifest` ships with a localization
 * schema beside it (build/json-schemas/teams/v1.30/). If Teams ever refuses an upload for its
 * version, lower this: the tests validate against whichever version it names.
 */
export const MANIFEST_VERSION = '1.30';

/** fr.json is the source locale, so the manifest itself is in French. */
export const DEFAULT_LANGUAGE = 'fr' satisfies Locale;
export const ADDITIONAL_LANGUAGES = ['nl', 'de', 'en'] as const satisfies readonly Locale[];
export type AdditionalLanguage = (typeof ADDITIONAL_LANGUAGES)[number];

/** File names inside the package (all at the root of the zip). */
export const PACKAGE_FILES = {
  manifest: 'manifest.json',
  colorIcon: 'color.png',
  outlineIcon: 'outline.png',
  localization: (language: AdditionalLanguage) => `${language}.json`,
} as const;

const SCHEMA_BASE_URL = `https://developer.microsoft.com/json-schemas/teams/v${MANIFEST_VERSION}`;

const SCOPES = ['personal', 'team', 'groupChat'] as const;

/**
 * The quick questions offered in Teams' command menu. Choosing one sends its title as a message,
 * so every title must be a phrase the bot recognises (test/teams proves it in each language).
 */
const COMMANDS = ['exempt', 'centreOpen', 'haveReference', 'recordEvidence', 'help', 'restart'] as const;
type CommandId = (typeof COMMANDS)[number];

/** Where a command's title comes from: an existing locale key, or the table below. */
const COMMAND_TITLE_KEYS: Readonly<Record<Exclude<CommandId, 'exempt'>, MessageKey>> = {
  centreOpen: 'actions.centreOpen',
  haveReference: 'actions.haveReference',
  recordEvidence: 'actions.recordEvidence',
  help: 'actions.help',
  restart: 'actions.restart',
};

export interface TeamsCommand {
  readonly title: string;
  readonly description: string;
}

export interface TeamsManifest {
  readonly $schema: string;
  readonly manifestVersion: string;
  readonly version: string;
  readonly id: string;
  readonly localizationInfo: {
    readonly defaultLanguageTag: string;
    readonly additionalLanguages: readonly { readonly languageTag: string; readonly file: string }[];
  };
  readonly developer: {
    readonly name: string;
    readonly websiteUrl: string;
    readonly privacyUrl: string;
    readonly termsOfUseUrl: string;
  };
  readonly name: { readonly short: string; readonly full: string };
  readonly description: { readonly short: string; readonly full: string };
  readonly icons: { readonly color: string; readonly outline: string };
  readonly accentColor: string;
  readonly bots: readonly {
    readonly botId: string;
    readonly scopes: readonly (typeof SCOPES)[number][];
    readonly supportsFiles: boolean;
    readonly isNotificationOnly: boolean;
    readonly commandLists: readonly {
      readonly scopes: readonly (typeof SCOPES)[number][];
      readonly commands: readonly TeamsCommand[];
    }[];
  }[];
  readonly validDomains: readonly string[];
}

/** A localization file: flat keys such as `name.short` or `bots[0].commandLists[0].commands[2].title`. */
export type TeamsLocalization = Readonly<Record<string, string>>;

export interface TeamsManifestFiles {
  readonly manifest: TeamsManifest;
  readonly localizations: Readonly<Record<AdditionalLanguage, TeamsLocalization>>;
}

export interface BuildManifestOptions {
  /** The app's version (semver); Teams wants it raised whenever the manifest changes. */
  readonly version?: string;
}

const GUID = /^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

/**
 * The manifest (French, the source locale) and its nl/de/en localization files. Pure: the same
 * configuration always gives the same files. Throws ConfigError naming MicrosoftAppId when the
 * bot has no app id, since a Teams package cannot exist without one.
 */
export function buildManifest(config: Config, options: BuildManifestOptions = {}): TeamsManifestFiles {
  const botId = config.bot.appId;
  if (botId === undefined) {
    throw new ConfigError([
      'MicrosoftAppId: required to build the Teams app package — set it to the Azure Bot\'s Microsoft App ID (a GUID)',
    ]);
  }
  if (!GUID.test(botId)) throw new ConfigError(['MicrosoftAppId: must be a GUID to build the Teams app package']);
  const appId = config.teams.appId ?? botId;
  const baseUrl = config.storage.publicBaseUrl;
  const commands = commandsIn(DEFAULT_LANGUAGE);
  const manifest: TeamsManifest = {
    $schema: `${SCHEMA_BASE_URL}/MicrosoftTeams.schema.json`,
    manifestVersion: MANIFEST_VERSION,
    version: options.version ?? '1.0.0',
    id: appId,
    localizationInfo: {
      defaultLanguageTag: DEFAULT_LANGUAGE,
      additionalLanguages: ADDITIONAL_LANGUAGES.map((language) => ({
        languageTag: language,
        file: PACKAGE_FILES.localization(language),
      })),
    },
    developer: {
      // The organisation publishing the app must supply these (TEAMS_*); the defaults only
      // make a package that can be sideloaded for testing.
      name: config.teams.developerName,
      websiteUrl: config.teams.websiteUrl ?? `${baseUrl}/`,
      privacyUrl: config.teams.privacyUrl ?? `${baseUrl}/privacy`,
      termsOfUseUrl: config.teams.termsOfUseUrl ?? `${baseUrl}/terms`,
    },
    name: { short: t(DEFAULT_LANGUAGE, 'teams.nameShort'), full: t(DEFAULT_LANGUAGE, 'teams.nameFull') },
    description: { short: t(DEFAULT_LANGUAGE, 'teams.descriptionShort'), full: t(DEFAULT_LANGUAGE, 'help') },
    icons: { color: PACKAGE_FILES.colorIcon, outline: PACKAGE_FILES.outlineIcon },
    accentColor: BRAND_COLOR,
    bots: [
      {
        botId,
        scopes: [...SCOPES],
        // A crew's spreadsheet sent in personal chat arrives as a file-download-info attachment.
        supportsFiles: true,
        isNotificationOnly: false,
        commandLists: [{ scopes: [...SCOPES], commands }],
      },
    ],
    validDomains: validDomainsOf(config),
  };
  const localizations = { nl: localizationIn('nl'), de: localizationIn('de'), en: localizationIn('en') };
  return { manifest, localizations };
}

function commandsIn(locale: Locale): TeamsCommand[] {
  return COMMANDS.map((id) =>
    id === 'exempt'
      ? { title: t(locale, 'actions.exemptToday'), description: t(locale, 'intro') }
      : { title: t(locale, COMMAND_TITLE_KEYS[id]), description: t(locale, `teams.command.${id}`) },
  );
}

/** Keys as the localization schema spells them: `name.short`, `bots[0].commandLists[0].commands[i].title`. */
function localizationIn(language: AdditionalLanguage): TeamsLocalization {
  const entries: [string, string][] = [
    ['$schema', `${SCHEMA_BASE_URL}/MicrosoftTeams.Localization.schema.json`],
    ['name.short', t(language, 'teams.nameShort')],
    ['name.full', t(language, 'teams.nameFull')],
    ['description.short', t(language, 'teams.descriptionShort')],
    ['description.full', t(language, 'help')],
  ];
  commandsIn(language).forEach((command, i) => {
    entries.push([`bots[0].commandLists[0].commands[${i}].title`, command.title]);
    entries.push([`bots[0].commandLists[0].commands[${i}].description`, command.description]);
  });
  return Object.fromEntries(entries);
}

/** Hosts that can never be valid domains of a published app: Teams refuses local addresses. */
const LOCAL_HOSTS = /^(?:localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|0\.0\.0\.0)$/i;

/**
 * The bot's public host plus TEAMS_VALID_DOMAINS, as bare host names (no scheme, port or path).
 * Local addresses are left out: the default PUBLIC_BASE_URL is http://localhost, which Teams
 * does not accept in validDomains — a package built without a public address simply lists none.
 */
function validDomainsOf(config: Config): string[] {
  const domains = [config.storage.publicBaseUrl, ...config.teams.validDomains]
    .map(toDomain)
    .filter((domain): domain is string => domain !== undefined && !LOCAL_HOSTS.test(domain));
  return [...new Set(domains)];
}

function toDomain(entry: string): string | undefined {
  const withoutScheme = entry.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const host = withoutScheme.split(/[/?#]/)[0] ?? '';
  // A port is not part of a domain; IPv6 literals keep their brackets.
  const domain = host.startsWith('[') ? host.replace(/\]:\d+$/, ']') : host.replace(/:\d+$/, '');
  return domain === '' ? undefined : domain.toLowerCase();
}

export type ManifestValidation = { readonly ok: true } | { readonly ok: false; readonly errors: readonly string[] };

interface Validators {
  readonly manifest: ValidateFunction;
  readonly localization: ValidateFunction;
}

let validators: Validators | undefined;

/** The schema files used, inside the installed @microsoft/app-manifest package. */
export function schemaPaths(): { readonly manifest: string; readonly localization: string } {
  const folder = `@microsoft/app-manifest/build/json-schemas/teams/v${MANIFEST_VERSION}`;
  return {
    manifest: require.resolve(`${folder}/MicrosoftTeams.schema.json`),
    localization: require.resolve(`${folder}/MicrosoftTeams.Localization.schema.json`),
  };
}

/**
 * Every `$ref` in the schema, so that a test can prove they are all local (`#/...`): Ajv then
 * never needs, nor tries, to fetch anything — `compile` fails on a ref it does not hold.
 */
export function collectRefs(schema: unknown): string[] {
  if (Array.isArray(schema)) return schema.flatMap(collectRefs);
  if (schema === null || typeof schema !== 'object') return [];
  return Object.entries(schema).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [value] : collectRefs(value),
  );
}

function loadSchema(path: string): Record<string, unknown> {
  const schema: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) throw new Error(`Not a JSON schema: ${path}`);
  return schema as Record<string, unknown>;
}

function compileValidators(): Validators {
  const paths = schemaPaths();
  // The Teams schemas declare JSON Schema draft-04 ($schema http://json-schema.org/draft-04/schema#),
  // which the default Ajv class (draft-07) does not read; ajv-draft-04 does.
  const ajv = new Ajv({
    allErrors: true,
    strictTypes: false,
    // The localization schema's key patterns hold a lone `]` (`…\b]\.description$`), valid in
    // a plain JavaScript RegExp but not with the `u` flag Ajv adds by default.
    unicodeRegExp: false,
  });
  addFormats(ajv, ['uri']);
  return {
    manifest: ajv.compile(loadSchema(paths.manifest)),
    localization: ajv.compile(loadSchema(paths.localization)),
  };
}

function describeErrors(file: string, errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${file}${e.instancePath || '/'}: ${e.message ?? e.keyword}${paramsText(e)}`);
}

function paramsText(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const detail = params['additionalProperty'] ?? params['allowedValues'] ?? params['pattern'];
  return detail === undefined ? '' : ` (${JSON.stringify(detail)})`;
}

/**
 * Validates the manifest and each localization file against the schemas shipped by
 * @microsoft/app-manifest for MANIFEST_VERSION, offline. Returns every problem found.
 */
export function validateManifest(files: TeamsManifestFiles): ManifestValidation {
  validators ??= compileValidators();
  const { manifest, localization } = validators;
  const errors: string[] = [];
  if (!manifest(files.manifest)) errors.push(...describeErrors(PACKAGE_FILES.manifest, manifest.errors));
  for (const language of ADDITIONAL_LANGUAGES) {
    if (!localization(files.localizations[language])) {
      errors.push(...describeErrors(PACKAGE_FILES.localization(language), localization.errors));
    }
  }
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}
