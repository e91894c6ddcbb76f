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

/**
 * Marks every message the bot sends with the language it is written in (`activity.locale`):
 * channels use it (speech, spelling), and the language can change within a conversation when
 * the person writes in another one.
 */
export function labelOutgoingLocale(context: TurnContext): void {
  context.onSendActivities(async (ctx, activities, next) => {
    const locale: unknown = ctx.turnState.get(LOCALE_KEY);
    if (typeof locale === 'string') for (const activity of activities) if (activity.type === 'message') activity.locale = locale;
    return next();
  });
}

const LEAD_IN_KEY = Symbol('leadIn');

/**
 * A line to put before the next question of this turn ("All right, let's start again…"), so the
 * user gets one message rather than two: each message is a request to the channel.
 */
export function setLeadIn(context: TurnContext, text: string): void {
  context.turnState.set(LEAD_IN_KEY, text);
}

/** The lead-in set for this turn, once: whoever takes it sends it. */
export function takeLeadIn(context: TurnContext): string | undefined {
  const text: unknown = context.turnState.get(LEAD_IN_KEY);
  context.turnState.delete(LEAD_IN_KEY);
  return typeof text === 'string' ? text : undefined;
}
