/**
 * What this bot uses of botbuilder-dialogs, imported from the files that define it rather than
 * from the package's index. The index also loads every built-in prompt (date-time, number,
 * choice, confirm…) with their language models — @microsoft/recognizers-text-date-time, -suite,
 * -choice: ~13 MB of heap held for the life of the process, and about four times that in RSS,
 * since V8 lets the heap grow to a multiple of what is live — while this bot's prompts are its
 * own (answerPrompt.ts, confirmPrompt.ts, on the `Prompt` base class). botbuilder-js is archived
 * at 4.23 (pinned in package.json), so these paths no longer move;
 * test/deploy/startupFootprint.test.ts fails if the index, or its recognizers, are loaded again.
 *
 * Every dialog module imports botbuilder-dialogs from here, never from 'botbuilder-dialogs'.
 */
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog';
export { type Dialog, type DialogTurnResult, DialogTurnStatus } from 'botbuilder-dialogs/lib/dialog';
export { type DialogContext, type DialogState } from 'botbuilder-dialogs/lib/dialogContext';
export { DialogSet } from 'botbuilder-dialogs/lib/dialogSet';
export { Prompt, type PromptOptions, type PromptRecognizerResult, type PromptValidator, type PromptValidatorContext } from 'botbuilder-dialogs/lib/prompts/prompt';
export { TextPrompt } from 'botbuilder-dialogs/lib/prompts/textPrompt';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog';
export { type WaterfallStepContext } from 'botbuilder-dialogs/lib/waterfallStepContext';
