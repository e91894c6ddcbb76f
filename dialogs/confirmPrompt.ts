import type { TurnContext } from 'botbuilder';
import { Prompt, type PromptOptions, type PromptRecognizerResult } from './botbuilderDialogs.js';
import { CATALOGS, LOCALES, normalizeText, t, translateDynamic } from '../src/i18n/index.js';
import { LEXICON } from '../src/understanding/recognize.js';
import { sayAction, textActivity } from './messages.js';
import { takeLeadIn, turnLocale } from './turnLocale.js';

export const CONFIRM_CAUSE_PROMPT = 'confirmCause';

/** What the confirmation is about, kept in the prompt's options (plain data, rendered per turn). */
export interface ConfirmCauseOptions {
  readonly cause: string;
}

function causeOf(options: PromptOptions): string {
  const value = (options.validations as Partial<ConfirmCauseOptions> | undefined)?.cause;
  return typeof value === 'string' ? value : '';
}

/** The labels of the two buttons in every language, folded: a click in any of them counts. */
const YES_LABELS = new Set(LOCALES.map((l) => normalizeText(t(l, 'confirm.yes'))));
const NO_LABELS = new Set(LOCALES.map((l) => normalizeText(t(l, 'confirm.no'))));

/**
 * "Understood: an external third party — internet, telephone or power supplier. Right?"
 * [Yes] [No, choose]. Asked before any verdict when the cause was read from free text with less
 * than full confidence: the bot never exempts (nor refuses) on a guess.
 */
export class ConfirmCausePrompt extends Prompt<boolean> {
  constructor() {
    super(CONFIRM_CAUSE_PROMPT);
  }

  protected async onPrompt(context: TurnContext, _state: object, options: PromptOptions, isRetry: boolean): Promise<void> {
    const locale = turnLocale(context);
    const cause = translateDynamic(locale, `confirm.causes.${causeOf(options)}`);
    const question = t(locale, 'confirm.question', { cause });
    const leadIn = takeLeadIn(context);
    const text = [leadIn, isRetry ? t(locale, 'confirm.retry') : undefined, question].filter(Boolean).join('\n\n');
    await context.sendActivity(textActivity(text, [sayAction(t(locale, 'confirm.yes')), sayAction(t(locale, 'confirm.no'))]));
  }

  protected async onRecognize(context: TurnContext): Promise<PromptRecognizerResult<boolean>> {
    const { text, value } = context.activity;
    const submitted = value && typeof value === 'object' ? (value as Record<string, unknown>).answer : undefined;
    if (submitted === 'yes' || submitted === 'no') return { succeeded: true, value: submitted === 'yes' };
    const answer = readConfirmation(text ?? '');
    return answer === undefined ? { succeeded: false } : { succeeded: true, value: answer };
  }
}

const AGREE = new Set(LOCALES.flatMap((l) => CATALOGS[l].understanding.agree.map(normalizeText)));

/** Yes (a button, "1", "oui", "ok", "klopt"), no ("2", "non", "No, choose"), or undefined. */
function readConfirmation(text: string): boolean | undefined {
  const folded = normalizeText(text);
  const startsWith = (words: readonly string[]) => words.some((w) => folded === w || folded.startsWith(`${w} `));
  const isNegated = folded.split(' ').some((w) => LEXICON.negation.has(w));
  const isYes = YES_LABELS.has(folded) || folded === '1' || AGREE.has(folded) || (startsWith(LEXICON.yes) && !isNegated);
  const isNo = NO_LABELS.has(folded) || folded === '2' || startsWith(LEXICON.no);
  return isYes === isNo ? undefined : isYes;
}

export function isConfirmAnswer(text: string): boolean {
  return readConfirmation(text) !== undefined;
}
