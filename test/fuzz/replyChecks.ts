import type { Activity } from 'botbuilder';
import { CATALOGS, LOCALES, type Locale } from '../../src/i18n/index.js';

/**
 * What every reply of the bot must satisfy, whatever it was sent: text, no template left
 * unfilled, no raw catalog key, no `undefined`, and the conversation's language.
 *
 * The language check is built from the catalogs themselves. A reply is the expected locale's
 * catalog strings with their `{placeholders}` filled by values (numbers, dates, masked ids, what
 * the user typed). So, cutting every catalog string at its placeholders and line breaks into
 * fixed fragments:
 *  - the reply must contain at least one fragment that only the expected locale has (it is
 *    made of that catalog — not of values only, nor of another locale's text);
 *  - the reply must contain no long fragment (≥ 15 characters) of another locale that the
 *    expected locale's catalog does not contain as well, unless the user typed it themselves
 *    (the bot echoes a reference number or a note as typed);
 *  - every button title is one of the expected locale's strings (placeholders filled: "Appeler
 *    le 02 511 51 51"), or a language's own name (the language choice offers each language in
 *    itself).
 * A reply in the wrong language, or pieced together from several, fails one of these.
 */

const PLACEHOLDER = /\{\w+\}/g;
/** An ICU plural/select argument (`{count, plural, one {# worker} other {# workers}}`), one level deep. */
export const ICU_ARGUMENT = /\{\s*\w+\s*,\s*(?:plural|select|selectordinal)\s*,(?:[^{}]|\{[^{}]*\})*\}/g;

/** The text with each ICU argument as a placeholder, and each of their branches (`#` as a placeholder). */
function expandIcu(text: string): string[] {
  const branches = [...text.matchAll(ICU_ARGUMENT)].flatMap((m) => [...m[0].matchAll(/\{([^{}]*)\}/g)].map((b) => (b[1] ?? '').replace(/#/g, '{n}')));
  return [text.replace(ICU_ARGUMENT, '{arg}'), ...branches];
}

function stringLeaves(node: unknown, out: string[]): string[] {
  if (typeof node === 'string') out.push(node);
  else if (node !== null && typeof node === 'object' && !Array.isArray(node)) for (const value of Object.values(node)) stringLeaves(value, out);
  return out;
}

/** Every string in the catalogs, word lists included: the vocabulary users may type. */
export function vocabulary(): string[] {
  const words: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') words.push(node);
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') Object.values(node).forEach(walk);
  };
  for (const locale of LOCALES) walk(CATALOGS[locale]);
  return [...new Set(words)];
}

const hasLetters = (text: string) => /\p{L}{3}/u.test(text);

function fragmentsOf(text: string): string[] {
  return expandIcu(text)
    .flatMap((part) => part.split(PLACEHOLDER))
    .flatMap((part) => part.split('\n'))
    // Markdown decoration around a fragment is the rendering's, not the catalog's.
    .map((part) => part.replace(/^[\s_*\-–—:;,.()«»"“”„'’]+|[\s_*\-–—:;,.()«»"“”„'’]+$/g, ''))
    .filter(hasLetters);
}

/** One value per locale, without a cast. */
function byLocale<T>(make: (locale: Locale) => T): Readonly<Record<Locale, T>> {
  return { fr: make('fr'), nl: make('nl'), de: make('de'), en: make('en') };
}

interface LocaleText {
  readonly strings: ReadonlySet<string>;
  /** Strings with placeholders ("Call {phone}"), as patterns their filled forms match. */
  readonly templates: readonly RegExp[];
  readonly joined: string;
  readonly fragments: readonly string[];
}

const TEXTS = byLocale<LocaleText>((locale) => {
  const strings = stringLeaves(CATALOGS[locale], []);
  const templates = strings
    .filter((text) => /\{\w+\}/.test(text) && fragmentsOf(text).length > 0)
    .map((text) => new RegExp(`^${text.split(PLACEHOLDER).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+?')}$`, 's'));
  return { strings: new Set(strings), templates, joined: strings.join('\u0000').toLowerCase(), fragments: [...new Set(strings.flatMap(fragmentsOf))] };
});

const LANGUAGE_NAMES: ReadonlySet<string> = new Set(LOCALES.map((l) => CATALOGS[l].meta.languageName));

const EXCLUSIVE = byLocale<readonly string[]>((locale) =>
  TEXTS[locale].fragments.filter((f) => f.length >= 8 && LOCALES.every((other) => other === locale || !TEXTS[other].joined.includes(f.toLowerCase()))),
);

const FOREIGN = byLocale<readonly string[]>((locale) =>
  [...new Set(LOCALES.filter((other) => other !== locale).flatMap((other) => TEXTS[other].fragments))].filter(
    (f) => f.length >= 15 && !TEXTS[locale].joined.includes(f.toLowerCase()),
  ),
);

// Catalog paths such as `listing.error.workerId.checksum` or `procedure.node.cause.question`.
const RAW_KEY = /\b(?:meta|procedure|listing|evidence|error|actions|prompt|reminder|language|intents|intentsListing|clause|route|centre|opening|holiday|teams|webchat)\.[a-z]\w*(?:\.\w+)*/g;
const SUSPICIOUS = [/\{\w+\}/g, /undefined/g, /\[object \w*\]?/g, /\bNaN\b/g, /Invalid DateTime/g, RAW_KEY];

/** The locale a reply shows was switched to ("Alright, I'll continue in English."), if it is one. */
export function switchedLocaleOf(text: string): Locale | undefined {
  return LOCALES.find((l) => text === CATALOGS[l].language.switched);
}

function buttonTitles(reply: Partial<Activity>): string[] {
  const titles = (reply.suggestedActions?.actions ?? []).map((a) => String(a.title ?? ''));
  for (const attachment of reply.attachments ?? []) {
    const content = attachment.content as { actions?: { title?: unknown }[]; body?: { label?: unknown; errorMessage?: unknown }[] } | undefined;
    for (const action of content?.actions ?? []) titles.push(String(action.title ?? ''));
    for (const element of content?.body ?? []) {
      if (element.label !== undefined) titles.push(String(element.label));
      if (element.errorMessage !== undefined) titles.push(String(element.errorMessage));
    }
  }
  return titles;
}

/**
 * What is wrong with one reply, in a conversation whose language is `expected`; `typed` is
 * everything the user sent in the conversation so far (lower-cased), which the bot may echo.
 */
export function replyProblems(reply: Partial<Activity>, expected: Locale, typed: string): string[] {
  const problems: string[] = [];
  if (reply.type !== 'message') return [`a ${String(reply.type)} activity`];
  const text = reply.text ?? '';
  if (text.trim() === '') problems.push('empty text');
  for (const pattern of SUSPICIOUS) {
    for (const match of text.matchAll(pattern)) {
      if (!typed.includes(match[0].toLowerCase())) problems.push(`"${match[0]}" in the text`);
    }
  }
  const lower = text.toLowerCase();
  if (text.trim() !== '' && !EXCLUSIVE[expected].some((f) => text.includes(f))) problems.push(`no ${expected} text`);
  for (const fragment of FOREIGN[expected]) {
    const f = fragment.toLowerCase();
    if (lower.includes(f) && !typed.includes(f)) problems.push(`foreign text "${fragment}"`);
  }
  for (const title of buttonTitles(reply)) {
    const isCatalogText = TEXTS[expected].strings.has(title) || TEXTS[expected].templates.some((template) => template.test(title));
    if (!isCatalogText && !LANGUAGE_NAMES.has(title)) problems.push(`button "${title}" is not ${expected} text`);
  }
  return problems;
}

/** Every string inside a value the user sent (text, card fields), for `typed`. */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(k), stringsIn(v, out);
  return out;
}
