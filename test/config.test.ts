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

  it('checks for due reminders every 30 s unless told otherwise, from 1 s to an hour', () => {
    expect(loadConfig({}).reminders.checkIntervalSeconds).toBe(30);
    expect(loadConfig({ REMINDER_CHECK_SECONDS: '1' }).reminders.checkIntervalSeconds).toBe(1);
    expect(() => loadConfig({ REMINDER_CHECK_SECONDS: '0' })).toThrow(/REMINDER_CHECK_SECONDS: /);
  });

  it('takes a test clock file only outside production', () => {
    expect(loadConfig({}).testClockFile).toBeUndefined();
    expect(loadConfig({ TEST_CLOCK_FILE: '/tmp/now' }).testClockFile).toBe('/tmp/now');
    expect(() => loadConfig({ TEST_CLOCK_FILE: '/tmp/now', NODE_ENV: 'production' })).toThrow(/TEST_CLOCK_FILE: test only/);
    expect(() => loadConfig({ TEST_CLOCK_FILE: '/tmp/now', MicrosoftAppId: 'id', MicrosoftAppType: 'MultiTenant' })).toThrow(/TEST_CLOCK_FILE: test only/);
  });

  it('bridges dialog state through storage outages in memory unless told not to (several instances)', () => {
    expect(loadConfig({}).storage.stateOutageBridge).toBe('memory');
    expect(loadConfig({ STATE_OUTAGE_BRIDGE: 'off' }).storage.stateOutageBridge).toBe('off');
    expect(() => loadConfig({ STATE_OUTAGE_BRIDGE: 'no' })).toThrow(/STATE_OUTAGE_BRIDGE: /);
  });
});
