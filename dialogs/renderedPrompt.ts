import type { Activity, TurnContext } from 'botbuilder';
import { type PromptOptions, type PromptValidator, TextPrompt } from './botbuilderDialogs.js';

/** Renders a question (plain data kept in the prompt's state) in the turn's language. */
export type RenderQuestion<Q> = (context: TurnContext, question: Q) => Partial<Activity>;

/**
 * A text prompt that keeps its question as data (`validations`) and renders it every time it is
 * asked — first time, retry, or reprompt after "Deutsch" — in the language of that turn. A plain
 * TextPrompt replays the activity rendered the first time, in the first language.
 *
 * When the validator refuses an answer and has already said why, the prompt would stay silent:
 * it asks the question again itself.
 */
export class RenderedTextPrompt<Q> extends TextPrompt {
  constructor(id: string, private readonly render: RenderQuestion<Q>, validator: PromptValidator<string>) {
    super(id, async (prompt) => {
      const isValid = await validator(prompt);
      if (!isValid && prompt.context.responded) {
        await prompt.context.sendActivity(render(prompt.context, prompt.options.validations as Q));
      }
      return isValid;
    });
  }

  protected override async onPrompt(context: TurnContext, _state: object, options: PromptOptions, _isRetry: boolean): Promise<void> {
    await context.sendActivity(this.render(context, options.validations as Q));
  }
}
