import type { Activity } from 'botbuilder';
import { ComponentDialog, type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from './botbuilderDialogs.js';
import { type Locale, t } from '../src/i18n/index.js';
import type { ListingStore } from '../src/listing/listingStore.js';
import type { ListingKey } from '../src/listing/model.js';
import { isNo, isYes } from '../src/understanding/listingWords.js';
import { formatDay, sayAction, textActivity } from './messages.js';
import { RenderedTextPrompt } from './renderedPrompt.js';
import { canUseListing } from './tenant.js';
import { turnLocale } from './turnLocale.js';

export const ERASE_DIALOG = 'erase';
const STEPS = 'erase.steps';
const CONFIRM_PROMPT = 'erase.confirm';

export interface EraseOptions {
  readonly key: ListingKey;
}

/** The confirmation question as data, rendered in the turn's language each time it is asked. */
interface EraseQuestion {
  readonly declaration: string;
  readonly date: string;
  readonly count: number;
}

function confirmation(locale: Locale, q: EraseQuestion): Partial<Activity> {
  const yes = t(locale, 'listing.erase.yesButton');
  const no = t(locale, 'listing.erase.noButton');
  const question = t(locale, 'listing.erase.confirm', { declaration: q.declaration, date: formatDay(locale, q.date), count: q.count });
  return textActivity(question, [yes, no].map(sayAction));
}

const eraseOptions = (step: WaterfallStepContext): EraseOptions => step.options as EraseOptions;

/** Erases a listing now (GDPR), after an explicit yes; only the caller's own tenant's listing. */
export class EraseDialog extends ComponentDialog {
  constructor(private readonly store: ListingStore) {
    super(ERASE_DIALOG);
    this.addDialog(
      new RenderedTextPrompt<EraseQuestion>(CONFIRM_PROMPT, (context, q) => confirmation(turnLocale(context), q), async (p) =>
        isYes(p.recognized.value ?? '') || isNo(p.recognized.value ?? ''),
      ),
    );
    this.addDialog(new WaterfallDialog(STEPS, [(s) => this.confirm(s), (s) => this.erase(s)]));
    this.initialDialogId = STEPS;
  }

  private async confirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const locale = turnLocale(step.context);
    if (!canUseListing(step.context.activity, eraseOptions(step).key)) {
      await step.context.sendActivity(textActivity(t(locale, 'security.listingNotYours')));
      return step.endDialog();
    }
    const listing = await this.store.get(eraseOptions(step).key);
    if (!listing) {
      await step.context.sendActivity(textActivity(t(locale, 'listing.erase.nothing')));
      return step.endDialog();
    }
    const question: EraseQuestion = { declaration: listing.declarationNumber, date: listing.date, count: listing.workers.length };
    return step.prompt(CONFIRM_PROMPT, { validations: question });
  }

  private async erase(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const locale = turnLocale(step.context);
    // The "yes" must come from someone the listing belongs to (a group conversation has others).
    if (!canUseListing(step.context.activity, eraseOptions(step).key)) {
      await step.context.sendActivity(textActivity(t(locale, 'security.listingNotYours')));
      return step.endDialog({ erased: false });
    }
    if (!isYes(String(step.result))) {
      await step.context.sendActivity(textActivity(t(locale, 'listing.erase.kept')));
      return step.endDialog({ erased: false });
    }
    await this.store.delete(eraseOptions(step).key);
    await step.context.sendActivity(textActivity(t(locale, 'listing.erase.done')));
    return step.endDialog({ erased: true });
  }
}
