import { ComponentDialog, type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { ContactCentreConfig } from '../src/config.js';
import type { Clock } from '../src/clock.js';
import { type Answers, decide } from '../src/procedure/decide.js';
import { NODE_IDS, type OutcomeId } from '../src/procedure/table.js';
import { AnswerPrompt } from './answerPrompt.js';
import { verdictActivity } from './messages.js';
import { turnLocale } from './turnLocale.js';

export const PROCEDURE_DIALOG = 'procedure';
const WALK = 'procedure.walk';

/** What the dialog is started with and carries from question to question. */
export interface ProcedureOptions {
  readonly answers: Answers;
}

export interface ProcedureResult {
  readonly outcome: OutcomeId;
  /** The cause answered, printed on the listing and kept with evidence. */
  readonly cause?: string;
}

export interface ProcedureDialogDeps {
  readonly clock: Clock;
  readonly contactCentre: ContactCentreConfig;
}

/** The one place that trusts the waterfall's untyped options. */
function optionsOf(step: WaterfallStepContext): ProcedureOptions {
  const options = step.options as Partial<ProcedureOptions> | undefined;
  return { answers: options?.answers ?? {} };
}

/**
 * Walks the decision table generically: each pass asks the next question the verdict depends on
 * (or gives the verdict), then records the answer and starts the next pass with it. Answers known
 * in advance (a cause named in "Checkinatwork is down, am I exempt?") skip their questions.
 */
export class ProcedureDialog extends ComponentDialog {
  constructor(private readonly deps: ProcedureDialogDeps) {
    super(PROCEDURE_DIALOG);
    for (const nodeId of NODE_IDS) this.addDialog(new AnswerPrompt(nodeId));
    this.addDialog(new WaterfallDialog(WALK, [(s) => this.askOrConclude(s), (s) => this.recordAnswer(s)]));
    this.initialDialogId = WALK;
  }

  private async askOrConclude(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { answers } = optionsOf(step);
    const next = decide(answers);
    if (next.kind === 'ask') return step.prompt(AnswerPrompt.idFor(next.node.id), {});
    const locale = turnLocale(step.context);
    await step.context.sendActivity(verdictActivity(locale, next.outcome, this.deps.contactCentre, this.deps.clock()));
    const result: ProcedureResult = { outcome: next.outcome.id, ...(answers.cause ? { cause: answers.cause } : {}) };
    return step.endDialog(result);
  }

  private async recordAnswer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { answers } = optionsOf(step);
    const asked = decide(answers);
    if (asked.kind !== 'ask' || typeof step.result !== 'string') return step.endDialog();
    const next: ProcedureOptions = { answers: { ...answers, [asked.node.id]: step.result } };
    return step.replaceDialog(WALK, next);
  }
}
