import de from '../../locales/de.json';
import en from '../../locales/en.json';
import fr from '../../locales/fr.json';
import nl from '../../locales/nl.json';

export const LOCALES = ['fr', 'nl', 'de', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** fr.json is the source: every other locale must have exactly its keys (a test proves it). */
export type Catalog = typeof fr;

export const CATALOGS: Readonly<Record<Locale, Catalog>> = { fr, nl, de, en };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * Picks our locale from a BCP-47 tag such as Teams' `nl-BE` or the Emulator's `en-US`:
 * only the primary language subtag matters. Unknown or missing tags give the fallback.
 */
export function negotiateLocale(tag: string | undefined, fallback: Locale): Locale {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(primary) ? primary : fallback;
}
