import { type Activity, ActionTypes, ActivityTypes, type CardAction } from 'botbuilder';
import type { PromptValidatorContext } from './botbuilderDialogs.js';
import { DateTime } from 'luxon';
import type { ContactCentreConfig } from '../src/config.js';
import { type CentreStatus, getCentreStatus } from '../src/contactCentre/index.js';
import { isLocale, type Locale, type MessageKey, t, translateDynamic } from '../src/i18n/index.js';
import { LISTING_ZONE } from '../src/listing/model.js';
import { type Outcome, type ProcedureNode } from '../src/procedure/table.js';

/**
 * Turns domain results (a question of the table, a verdict, the contact centre's status) into
 * localised activities. Every user-visible word comes from locales/.
 */

/**
 * Escapes what markdown would otherwise eat in a value shown to the user: a masked number's
 * `***.**` would render as emphasis, a note's `_` or `[` as formatting or a link. And keeps
 * URL-shaped text from becoming a link (autolinks): Web Chat's markdown-it runs with `linkify`,
 * which links `https://…`, `www.…` and bare `name.tld` even when escaped — so a reference number
 * or an evidence note could put a clickable link in front of colleagues. A word joiner (U+2060,
 * invisible) after a scheme's letters, between `//` and after each dot before a letter breaks
 * what linkify recognises; the text reads the same.
 */
const WORD_JOINER = '\u2060';
const URL_SCHEME = /\b([a-z][a-z0-9+.-]*)(?=:\/\/)|\b(mailto|tel|sms)(?=:)/gi;
const DOT_BEFORE_LETTER = /\.(?=\p{L})/gu;
const WWW = /\b(w)(ww)/gi;
const DOUBLE_SLASH = /\/\//g;

export function escapeMarkdown(value: string): string {
  return value
    .replace(/[\\`*_[\]<>#~|]/g, (c) => `\\${c}`)
    .replace(URL_SCHEME, (scheme) => `${scheme}${WORD_JOINER}`)
    .replace(DOT_BEFORE_LETTER, `.${WORD_JOINER}`)
    .replace(WWW, `$1${WORD_JOINER}$2`)
    .replace(DOUBLE_SLASH, `/${WORD_JOINER}/`);
}

export function textActivity(text: string, actions: readonly CardAction[] = []): Partial<Activity> {
  return {
    type: ActivityTypes.Message,
    text,
    textFormat: 'markdown',
    ...(actions.length > 0 ? { suggestedActions: { actions: [...actions], to: [] } } : {}),
  };
}

/** A button that sends its own label, so clicking and typing are the same answer. */
export function sayAction(title: string): CardAction {
  return { type: ActionTypes.ImBack, title, value: title };
}

/** What people usually want next: after a verdict, the step it leads to comes first. */
export function followUpActions(locale: Locale, outcome?: Outcome, isCentreClosed = false): CardAction[] {
  const next: MessageKey[] = [];
  if (outcome?.needsContactCentre && isCentreClosed) next.push('actions.remindMe');
  if (outcome?.needsContactCentre) next.push('actions.haveReference');
  if (outcome?.isExempt) next.push('actions.recordEvidence');
  const keys: MessageKey[] = [...next, 'actions.restart', 'actions.centreOpen', 'actions.help'];
  return keys.map((key) => sayAction(t(locale, key)));
}

function answerLabel(locale: Locale, node: ProcedureNode, answerId: string, part: 'label' | 'hint'): string {
  return translateDynamic(locale, `procedure.node.${node.id}.answer.${answerId}.${part}`);
}

/** The question, its options numbered (people on sites type "2"), and the same as buttons. */
export function questionActivity(locale: Locale, node: ProcedureNode, isRetry: boolean): Partial<Activity> {
  const options = node.answers.map(
    (a, i) => `${i + 1}. **${answerLabel(locale, node, a.id, 'label')}** — ${answerLabel(locale, node, a.id, 'hint')}`,
  );
  const lead = isRetry
    ? t(locale, 'prompt.retry', { count: node.answers.length })
    : translateDynamic(locale, `procedure.node.${node.id}.question`);
  const question = isRetry ? `${lead}\n\n${translateDynamic(locale, `procedure.node.${node.id}.question`)}` : lead;
  const text = `${question}\n\n${options.join('\n')}\n\n_${t(locale, 'prompt.answerHint')}_`;
  return textActivity(
    text,
    node.answers.map((a) => sayAction(answerLabel(locale, node, a.id, 'label'))),
  );
}

/**
 * The conventions dates are written in for each language, for users in Belgium: `en` is written
 * the British way ("Wednesday 2 December 2026", not "Wednesday, December 2, 2026").
 */
const FORMATTING_LOCALES: Readonly<Record<Locale, string>> = { fr: 'fr-BE', nl: 'nl-BE', de: 'de-BE', en: 'en-GB' };

export function formattingLocale(locale: Locale): string {
  return FORMATTING_LOCALES[locale];
}

/** A day as people read it: "vendredi 27 novembre 2026", "Friday 27 November 2026". */
export function formatDay(locale: Locale, isoDate: string): string {
  const day = DateTime.fromISO(isoDate, { zone: LISTING_ZONE }).setLocale(formattingLocale(locale));
  // The ICU data of Node 20 still puts a comma after the weekday in en-GB; British style has none.
  return locale === 'en' ? day.toFormat('cccc d LLLL yyyy') : day.toLocaleString(DateTime.DATE_HUGE);
}

/** "28 novembre", "28 November", "28. November": a day of the month as each language writes it. */
export function formatDayMonth(locale: Locale, at: DateTime): string {
  return at.setLocale(locale).toFormat(locale === 'de' ? 'd. LLLL' : 'd LLLL');
}

export function formatTime(at: DateTime): string {
  return at.toFormat('HH:mm');
}

/** "today at 07:00", "tomorrow at 07:00", "on Monday 28 December at 07:00", in the centre's zone. */
export function formatOpening(locale: Locale, at: DateTime | undefined, now: Date): string {
  if (!at) return t(locale, 'opening.unknown');
  const today = DateTime.fromJSDate(now).setZone(at.zone).startOf('day');
  const days = Math.round(at.startOf('day').diff(today, 'days').days);
  const time = formatTime(at);
  if (days === 0) return t(locale, 'opening.today', { time });
  if (days === 1) return t(locale, 'opening.tomorrow', { time });
  return t(locale, 'opening.later', { weekday: at.setLocale(locale).toFormat('cccc'), date: formatDayMonth(locale, at), time });
}

/**
 * `+32 2 511 51 51` → `tel:+3225115151`: a global number as RFC 3966 wants it (+ and digits),
 * the form every phone's dialer takes. Undefined when the configured number is not one.
 */
export function telUrl(phoneInternational: string): string | undefined {
  const compact = phoneInternational.replace(/[\s().\/-]/g, '');
  return /^\+[1-9]\d{5,14}$/.test(compact) ? `tel:${compact}` : undefined;
}

/** The number as people read it, a link that dials it on a phone (one tap); the digits stay visible. */
function phoneLink(centre: ContactCentreConfig): string {
  const url = telUrl(centre.phoneInternational);
  return url ? `[${centre.phone}](${url})` : centre.phone;
}

/**
 * The buttons of the route of step 3.2: "Call 02 511 51 51" (a tel: link) while the centre is
 * open; the contact form when it is closed and its address is configured. They open a URL and
 * send nothing to the bot; their label names the number, so a desktop without a dialer still
 * shows what to call.
 */
export function contactRouteActions(locale: Locale, status: CentreStatus, centre: ContactCentreConfig): CardAction[] {
  if (status.isOpen) {
    const url = telUrl(centre.phoneInternational);
    return url ? [{ type: ActionTypes.OpenUrl, title: t(locale, 'contactActions.call', { phone: centre.phone }), value: url }] : [];
  }
  return centre.contactFormUrl ? [{ type: ActionTypes.OpenUrl, title: t(locale, 'contactActions.contactForm'), value: centre.contactFormUrl }] : [];
}

function formLink(locale: Locale, centre: ContactCentreConfig): string {
  return centre.contactFormUrl ? t(locale, 'route.formUrl', { url: centre.contactFormUrl }) : t(locale, 'route.formNoUrl');
}

/** The voice-menu line: only what configuration holds, never invented keys (PROCEDURE.md). */
function menuText(locale: Locale, centre: ContactCentreConfig): string {
  const keys = centre.menuKeys[locale];
  if (keys?.length === 3) return t(locale, 'route.menuDescribed', { key1: keys[0] ?? '', key2: keys[1] ?? '', key3: keys[2] ?? '' });
  if (keys) return t(locale, 'route.menuSequence', { keys: keys.join(', ') });
  const french = centre.menuKeys.fr;
  const unconfirmed = t(locale, 'route.menuNotConfirmed');
  return french ? `${unconfirmed} ${t(locale, 'route.menuOtherLanguage', { keys: french.join(', ') })}` : unconfirmed;
}

/** Step 3.2: phone with the menu while the centre is open, the contact form when it is closed. */
export function routeText(locale: Locale, status: CentreStatus, centre: ContactCentreConfig, now: Date): string {
  if (status.isOpen) {
    return [
      t(locale, 'route.phone', {
        closesAt: formatTime(status.closesAt),
        phone: phoneLink(centre),
        phoneInternational: centre.phoneInternational,
      }),
      menuText(locale, centre),
      t(locale, 'route.agent'),
    ].join('\n\n');
  }
  return t(locale, 'route.formClosed', { opensAt: formatOpening(locale, status.opensAt, now), form: formLink(locale, centre) });
}

export function verdictActivity(locale: Locale, outcome: Outcome, centre: ContactCentreConfig, now: Date): Partial<Activity> {
  const key = `procedure.outcome.${outcome.id}`;
  const parts = [`**${translateDynamic(locale, `${key}.title`)}**`, translateDynamic(locale, `${key}.body`)];
  const status = outcome.needsContactCentre ? getCentreStatus(centre.schedule, now) : undefined;
  if (status) parts.push(routeText(locale, status, centre, now));
  parts.push(translateDynamic(locale, `${key}.followUp`));
  if (outcome.isExempt) parts.push(t(locale, 'procedure.caveat'), t(locale, 'evidence.offer'));
  const clauses = outcome.clauses.map((c) => translateDynamic(locale, `clause.${c}`)).join(t(locale, 'procedure.clauseSeparator'));
  parts.push(`_${t(locale, 'procedure.basis', { clauses })}_`);
  const route = status ? contactRouteActions(locale, status, centre) : [];
  return textActivity(parts.join('\n\n'), [...route, ...followUpActions(locale, outcome, status?.isOpen === false)]);
}

/**
 * The quick answer to "is the contact centre open?": yes until when, or no and when it opens —
 * after `leadIn` when the question was another ("I have no reference number").
 */
export function centreStatusActivity(locale: Locale, centre: ContactCentreConfig, now: Date, leadIn?: string): Partial<Activity> {
  const status = getCentreStatus(centre.schedule, now);
  let text: string;
  if (status.isOpen) {
    text = t(locale, 'centre.open', { closesAt: formatTime(status.closesAt), phone: phoneLink(centre) });
  } else {
    const params = { opensAt: formatOpening(locale, status.opensAt, now), form: formLink(locale, centre) };
    text = status.holiday
      ? t(locale, 'centre.closedHoliday', { ...params, holiday: translateDynamic(locale, `holiday.${status.holiday}`) })
      : t(locale, 'centre.closed', params);
  }
  const remind = status.isOpen ? [] : [sayAction(t(locale, 'actions.remindMe'))];
  const body = `${text}\n\n_${t(locale, 'centre.hoursNote')}_`;
  return textActivity(leadIn ? `${leadIn}\n\n${body}` : body, [...contactRouteActions(locale, status, centre), ...remind]);
}

/**
 * Says what is wrong with an answer, then asks the same question again (the prompt does not
 * repeat itself once the turn has a reply). Returns false: the answer is refused.
 */
export async function refuse(prompt: PromptValidatorContext<unknown>, message: string): Promise<false> {
  const question = prompt.options.prompt;
  await prompt.context.sendActivity(textActivity(message));
  if (question && typeof question === 'object') await prompt.context.sendActivity(question);
  return false;
}

/** The proactive reminder at opening time: the centre's route as it is at that moment. */
export function reminderText(reminder: { readonly locale: string }, centre: ContactCentreConfig, now: Date): string {
  const locale: Locale = isLocale(reminder.locale) ? reminder.locale : 'fr';
  return `${t(locale, 'reminder.message')}\n\n${routeText(locale, getCentreStatus(centre.schedule, now), centre, now)}`;
}

/** The reminder with the route's button: the moment it opens is the moment to call. */
export function reminderActivity(reminder: { readonly locale: string }, centre: ContactCentreConfig, now: Date): Partial<Activity> {
  const locale: Locale = isLocale(reminder.locale) ? reminder.locale : 'fr';
  return textActivity(reminderText(reminder, centre, now), contactRouteActions(locale, getCentreStatus(centre.schedule, now), centre));
}
