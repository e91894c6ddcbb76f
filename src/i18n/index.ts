export { CATALOGS, LOCALES, isLocale, negotiateLocale, type Catalog, type Locale } from './locales.js';
export { groups, list, t, translateDynamic, type ListKey, type MessageKey, type Params } from './translate.js';
export { normalizeText, containsPhrase } from './normalize.js';
