import { describe, expect, it } from 'vitest';
import { CATALOGS, LOCALES, negotiateLocale } from '../../src/i18n/index.js';
import { recognizeIntent } from '../../src/understanding/recognize.js';

type Leaf = string | readonly unknown[];
function flatten(node: unknown, prefix = ''): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  if (typeof node === 'string' || Array.isArray(node)) {
    out.set(prefix, node as Leaf);
    return out;
  }
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    for (const [k, v] of flatten(value, prefix ? `${prefix}.${key}` : key)) out.set(k, v);
  }
  return out;
}

// `{name}` and ICU arguments (`{count, plural, …}`); `#` inside a plural is not an argument.
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)(?:\}|\s*,\s*(?:plural|select|selectordinal)\s*,)/g)].map((m) => m[1]))].sort();
const source = flatten(CATALOGS.fr);

describe('locale files', () => {
  it.each(LOCALES)('%s has exactly the keys of fr.json', (locale) => {
    expect([...flatten(CATALOGS[locale]).keys()].sort()).toEqual([...source.keys()].sort());
  });

  it.each(LOCALES)('%s has no empty text and the same placeholders as fr.json', (locale) => {
    for (const [key, value] of flatten(CATALOGS[locale])) {
      const original = source.get(key);
      if (typeof value === 'string' && typeof original === 'string') {
        expect(value.trim(), key).not.toBe('');
        expect(placeholders(value), key).toEqual(placeholders(original));
      } else {
        expect(Array.isArray(value), key).toBe(true);
        expect((value as unknown[]).length, key).toBeGreaterThan(0);
      }
    }
  });

  it.each(LOCALES)('%s: the follow-up buttons are understood as the commands they name', (locale) => {
    const { actions } = CATALOGS[locale];
    expect(recognizeIntent(actions.restart).kind).toBe('restart');
    expect(recognizeIntent(actions.centreOpen).kind).toBe('centreOpen');
    expect(recognizeIntent(actions.help).kind).toBe('help');
    expect(recognizeIntent(CATALOGS[locale].meta.languageName)).toEqual({ kind: 'switchLanguage', locale });
  });

  it.each([
    ['nl-BE', 'nl'],
    ['fr-BE', 'fr'],
    ['de-DE', 'de'],
    ['en-US', 'en'],
    ['EN_gb', 'en'],
    ['es-ES', 'fr'],
    [undefined, 'fr'],
  ] as const)('negotiates %s to %s', (tag, expected) => {
    expect(negotiateLocale(tag, 'fr')).toBe(expected);
  });
});
