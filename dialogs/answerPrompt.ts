import { type DialogContext, Prompt, type PromptOptions, type PromptRecognizerResult } from './botbuilderDialogs.js';
import type { TurnContext } from 'botbuilder';
import { NODE_IDS, NODES, type NodeId } from '../src/procedure/table.js';
import { CONFIRM_CAUSE_PROMPT, isConfirmAnswer } from './confirmPrompt.js';
import { type AnswerReading, matchAnswer } from '../src/understanding/recognize.js';
import { questionActivity } from './messages.js';
import { takeLeadIn, turnLocale } from './turnLocale.js';

/** The answer a card submit carries: `{ "answer": "<answer id>" }` (Adaptive Card Action.Submit). */
function submittedAnswer(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const answer = (value as Record<string, unknown>).answer;
  return typeof answer === 'string' ? answer : undefined;
}

/**
 * Asks one question of the procedure table and recognises the answer id, typed (number, label,
 * a phrase of it, in any of our languages) or submitted from a card, with how sure the reading is
 * (a cause read from a sentence may be a guess, which the procedure confirms first). One instance per node, so
 * the prompt knows its node without anything stored in the options. It renders at prompt time,
 * in the turn's locale, so a reprompt after a language switch speaks the new language.
 */
export class AnswerPrompt extends Prompt<AnswerReading> {
  static idFor(nodeId: NodeId): string {
    return `answer:${nodeId}`;
  }

  constructor(private readonly nodeId: NodeId) {
    super(AnswerPrompt.idFor(nodeId));
  }

  protected async onPrompt(context: TurnContext, _state: object, _options: PromptOptions, isRetry: boolean): Promise<void> {
    const question = questionActivity(turnLocale(context), NODES[this.nodeId], isRetry);
    const leadIn = takeLeadIn(context);
    await context.sendActivity(leadIn ? { ...question, text: `${leadIn}\n\n${question.text ?? ''}` } : question);
  }

  protected async onRecognize(context: TurnContext): Promise<PromptRecognizerResult<AnswerReading>> {
    const { text, value } = context.activity;
    const submitted = submittedAnswer(value);
    const answers = NODES[this.nodeId].answers;
    const reading: AnswerReading | undefined =
      submitted && answers.some((a) => a.id === submitted) ? { answer: submitted, confidence: 'full' } : matchAnswer(this.nodeId, text ?? '');
    return reading ? { succeeded: true, value: reading } : { succeeded: false };
  }
}

/** Whether `text` answers the question the conversation is at (so no command should take it). */
export function isAnswerToPrompt(dc: DialogContext, text: string): boolean {
  const id = dc.activeDialog?.id ?? '';
  if (id === CONFIRM_CAUSE_PROMPT) return isConfirmAnswer(text);
  const nodeId = NODE_IDS.find((n) => AnswerPrompt.idFor(n) === id);
  return nodeId !== undefined && matchAnswer(nodeId, text) !== undefined;
}
