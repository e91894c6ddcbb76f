import { CATALOGS, type Catalog, type Locale } from '../i18n/index.js';

/** The words of the Web Chat page around the chat (locales/, `webchat.*`); the chat itself speaks through the bot. */
export type PageTexts = Catalog['webchat'];

export function pageTexts(locale: Locale): PageTexts {
  return CATALOGS[locale].webchat;
}
