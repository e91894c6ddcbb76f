import type { TurnContext } from 'botbuilder';
import type { Locale } from '../src/i18n/index.js';

const LOCALE_KEY = Symbol('turnLocale');

/** The bot decides the locale once per turn (user choice > activity.locale > default). */
export function setTurnLocale(context: TurnContext, locale: Locale): void {
  context.turnState.set(LOCALE_KEY, locale);
}

export function turnLocale(context: TurnContext): Locale {
  const locale: unknown = context.turnState.get(LOCALE_KEY);
  if (typeof locale !== 'string') throw new Error('turnLocale read before the bot set it');
  return locale as Locale;
}
