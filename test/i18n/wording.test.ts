import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { CATALOGS, LOCALES, type Locale } from '../../src/i18n/index.js';
import { OUTCOMES } from '../../src/procedure/table.js';
import { verdictActivity } from '../../dialogs/messages.js';
import { INSTANTS } from '../helpers/testBot.js';

/** The strings people read, with their keys; word lists for recognition are not shown to anyone. */
function shownStrings(node: unknown, path: string[] = []): [string, string][] {
  if (typeof node === 'string') return [[path.join('.'), node]];
  if (Array.isArray(node) || node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => shownStrings(value, [...path, key]));
}

/** Every label that becomes a button: answers, follow-up actions, confirmations, listing buttons. */
function buttonLabels(locale: Locale): [string, string][] {
  const c = CATALOGS[locale];
  const answers = Object.entries(c.procedure.node).flatMap(([node, texts]) =>
    Object.entries(texts.answer as Record<string, { label: string }>).map(([answer, { label }]) => [`${node}.${answer}`, label] as [string, string]),
  );
  return [
    ...answers,
    ...Object.entries(c.actions).map(([k, v]) => [`actions.${k}`, v] as [string, string]),
    ['confirm.yes', c.confirm.yes],
    ['confirm.no', c.confirm.no],
    ['listing.erase.yesButton', c.listing.erase.yesButton],
    ['listing.erase.noButton', c.listing.erase.noButton],
    ['listing.todayButton', c.listing.todayButton],
    ['listing.addButton', c.listing.addButton],
    ['meta.languageName', c.meta.languageName],
  ];
}

describe('wording fit for a phone', () => {
  it.each(LOCALES)('[%s] every button label has at most 25 characters', (locale) => {
    const tooLong = buttonLabels(locale).filter(([, label]) => [...label].length > 25);
    expect(tooLong).toEqual([]);
  });

  it.each(LOCALES)('[%s] every verdict starts with a short first line, details after', (locale) => {
    for (const outcome of Object.values(OUTCOMES)) {
      const text = verdictActivity(locale, outcome, loadConfig({}).contactCentre, INSTANTS.open).text ?? '';
      const [first, ...rest] = text.split('\n');
      expect([...(first ?? '')].length, outcome.id).toBeLessThanOrEqual(50);
      expect(rest.join('\n').trim().length, outcome.id).toBeGreaterThan(0);
    }
  });
});

const NNBSP = '\u202f';

describe('typography', () => {
  const french = shownStrings({ ...CATALOGS.fr, intents: {}, intentsListing: {}, intentsReminder: {}, understanding: {} });

  it('French: a narrow no-break space before ? ! ; and inside « »', () => {
    const wrong = french.filter(([, text]) => /(?:^|[^\u202f])[?!;]|«(?!\u202f)|(?<!\u202f)»/u.test(text));
    expect(wrong).toEqual([]);
    expect(french.some(([, text]) => text.includes(`${NNBSP}?`))).toBe(true);
  });

  it.each(LOCALES.filter((l) => l !== 'fr'))('[%s] "; " between clauses, never a space before ; ? !', (locale) => {
    const strings = shownStrings({ ...CATALOGS[locale], intents: {}, intentsListing: {}, intentsReminder: {}, understanding: {} });
    expect(strings.filter(([, text]) => /[ \u00a0\u202f][;?!]/u.test(text))).toEqual([]);
    expect(CATALOGS[locale].procedure.clauseSeparator).toBe('; ');
  });
});

describe('faithful wording (language review)', () => {
  it('the service-down verdict gives evidence as advice, the third-party one as the condition of the text', () => {
    for (const locale of LOCALES) {
      const { exemptServiceDown, exemptThirdParty } = CATALOGS[locale].procedure.outcome;
      expect(exemptServiceDown.followUp, locale).not.toMatch(/must|doit|moet|muss/i);
      expect(exemptThirdParty.followUp, locale).toMatch(/verifiable|vérifiable|verifieerbaar|überprüfbar/i);
    }
  });

  it('says "another arrangement", "Meldung von Arbeiten", "attendance list", and never "(NISS)" alone', () => {
    const all = (locale: Locale) => shownStrings(CATALOGS[locale]).map(([, t]) => t).join('\n');
    expect(all('en')).not.toMatch(/another organisation|attendance listing/);
    expect(CATALOGS.en.procedure.outcome.notExemptPermanent.followUp).toContain('another arrangement');
    expect(all('de')).not.toMatch(/Arbeitsmeldung|andere Organisation/);
    expect(all('de')).toContain('Meldung von Arbeiten');
    for (const locale of LOCALES) expect(all(locale), locale).not.toMatch(/\((?:NISS|INSZ|ENSS)\)/);
  });
});
