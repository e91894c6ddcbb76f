import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Config, ConfigError, loadConfig } from '../../src/config.js';
import { LOCALES, type Locale, t } from '../../src/i18n/index.js';
import {
  ADDITIONAL_LANGUAGES,
  buildManifest,
  collectRefs,
  MANIFEST_VERSION,
  schemaPaths,
  type TeamsManifestFiles,
  validateManifest,
} from '../../src/teams/manifest.js';
import { recognizeIntent } from '../../src/understanding/recognize.js';

const BOT_ID = '8c1b4a6e-2f3d-4b5a-9c7e-1d2e3f4a5b6c';
const TEAMS_APP_ID = '0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a';

const configWith = (env: Record<string, string> = {}): Config =>
  loadConfig({ MicrosoftAppId: BOT_ID, PUBLIC_BASE_URL: 'https://bot.example.org', ...env }, 'package');

/** The command list's titles in one language: the manifest's (fr) or a localization file's. */
function commandTitles(files: TeamsManifestFiles, locale: Locale): string[] {
  const commands = files.manifest.bots[0]?.commandLists[0]?.commands ?? [];
  if (locale === 'fr') return commands.map((c) => c.title);
  const localization = files.localizations[locale];
  return commands.map((_, i) => localization[`bots[0].commandLists[0].commands[${i}].title`] ?? '');
}

describe('Teams manifest', () => {
  beforeAll(() => {
    // Validation is offline: any attempt to reach the network fails the test.
    vi.stubGlobal('fetch', () => {
      throw new Error('validation must not use the network');
    });
  });
  afterAll(() => {
    vi.unstubAllGlobals();
  });

  it(`validates, with its nl/de/en localization files, against the v${MANIFEST_VERSION} schemas of @microsoft/app-manifest`, () => {
    const result = validateManifest(buildManifest(configWith()));
    expect(result).toEqual({ ok: true });
    expect(schemaPaths().manifest).toMatch(/@microsoft\/app-manifest\/build\/json-schemas\/teams\/v1\.30\/MicrosoftTeams\.schema\.json$/);
    expect(schemaPaths().localization).toMatch(/v1\.30\/MicrosoftTeams\.Localization\.schema\.json$/);
  });

  it('uses schemas whose every $ref is local, so nothing is ever fetched', () => {
    for (const path of Object.values(schemaPaths())) {
      const schema: unknown = JSON.parse(readFileSync(path, 'utf8'));
      const refs = collectRefs(schema);
      expect(refs.length).toBeGreaterThan(0);
      expect(refs.filter((ref) => !ref.startsWith('#'))).toEqual([]);
    }
  });

  it('reports what breaks the schema, in the manifest and in a localization file', () => {
    const files = buildManifest(configWith());
    const broken: TeamsManifestFiles = {
      manifest: { ...files.manifest, accentColor: 'blue', name: { short: 'x'.repeat(31), full: files.manifest.name.full } },
      localizations: { ...files.localizations, de: { ...files.localizations.de, 'bots[0].commandLists[3].commands[0].title': 'Hilfe' } },
    };
    const result = validateManifest(broken);
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.some((e) => e.startsWith('manifest.json/accentColor'))).toBe(true);
    expect(errors.some((e) => e.startsWith('manifest.json/name/short'))).toBe(true);
    expect(errors.some((e) => e.startsWith('de.json') && e.includes('commandLists[3]'))).toBe(true);
  });

  it('offers the bot in personal chats, teams and group chats, with its commands in all three', () => {
    const bot = buildManifest(configWith()).manifest.bots[0];
    expect(bot?.scopes).toEqual(expect.arrayContaining(['personal', 'team', 'groupChat']));
    expect(bot?.commandLists[0]?.scopes).toEqual(expect.arrayContaining(['personal', 'team', 'groupChat']));
    expect(bot).toMatchObject({ supportsFiles: false, isNotificationOnly: false });
  });

  it('takes the bot id from MicrosoftAppId and the app id from TEAMS_APP_ID, defaulting to the bot id', () => {
    const byDefault = buildManifest(configWith()).manifest;
    expect(byDefault.bots[0]?.botId).toBe(BOT_ID);
    expect(byDefault.id).toBe(BOT_ID);
    const own = buildManifest(configWith({ TEAMS_APP_ID })).manifest;
    expect(own.id).toBe(TEAMS_APP_ID);
    expect(own.bots[0]?.botId).toBe(BOT_ID);
  });

  it('refuses to build without MicrosoftAppId, naming the variable', () => {
    const config = loadConfig({ PUBLIC_BASE_URL: 'https://bot.example.org' });
    expect(() => buildManifest(config)).toThrow(ConfigError);
    expect(() => buildManifest(config)).toThrow(/MicrosoftAppId: required to build the Teams app package/);
  });

  it('refuses a MicrosoftAppId that is not a GUID, naming the variable', () => {
    expect(() => buildManifest(configWith({ MicrosoftAppId: 'my-bot' }))).toThrow(/MicrosoftAppId: must be a GUID/);
  });

  it('lists the public host and TEAMS_VALID_DOMAINS as bare domains', () => {
    const manifest = buildManifest(
      configWith({
        PUBLIC_BASE_URL: 'https://Bot.Example.org:8443/base/',
        TEAMS_VALID_DOMAINS: 'https://cdn.example.org/assets, *.example.net,bot.example.org',
      }),
    ).manifest;
    expect(manifest.validDomains).toEqual(['bot.example.org', 'cdn.example.org', '*.example.net']);
    expect(manifest.developer.privacyUrl).toBe('https://Bot.Example.org:8443/base/privacy');
  });

  it('leaves local addresses out of validDomains, since Teams refuses them', () => {
    const local = loadConfig({ MicrosoftAppId: BOT_ID, TEAMS_VALID_DOMAINS: '127.0.0.1,localhost:3978,teams.example.org' }, 'package');
    expect(local.storage.publicBaseUrl).toBe('http://localhost:3978');
    const result = buildManifest(local);
    expect(result.manifest.validDomains).toEqual(['teams.example.org']);
    expect(validateManifest(result)).toEqual({ ok: true });
  });

  it('is in French, with nl, de and en localization files', () => {
    const { manifest, localizations } = buildManifest(configWith());
    expect(manifest.localizationInfo).toEqual({
      defaultLanguageTag: 'fr',
      additionalLanguages: [
        { languageTag: 'nl', file: 'nl.json' },
        { languageTag: 'de', file: 'de.json' },
        { languageTag: 'en', file: 'en.json' },
      ],
    });
    expect(Object.keys(localizations).sort()).toEqual([...ADDITIONAL_LANGUAGES].sort());
    expect(manifest.description.full).toBe(t('fr', 'help'));
    for (const language of ADDITIONAL_LANGUAGES) {
      const localization = localizations[language];
      expect(localization['description.full']).toBe(t(language, 'help'));
      for (const key of ['name.short', 'name.full', 'description.short']) {
        expect(localization[key], `${language} ${key}`).toBeTruthy();
      }
    }
    // Each language has its own name, not a copy of the French one.
    expect(new Set(LOCALES.map((l) => (l === 'fr' ? manifest.name.short : localizations[l]['name.short']))).size).toBe(4);
  });

  it('translates every command of the manifest in every localization file, from the locale files', () => {
    const files = buildManifest(configWith());
    const commands = files.manifest.bots[0]?.commandLists[0]?.commands ?? [];
    expect(commands.length).toBeGreaterThanOrEqual(5);
    for (const language of ADDITIONAL_LANGUAGES) {
      const keys = Object.keys(files.localizations[language]).filter((k) => k.startsWith('bots[0]'));
      expect(keys).toHaveLength(commands.length * 2);
    }
    for (const locale of LOCALES) {
      expect(commandTitles(files, locale)).toEqual(
        expect.arrayContaining([
          t(locale, 'actions.centreOpen'),
          t(locale, 'actions.haveReference'),
          t(locale, 'actions.help'),
          t(locale, 'actions.restart'),
        ]),
      );
    }
  });

  // Choosing a command sends its title as the user's message: the bot must understand it.
  it.each(LOCALES)('has command titles the bot recognises as its quick questions, in %s', (locale) => {
    const intents = commandTitles(buildManifest(configWith()), locale).map((title) => recognizeIntent(title).kind);
    expect(intents).toEqual(['exempt', 'centreOpen', 'startListing', 'recordEvidence', 'help', 'restart']);
  });

  it('keeps command titles within 32 characters, the limit of manifests before v1.22 and of the command menu', () => {
    const files = buildManifest(configWith());
    for (const locale of LOCALES) {
      for (const title of commandTitles(files, locale)) expect(title.length, title).toBeLessThanOrEqual(32);
    }
  });
});
