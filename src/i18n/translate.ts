import { IntlMessageFormat } from 'intl-messageformat';
import { CATALOGS, type Catalog, type Locale } from './locales.js';

/** Dotted paths to the string leaves of the catalog, e.g. `procedure.caveat`. */
type StringPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string
    ? `${Prefix}${K}`
    : T[K] extends readonly unknown[]
      ? never
      : StringPaths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** Dotted paths to the string-array leaves (recognition word lists). */
type ListPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends readonly string[]
    ? `${Prefix}${K}`
    : T[K] extends string | readonly unknown[]
      ? never
      : ListPaths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type MessageKey = StringPaths<Catalog>;
export type ListKey = ListPaths<Catalog>;
export type Params = Readonly<Record<string, string | number>>;

function lookup(locale: Locale, key: string): unknown {
  let node: unknown = CATALOGS[locale];
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/**
 * The localised text for `key`, with `{name}` placeholders filled from `params`. Keys are
 * checked at compile time against fr.json; a key missing at run time is a bug and throws.
 */
export function t(locale: Locale, key: MessageKey, params: Params = {}): string {
  return translateDynamic(locale, key, params);
}

/** For keys built from table ids (`procedure.node.${id}.question`); throws when absent. */
export function translateDynamic(locale: Locale, key: string, params: Params = {}): string {
  const text = lookup(locale, key);
  if (typeof text !== 'string') throw new Error(`Missing message "${key}" in locale ${locale}`);
  if (PLURAL_OR_SELECT.test(text)) return formatIcu(locale, key, text, params);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

// Messages with counts use ICU MessageFormat (`{count, plural, one {# worker} other {# workers}}`),
// formatted by intl-messageformat with the language's CLDR plural rules (Intl.PluralRules):
// "1 travailleur", "2 travailleurs", "0 travailleur" in French, "0 workers" in English. Only
// those messages go through it: in ICU an apostrophe before `{` starts a quotation, and the
// other messages are plain `{name}` templates.
const PLURAL_OR_SELECT = /\{\s*\w+\s*,\s*(?:plural|select|selectordinal)\s*,/;
const compiled = new Map<string, IntlMessageFormat>();

function formatIcu(locale: Locale, key: string, text: string, params: Params): string {
  const id = `${locale}\u0000${key}`;
  let format = compiled.get(id);
  if (format === undefined) {
    format = new IntlMessageFormat(text, locale, undefined, { ignoreTag: true });
    compiled.set(id, format);
  }
  const formatted = format.format<string>(params);
  return Array.isArray(formatted) ? formatted.join('') : String(formatted);
}

/** A word list from the catalog (synonyms, intent phrases); empty when absent. */
export function list(locale: Locale, key: ListKey | string): readonly string[] {
  const value = lookup(locale, key);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A list of phrase groups (all groups must match, any phrase within a group). */
export function groups(locale: Locale, key: string): readonly (readonly string[])[] {
  const value = lookup(locale, key);
  if (!Array.isArray(value)) return [];
  return value.filter(Array.isArray).map((g: unknown[]) => g.filter((v): v is string => typeof v === 'string'));
}
