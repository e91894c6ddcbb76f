import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('has working defaults: port 3978, French, Mon–Fri 07:00–20:00 in Brussels, French menu keys', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3978);
    expect(config.defaultLocale).toBe('fr');
    expect(config.bot.appId).toBeUndefined();
    expect(config.contactCentre.phone).toBe('02 511 51 51');
    expect(config.contactCentre.schedule.zone).toBe('Europe/Brussels');
    expect(config.contactCentre.schedule.weekly[1]).toEqual([{ start: '07:00', end: '20:00' }]);
    expect(config.contactCentre.schedule.weekly[6]).toEqual([]);
    expect(config.contactCentre.schedule.closedOnLegalHolidays).toBe(true);
    expect(config.contactCentre.menuKeys).toEqual({ fr: ['2', '5', '6'] });
  });

  it('reads .env.example to exactly the defaults', () => {
    const env = parseEnv(readFileSync('.env.example', 'utf8'));
    expect(loadConfig(env)).toEqual(loadConfig({}));
  });

  it.each([
    ['PORT', 'abc', 'PORT'],
    ['PORT', '70000', 'PORT'],
    ['DEFAULT_LOCALE', 'es', 'DEFAULT_LOCALE'],
    ['MicrosoftAppType', 'Single', 'MicrosoftAppType'],
    ['CONTACT_CENTRE_TIME_ZONE', 'Europe/Brussel', 'CONTACT_CENTRE_TIME_ZONE'],
    ['CONTACT_CENTRE_HOURS', 'mon-fri 07:00-25:00', 'CONTACT_CENTRE_HOURS'],
    ['CONTACT_CENTRE_HOURS', 'monday 07:00-20:00', 'CONTACT_CENTRE_HOURS'],
    ['CONTACT_CENTRE_CLOSED_ON_LEGAL_HOLIDAYS', 'maybe', 'CONTACT_CENTRE_CLOSED_ON_LEGAL_HOLIDAYS'],
    ['CONTACT_CENTRE_EXTRA_CLOSED_DATES', '2026-12-24, 24/12/2026', 'CONTACT_CENTRE_EXTRA_CLOSED_DATES'],
    ['CONTACT_FORM_URL', 'not a url', 'CONTACT_FORM_URL'],
    ['CONTACT_CENTRE_MENU_KEYS', '{"fr":[2,5]}', 'CONTACT_CENTRE_MENU_KEYS'],
    ['CONTACT_CENTRE_MENU_KEYS', '{"es":["1"]}', 'CONTACT_CENTRE_MENU_KEYS'],
    ['CONTACT_CENTRE_MENU_KEYS', 'fr=2,5,6', 'CONTACT_CENTRE_MENU_KEYS'],
  ])('refuses %s=%s with a message naming the variable', (name, value, named) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${named}: `));
  });

  it('requires a tenant id for a single-tenant bot', () => {
    expect(() => loadConfig({ MicrosoftAppId: 'id', MicrosoftAppType: 'SingleTenant' })).toThrow(/MicrosoftAppTenantId/);
  });
});

describe('the bot identity, as Azure issues it now', () => {
  const APP = '6a3c9f0e-1111-4222-8333-944445555666';
  const TENANT = '0f1e2d3c-aaaa-4bbb-8ccc-123456789abc';

  it('is single-tenant by default, and a start-up error names the missing tenant id', () => {
    expect(loadConfig({}).bot.appType).toBe('SingleTenant');
    expect(() => loadConfig({ MicrosoftAppId: APP, MicrosoftAppPassword: 'secret' })).toThrow(/^Invalid configuration:\n {2}- MicrosoftAppTenantId: required when MicrosoftAppType is SingleTenant/);
    const config = loadConfig({ MicrosoftAppId: APP, MicrosoftAppPassword: 'secret', MicrosoftAppTenantId: TENANT });
    expect(config.bot).toMatchObject({ appId: APP, appType: 'SingleTenant', appTenantId: TENANT });
  });

  it('requires the client secret of a single-tenant or multi-tenant registration', () => {
    expect(() => loadConfig({ MicrosoftAppId: APP, MicrosoftAppTenantId: TENANT })).toThrow(/MicrosoftAppPassword: required when MicrosoftAppType is SingleTenant/);
    expect(() => loadConfig({ MicrosoftAppId: APP, MicrosoftAppType: 'MultiTenant' })).toThrow(/MicrosoftAppPassword: required when MicrosoftAppType is MultiTenant/);
  });

  it('takes a user-assigned managed identity: its client id, the tenant, and no secret', () => {
    const config = loadConfig({ MicrosoftAppId: APP, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: TENANT });
    expect(config.bot).toMatchObject({ appId: APP, appType: 'UserAssignedMSI', appPassword: undefined });
    expect(() => loadConfig({ MicrosoftAppId: APP, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: TENANT, MicrosoftAppPassword: 'x' })).toThrow(
      /MicrosoftAppPassword: must be empty when MicrosoftAppType is UserAssignedMSI/,
    );
    expect(() => loadConfig({ MicrosoftAppId: APP, MicrosoftAppType: 'UserAssignedMSI' })).toThrow(/MicrosoftAppTenantId: required when MicrosoftAppType is UserAssignedMSI/);
    expect(() =>
      loadConfig({ MicrosoftAppId: APP, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: TENANT, AZURE_CLIENT_ID: TENANT }),
    ).toThrow(/AZURE_CLIENT_ID: differs from MicrosoftAppId/);
  });

  it('still accepts a legacy multi-tenant registration, without a tenant', () => {
    expect(loadConfig({ MicrosoftAppId: APP, MicrosoftAppPassword: 'secret', MicrosoftAppType: 'MultiTenant' }).bot.appType).toBe('MultiTenant');
  });

  it('refuses a tenant id that is neither a GUID nor a domain, and an unknown type, naming the variable', () => {
    expect(() => loadConfig({ MicrosoftAppTenantId: 'my tenant' })).toThrow(/MicrosoftAppTenantId: must be the directory \(tenant\) id/);
    expect(() => loadConfig({ MicrosoftAppType: 'SystemAssignedMSI' })).toThrow(/MicrosoftAppType: must be one of SingleTenant, UserAssignedMSI, MultiTenant/);
  });

  it('needs only the app id to build the Teams package', () => {
    expect(loadConfig({ MicrosoftAppId: APP }, 'package').bot.appId).toBe(APP);
  });
});

describe('storage access', () => {
  const URL_ = 'https://contosobot.blob.core.windows.net';
  const IDENTITY = '9d8c7b6a-1111-4222-8333-944445555666';

  it('starts the embedded Azurite when nothing is configured', () => {
    expect(loadConfig({}).storage.access).toEqual({ kind: 'embedded' });
  });

  it('keeps connection strings working', () => {
    expect(loadConfig({ AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }).storage.access).toEqual({
      kind: 'connectionString',
      connectionString: 'UseDevelopmentStorage=true',
    });
  });

  it('uses Entra ID with the account URL: the managed identity of AZURE_CLIENT_ID, else DefaultAzureCredential', () => {
    expect(loadConfig({ AZURE_STORAGE_ACCOUNT_URL: `${URL_}/`, AZURE_CLIENT_ID: IDENTITY }).storage.access).toEqual({
      kind: 'entraId',
      accountUrl: URL_,
      credential: { kind: 'managedIdentity', clientId: IDENTITY },
    });
    expect(loadConfig({ AZURE_STORAGE_ACCOUNT_URL: URL_ }).storage.access).toMatchObject({ credential: { kind: 'default' } });
    expect(loadConfig({ AZURE_STORAGE_ACCOUNT_URL: URL_, AZURE_STORAGE_CREDENTIAL: 'managed-identity' }).storage.access).toMatchObject({
      credential: { kind: 'managedIdentity', clientId: undefined },
    });
  });

  it("uses the bot's own managed identity for storage when the bot is one", () => {
    const access = loadConfig({ AZURE_STORAGE_ACCOUNT_URL: URL_, MicrosoftAppId: IDENTITY, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: 'contoso.onmicrosoft.com' }).storage.access;
    expect(access).toMatchObject({ credential: { kind: 'managedIdentity', clientId: IDENTITY } });
  });

  it.each([
    [{ AZURE_STORAGE_ACCOUNT_URL: 'http://contosobot.blob.core.windows.net' }, /AZURE_STORAGE_ACCOUNT_URL: must be the https blob endpoint/],
    [{ AZURE_STORAGE_ACCOUNT_URL: URL_, AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }, /AZURE_STORAGE_ACCOUNT_URL: set either it/],
    [{ AZURE_STORAGE_CREDENTIAL: 'default' }, /AZURE_STORAGE_CREDENTIAL: only used with AZURE_STORAGE_ACCOUNT_URL/],
    [{ AZURE_STORAGE_ACCOUNT_URL: URL_, AZURE_STORAGE_CREDENTIAL: 'key' }, /AZURE_STORAGE_CREDENTIAL: must be managed-identity or default/],
    [{ AZURE_CLIENT_ID: 'my-identity' }, /AZURE_CLIENT_ID: must be the client id/],
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('accepts confirmed hours, closed dates, a form address and more menu keys', () => {
    const config = loadConfig({
      CONTACT_CENTRE_HOURS: 'mon-thu 08:00-12:00,13:00-17:00; fri 08:00-12:00',
      CONTACT_CENTRE_EXTRA_CLOSED_DATES: '2026-12-24, 2026-12-31',
      CONTACT_FORM_URL: 'https://example.org/contact',
      CONTACT_CENTRE_MENU_KEYS: '{"fr":["2","5","6"],"nl":["1","5","6"]}',
    });
    expect(config.contactCentre.schedule.weekly[5]).toEqual([{ start: '08:00', end: '12:00' }]);
    expect(config.contactCentre.schedule.extraClosedDates).toEqual(['2026-12-24', '2026-12-31']);
    expect(config.contactCentre.contactFormUrl).toBe('https://example.org/contact');
    expect(config.contactCentre.menuKeys.nl).toEqual(['1', '5', '6']);
  });
});
