import { type Dialog, type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from './botbuilderDialogs.js';
import type { ContactCentreConfig } from '../src/config.js';
import type { Clock } from '../src/clock.js';
import { type Answers, decide } from '../src/procedure/decide.js';
import { NODE_IDS, type NodeId, type OutcomeId } from '../src/procedure/table.js';
import type { AnswerReading } from '../src/understanding/recognize.js';
import { AnswerPrompt } from './answerPrompt.js';
import { CONFIRM_CAUSE_PROMPT, ConfirmCausePrompt, type ConfirmCauseOptions } from './confirmPrompt.js';
import { verdictActivity } from './messages.js';
import { turnLocale } from './turnLocale.js';

export const PROCEDURE_DIALOG = 'procedure';

/** What the dialog is started with and carries from question to question. */
export interface ProcedureOptions {
  readonly answers: Answers;
  /** An answer read from free text at less than full confidence, to confirm before using it. */
  readonly guess?: Guess;
}

export interface Guess {
  readonly node: NodeId;
  readonly answer: string;
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
  return { answers: options?.answers ?? {}, ...(options?.guess ? { guess: options.guess } : {}) };
}

/**
 * Walks the decision table generically: each pass asks the next question the verdict depends on
 * (or gives the verdict), then records the answer and starts the next pass with it. Answers known
 * in advance (a cause named in "Checkinatwork is down, am I exempt?") skip their questions.
 *
 * A plain waterfall in the bot's dialog set, beside its prompts (`procedureDialogs`), not a
 * ComponentDialog: one dialog context less on every turn, measured in the benchmark.
 */
export class ProcedureDialog extends WaterfallDialog {
  constructor(private readonly deps: ProcedureDialogDeps) {
    super(PROCEDURE_DIALOG);
    this.addStep((s) => this.askOrConclude(s));
    this.addStep((s) => this.recordAnswer(s));
  }

  private async askOrConclude(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { answers, guess } = optionsOf(step);
    const next = decide(answers);
    if (next.kind === 'ask' && guess?.node === next.node.id) {
      return step.prompt(CONFIRM_CAUSE_PROMPT, { validations: { cause: guess.answer } satisfies ConfirmCauseOptions });
    }
    if (next.kind === 'ask') return step.prompt(AnswerPrompt.idFor(next.node.id), {});
    const locale = turnLocale(step.context);
    await step.context.sendActivity(verdictActivity(locale, next.outcome, this.deps.contactCentre, this.deps.clock()));
    const cause = answers.causeElsewhere ?? answers.cause;
    const result: ProcedureResult = { outcome: next.outcome.id, ...(cause ? { cause } : {}) };
    return step.endDialog(result);
  }

  private async recordAnswer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { answers, guess } = optionsOf(step);
    const asked = decide(answers);
    if (asked.kind !== 'ask') return step.endDialog();
    const node = asked.node.id;
    if (guess?.node === node) {
      // The confirmation: yes takes the guess as the answer, no asks the question itself.
      const confirmed = step.result === true ? { answers: { ...answers, [node]: guess.answer } } : { answers };
      return step.replaceDialog(PROCEDURE_DIALOG, confirmed satisfies ProcedureOptions);
    }
    const reading = step.result as AnswerReading | undefined;
    if (!reading || typeof reading.answer !== 'string') return step.endDialog();
    const next: ProcedureOptions =
      reading.confidence === 'full'
        ? { answers: { ...answers, [node]: reading.answer } }
        : { answers, guess: { node, answer: reading.answer } };
    return step.replaceDialog(PROCEDURE_DIALOG, next);
  }
}

/** The procedure and the prompts it asks, to add to the bot's dialog set. */
export function procedureDialogs(deps: ProcedureDialogDeps): Dialog[] {
  return [new ProcedureDialog(deps), new ConfirmCausePrompt(), ...NODE_IDS.map((nodeId) => new AnswerPrompt(nodeId))];
}

/** Whether the procedure is under way (its question prompt sits on top of it). */
export function isProcedureActive(stack: readonly { readonly id: string }[]): boolean {
  return stack.some((instance) => instance.id === PROCEDURE_DIALOG);
}
