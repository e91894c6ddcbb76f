import { ComponentDialog, type DialogTurnResult, type PromptValidatorContext, WaterfallDialog, type WaterfallStepContext } from './botbuilderDialogs.js';
import { DateTime } from 'luxon';
import type { Clock } from '../src/clock.js';
import { type Locale, t, translateDynamic } from '../src/i18n/index.js';
import { EvidenceOutbox } from '../src/listing/evidenceOutbox.js';
import { type EvidenceRecord, type EvidenceStore, evidenceNoteSchema } from '../src/listing/evidenceStore.js';
import { LISTING_ZONE } from '../src/listing/model.js';
import { escapeMarkdown as md, formatDay, refuse, textActivity } from './messages.js';
import { RenderedTextPrompt } from './renderedPrompt.js';
import { operationIdOf, tenantKeyOf } from './tenant.js';
import { turnLocale } from './turnLocale.js';

export const EVIDENCE_DIALOG = 'evidence';
const STEPS = 'evidence.steps';
const NOTE_PROMPT = 'evidence.note';
const MIN_NOTE_CHARS = 3;

export interface EvidenceOptions {
  /** The verdict being evidenced (procedure outcome id) and its cause. */
  readonly outcome: string;
  readonly cause?: string | undefined;
}

export interface EvidenceDialogDeps {
  readonly store: EvidenceStore;
  /** Keeps records while storage is unreachable (evidenceOutbox.ts); default: one of its own on `store`. */
  readonly outbox?: EvidenceOutbox | undefined;
  readonly clock: Clock;
}

const evidenceOptions = (step: WaterfallStepContext): EvidenceOptions => step.options as EvidenceOptions;

/**
 * "The unavailability must be verifiable": after an exemption verdict, records the cause, the
 * time and a short note (the operator's outage notice, a screenshot's reference) as a blob.
 */
export class EvidenceDialog extends ComponentDialog {
  private readonly outbox: EvidenceOutbox;

  constructor(private readonly deps: EvidenceDialogDeps) {
    super(EVIDENCE_DIALOG);
    this.outbox = deps.outbox ?? new EvidenceOutbox(deps.store);
    this.addDialog(
      new RenderedTextPrompt<object>(NOTE_PROMPT, (context) => textActivity(t(turnLocale(context), 'evidence.askNote')), (p) => this.validateNote(p)),
    );
    this.addDialog(new WaterfallDialog(STEPS, [(s) => this.askNote(s), (s) => this.save(s)]));
    this.initialDialogId = STEPS;
  }

  private async askNote(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.prompt(NOTE_PROMPT, { validations: {} });
  }

  private async save(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const locale = turnLocale(step.context);
    const { outcome, cause } = evidenceOptions(step);
    const now = DateTime.fromJSDate(this.deps.clock()).setZone(LISTING_ZONE);
    const note = evidenceNoteSchema.parse(String(step.result));
    const submitted = await this.outbox.submit(
      { tenantKey: tenantKeyOf(step.context.activity), date: now.toISODate() ?? '', outcome, cause, note },
      operationIdOf(step.context.activity),
      now.toJSDate(),
    );
    if (submitted.status === 'pending') {
      // On the local disk (journal), stored when storage is back, with this time.
      const shown = { date: formatDay(locale, now.toISODate() ?? ''), time: now.toFormat('HH:mm') };
      await step.context.sendActivity(textActivity(t(locale, 'outage.evidencePending', shown)));
      return step.endDialog();
    }
    const { record } = submitted.result;
    const recordedAt = DateTime.fromISO(record.recordedAt).setZone(LISTING_ZONE);
    await step.context.sendActivity(
      textActivity(t(locale, 'evidence.saved', { date: formatDay(locale, record.date), time: recordedAt.toFormat('HH:mm') })),
    );
    return step.endDialog();
  }

  private async validateNote(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const parsed = evidenceNoteSchema.safeParse(prompt.recognized.value ?? '');
    if (parsed.success && [...parsed.data].length >= MIN_NOTE_CHARS) return true;
    return refuse(prompt, t(turnLocale(prompt.context), 'evidence.badNote'));
  }
}

/** The records of one day, newest last, as one message. */
export function evidenceListText(locale: Locale, date: string, records: readonly EvidenceRecord[]): string {
  const day = formatDay(locale, date);
  if (records.length === 0) return t(locale, 'evidence.none', { date: day });
  const lines = [...records]
    .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt))
    .map((r) =>
      t(locale, 'evidence.listLine', {
        time: DateTime.fromISO(r.recordedAt).setZone(LISTING_ZONE).toFormat('HH:mm'),
        outcome: outcomeTitle(locale, r.outcome),
        note: md(r.note),
      }),
    );
  return `${t(locale, 'evidence.listHeader', { date: day })}\n\n${lines.join('\n')}`;
}

function outcomeTitle(locale: Locale, outcome: string): string {
  try {
    return translateDynamic(locale, `procedure.outcome.${outcome}.title`);
  } catch {
    return outcome;
  }
}
