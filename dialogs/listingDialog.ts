import { randomBytes, randomUUID } from 'node:crypto';
import { type Activity, type Attachment, CardFactory, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  type DialogTurnResult,
  type PromptValidator,
  type PromptValidatorContext,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { DateTime } from 'luxon';
import {
  maskWorkerId,
  parseDeclarationNumber,
  parsePersonName,
  parseReferenceNumber,
  parseWorkerId,
  type WorkerId,
} from '../src/identity/index.js';
import { type Locale, t, translateDynamic } from '../src/i18n/index.js';
import type { Clock } from '../src/clock.js';
import type { DownloadLinks } from '../src/listing/downloadLinks.js';
import { isPrintable } from '../src/listing/printable.js';
import type { ListingStore } from '../src/listing/listingStore.js';
import { type ListingChange, ListingOutbox } from '../src/listing/outbox.js';
import { createPendingWorkerSeal, type PendingWorkerSeal } from '../src/listing/pendingWorker.js';
import { isTransientStorageError } from '../src/storage/transientErrors.js';
import { type Listing, type ListingKey, LISTING_ZONE } from '../src/listing/model.js';
import { type ListingCommand, parseListingCommand, parseListingDate } from '../src/understanding/listingWords.js';
import { escapeMarkdown as md, formatDay, formatDayMonth, refuse, sayAction, textActivity } from './messages.js';
import { RenderedTextPrompt } from './renderedPrompt.js';
import { canUseListing, operationIdOf, tenantKeyOf } from './tenant.js';
import { turnLocale } from './turnLocale.js';

export const LISTING_DIALOG = 'listing';
const HEADER = 'listing.header';
/** The worker loop, whose options carry the listing's key (the bot's "erase the listing" reads it). */
export const WORKER_LOOP_DIALOG = 'listing.workers';
const WORKERS = WORKER_LOOP_DIALOG;
const REFERENCE_PROMPT = 'listing.reference';
const DECLARATION_PROMPT = 'listing.declaration';
const DATE_PROMPT = 'listing.date';
const WORKER_PROMPT = 'listing.worker';
const SURNAME_PROMPT = 'listing.surname';
const FIRST_NAME_PROMPT = 'listing.firstName';


export interface ListingDialogDeps {
  readonly store: ListingStore;
  /**
   * Keeps changes while storage is unreachable and saves them when it is back (outbox.ts).
   * Default: one of the dialog's own, on `store`, silent.
   */
  readonly outbox?: ListingOutbox;
  readonly links: DownloadLinks;
  readonly clock: Clock;
  readonly publicBaseUrl: string;
  /**
   * Seals the worker being entered in dialog state (pendingWorker.ts). Default: a key of this
   * process's own — a half-entered worker is then forgotten at a restart.
   */
  readonly pendingWorkers?: PendingWorkerSeal;
}

export interface ListingOptions {
  /** The cause the procedure established, printed on the listing. */
  readonly cause?: string | undefined;
}

/** Values of the header waterfall (reference, declaration, date). */
interface HeaderValues {
  reference?: string;
  declaration?: string;
  /** The tenant of whoever opened the dialog: only they answer its questions (canUseListing). */
  owner?: string;
}

/** Options carried from worker to worker: which listing, how many are on it, what is being corrected. */
interface WorkerLoopOptions {
  readonly key: ListingKey;
  readonly count: number;
  readonly correcting?: { readonly entryId: string; readonly n: number } | undefined;
}

/** A question of this dialog, as data: rendered in the user's language each time it is asked. */
type ListingQuestion =
  | { readonly kind: 'reference' | 'declaration' | 'date'; readonly owner?: string }
  | { readonly kind: 'worker'; readonly n: number; readonly isCorrection: boolean }
  | { readonly kind: 'surname'; readonly maskedId: string }
  | { readonly kind: 'firstName'; readonly sealedSurname: string };

/**
 * Values of one pass of the worker loop: the identifier (then the surname) sealed, never in
 * clear — dialog state is stored as is (pendingWorker.ts).
 */
interface WorkerValues {
  sealed?: string;
}

/** The one place that trusts the waterfall's untyped values and options. */
const headerValues = (step: WaterfallStepContext): HeaderValues => step.values as HeaderValues;
const workerValues = (step: WaterfallStepContext): WorkerValues => step.values as WorkerValues;
const loopOptions = (step: WaterfallStepContext): WorkerLoopOptions => step.options as WorkerLoopOptions;
const listingOptions = (step: WaterfallStepContext): ListingOptions => (step.options ?? {}) as ListingOptions;

/** What an Adaptive Card worker form submits (Teams): all three fields at once. */
interface WorkerForm {
  readonly workerId: string;
  readonly surname: string;
  readonly firstName: string;
}

function workerFormOf(activity: Partial<Activity>): WorkerForm | undefined {
  const value = activity.value as Record<string, unknown> | undefined;
  if (!value || value.form !== 'worker') return undefined;
  const { workerId, surname, firstName } = value;
  if (typeof workerId !== 'string' || typeof surname !== 'string' || typeof firstName !== 'string') return undefined;
  return { workerId, surname, firstName };
}

/** A name that is valid and that the printed listing can show (printable.ts). */
function parsePrintableName(input: string): { ok: true; value: string } | { ok: false; error: string } {
  const parsed = parsePersonName(input);
  if (parsed.ok && !isPrintable(parsed.value)) return { ok: false, error: 'script' };
  return parsed;
}

type ParsedWorker = { ok: true; workerId: WorkerId; surname: string; firstName: string } | { ok: false; message: string };

function parseWorkerForm(locale: Locale, form: WorkerForm): ParsedWorker {
  const id = parseWorkerId(form.workerId);
  if (!id.ok) return { ok: false, message: translateDynamic(locale, `listing.error.workerId.${id.error}`) };
  const surname = parsePrintableName(form.surname);
  if (!surname.ok) return { ok: false, message: translateDynamic(locale, `listing.error.name.${surname.error}`) };
  const firstName = parsePrintableName(form.firstName);
  if (!firstName.ok) return { ok: false, message: translateDynamic(locale, `listing.error.name.${firstName.error}`) };
  return { ok: true, workerId: id.value, surname: surname.value, firstName: firstName.value };
}

/**
 * Step 3.3: takes down the paper attendance listing — reference number, declaration-of-works
 * number, date — then the workers one by one (identifier, surname, first name), with list,
 * correct, remove and done. Every change is written to blob storage at once (ETag-safe, once
 * per activity), so nothing entered is lost and colleagues can add to the same listing. When
 * storage cannot be reached, the change is kept and saved as soon as it is back (outbox.ts):
 * the user is told so and goes on; the PDF waits until everything is saved.
 */
export class ListingDialog extends ComponentDialog {
  private readonly outbox: ListingOutbox;
  private readonly pending: PendingWorkerSeal;

  constructor(private readonly deps: ListingDialogDeps) {
    super(LISTING_DIALOG);
    this.outbox = deps.outbox ?? new ListingOutbox(deps.store);
    this.pending = deps.pendingWorkers ?? createPendingWorkerSeal(randomBytes(32), deps.clock);
    const ask = (id: string, validator: PromptValidator<string>) => new RenderedTextPrompt<ListingQuestion>(id, (c, q) => this.render(c, q), validator);
    this.addDialog(ask(REFERENCE_PROMPT, (p) => this.validate(p, parseReferenceNumber, 'reference')));
    this.addDialog(ask(DECLARATION_PROMPT, (p) => this.validate(p, parseDeclarationNumber, 'declaration')));
    this.addDialog(ask(DATE_PROMPT, (p) => this.validateDate(p)));
    this.addDialog(ask(WORKER_PROMPT, (p) => this.validateWorker(p)));
    this.addDialog(ask(SURNAME_PROMPT, (p) => this.validate(p, parsePrintableName, 'name')));
    this.addDialog(ask(FIRST_NAME_PROMPT, (p) => this.validate(p, parsePrintableName, 'name')));
    this.addDialog(
      new WaterfallDialog(HEADER, [
        (s) => this.askReference(s),
        (s) => this.askDeclaration(s),
        (s) => this.askDate(s),
        (s) => this.open(s),
      ]),
    );
    this.addDialog(
      // Every step that acts on an answer checks first that the listing is the answerer's.
      new WaterfallDialog(WORKERS, [
        (s) => this.askWorker(s),
        (s) => this.ifAllowed(s, () => this.handleWorker(s)),
        (s) => this.ifAllowed(s, () => this.askFirstName(s)),
        (s) => this.ifAllowed(s, () => this.saveWorker(s)),
      ]),
    );
    this.initialDialogId = HEADER;
  }

  // --- header ---------------------------------------------------------------------------

  private async askReference(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const locale = turnLocale(step.context);
    await step.context.sendActivity(textActivity(t(locale, 'listing.start')));
    const owner = tenantKeyOf(step.context.activity);
    headerValues(step).owner = owner;
    return this.ask(step, REFERENCE_PROMPT, { kind: 'reference', owner });
  }

  private async askDeclaration(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = headerValues(step);
    values.reference = String(step.result);
    return this.ask(step, DECLARATION_PROMPT, { kind: 'declaration', ...(values.owner ? { owner: values.owner } : {}) });
  }

  private async askDate(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = headerValues(step);
    values.declaration = String(step.result);
    return this.ask(step, DATE_PROMPT, { kind: 'date', ...(values.owner ? { owner: values.owner } : {}) });
  }

  private async open(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = headerValues(step);
    const locale = turnLocale(step.context);
    const date = parseListingDate(String(step.result), this.today()) ?? this.today().toISODate() ?? '';
    const reference = parseReferenceNumber(values.reference ?? '');
    const declaration = parseDeclarationNumber(values.declaration ?? '');
    if (!reference.ok || !declaration.ok) return step.endDialog(); // the prompts validated both
    const key: ListingKey = { tenantKey: tenantKeyOf(step.context.activity), declarationNumber: declaration.value, date };
    const now = this.deps.clock().toISOString();
    const header = { referenceNumber: reference.value, cause: listingOptions(step).cause, reportedAt: now };
    const submitted = await this.outbox.submit(key, operationIdOf(step.context.activity), { kind: 'open', header, at: now });
    if (submitted.status === 'pending') {
      // Storage is unreachable: the listing is kept and opened when it is back; the workers
      // entered meanwhile wait behind it, in order. Their number is not known yet.
      const shown = { declaration: key.declarationNumber, date: formatDay(locale, key.date), reference: md(reference.value) };
      await step.context.sendActivity(textActivity(t(locale, 'listing.openPending', shown)));
      const loop: WorkerLoopOptions = { key, count: 0 };
      return step.replaceDialog(WORKERS, loop);
    }
    const result = submitted.result;
    if (!result.ok) {
      await step.context.sendActivity(textActivity(t(locale, 'listing.saveFailed')));
      return step.replaceDialog(HEADER, listingOptions(step));
    }
    const listing = result.listing;
    await step.context.sendActivity(
      textActivity(
        t(locale, 'listing.opened', {
          declaration: listing.declarationNumber,
          date: formatDay(locale, listing.date),
          reference: md(listing.referenceNumber),
          count: listing.workers.length,
        }),
      ),
    );
    const loop: WorkerLoopOptions = { key, count: listing.workers.length };
    return step.replaceDialog(WORKERS, loop);
  }

  // --- workers --------------------------------------------------------------------------

  /**
   * The access check (canUseListing) before any step of the worker loop acts on an answer: in
   * a group conversation, another member's message never reads or changes the listing. The
   * loop starts again at the worker question (a worker half-entered by the owner is dropped).
   */
  private async ifAllowed(step: WaterfallStepContext, next: () => Promise<DialogTurnResult>): Promise<DialogTurnResult> {
    const { key, count } = loopOptions(step);
    if (canUseListing(step.context.activity, key)) return next();
    await step.context.sendActivity(textActivity(t(turnLocale(step.context), 'security.listingNotYours')));
    const loop: WorkerLoopOptions = { key, count };
    return step.replaceDialog(WORKERS, loop);
  }

  /** What the worker values are sealed to: this conversation. */
  private conversationOf(step: WaterfallStepContext | TurnContext): string {
    const activity = 'context' in step ? step.context.activity : step.activity;
    return `${activity.channelId ?? ''}|${activity.conversation?.id ?? ''}`;
  }

  /** The worker being entered; when its seal has expired (or the key changed), the question starts again. */
  private async pendingWorker(step: WaterfallStepContext): Promise<{ workerId: WorkerId; surname?: string | undefined } | undefined> {
    const sealed = workerValues(step).sealed;
    const worker = sealed ? this.pending.open(sealed, this.conversationOf(step)) : undefined;
    if (!worker) await step.context.sendActivity(textActivity(t(turnLocale(step.context), 'security.workerForgotten')));
    return worker;
  }

  private async askWorker(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { count, correcting } = loopOptions(step);
    return this.ask(step, WORKER_PROMPT, correcting ? { kind: 'worker', n: correcting.n, isCorrection: true } : { kind: 'worker', n: count + 1, isCorrection: false });
  }

  private async handleWorker(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const locale = turnLocale(step.context);
    const form = workerFormOf(step.context.activity);
    if (form) {
      const parsed = parseWorkerForm(locale, form);
      if (parsed.ok) return this.store(step, parsed.workerId, parsed.surname, parsed.firstName);
    }
    const command = parseListingCommand(String(step.result ?? ''));
    if (command) return this.runCommand(step, command);
    const id = parseWorkerId(String(step.result));
    if (!id.ok) return step.replaceDialog(WORKERS, loopOptions(step)); // the validator refused it already
    workerValues(step).sealed = this.pending.seal({ workerId: id.value }, this.conversationOf(step));
    return this.ask(step, SURNAME_PROMPT, { kind: 'surname', maskedId: maskWorkerId(id.value) });
  }

  private async askFirstName(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const worker = await this.pendingWorker(step);
    if (!worker) return step.replaceDialog(WORKERS, loopOptions(step));
    const surname = String(step.result);
    const conversation = this.conversationOf(step);
    workerValues(step).sealed = this.pending.seal({ workerId: worker.workerId, surname }, conversation);
    return this.ask(step, FIRST_NAME_PROMPT, { kind: 'firstName', sealedSurname: this.pending.sealSurname(surname, conversation) });
  }

  private async saveWorker(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const worker = await this.pendingWorker(step);
    if (!worker?.surname) return step.replaceDialog(WORKERS, loopOptions(step));
    return this.store(step, worker.workerId, worker.surname, String(step.result));
  }

  /** Adds (or, when correcting, replaces) one worker, then asks for the next. */
  private async store(step: WaterfallStepContext, workerId: WorkerId, surname: string, firstName: string): Promise<DialogTurnResult> {
    const locale = turnLocale(step.context);
    const options = loopOptions(step);
    const now = this.deps.clock().toISOString();
    // Data, not a closure: the outbox may have to apply it later (storage unreachable).
    const change: ListingChange = options.correcting
      ? { kind: 'replaceWorker', entryId: options.correcting.entryId, worker: { workerId, surname, firstName }, at: now }
      : { kind: 'addWorker', worker: { entryId: randomUUID(), workerId, surname, firstName }, at: now };
    const before = options.count;
    const submitted = await this.outbox.submit(options.key, operationIdOf(step.context.activity), change);
    if (submitted.status === 'pending') {
      // Kept in memory and saved as soon as storage is back: the user goes on with the next one.
      await step.context.sendActivity(
        textActivity(t(locale, 'listing.savePending', { id: md(maskWorkerId(workerId)), surname: md(surname), firstName: md(firstName) })),
      );
      const next: WorkerLoopOptions = { key: options.key, count: options.correcting ? before : before + 1 };
      return step.replaceDialog(WORKERS, next);
    }
    const result = submitted.result;
    if (!result.ok) {
      // Nothing is lost: the worker is still in this step's values; the user re-sends the first name.
      await step.context.sendActivity(textActivity(t(locale, 'listing.saveFailed')));
      const conversation = this.conversationOf(step);
      workerValues(step).sealed = this.pending.seal({ workerId, surname }, conversation);
      return this.ask(step, FIRST_NAME_PROMPT, { kind: 'firstName', sealedSurname: this.pending.sealSurname(surname, conversation) });
    }
    const count = result.listing.workers.length;
    const shown = { id: md(maskWorkerId(workerId)), surname: md(surname), firstName: md(firstName), count };
    let key: 'listing.corrected' | 'listing.added' | 'listing.updatedExisting' = 'listing.added';
    if (options.correcting) key = 'listing.corrected';
    else if (count === before && result.applied) key = 'listing.updatedExisting';
    await step.context.sendActivity(textActivity(t(locale, key, { ...shown, n: options.correcting?.n ?? count })));
    const next: WorkerLoopOptions = { key: options.key, count };
    return step.replaceDialog(WORKERS, next);
  }

  private async runCommand(step: WaterfallStepContext, command: ListingCommand): Promise<DialogTurnResult> {
    const locale = turnLocale(step.context);
    const options = loopOptions(step);
    const read = await this.readListing(options.key);
    if (read === 'unreachable') {
      await step.context.sendActivity(textActivity(t(locale, 'listing.storageUnavailable')));
      return step.replaceDialog(WORKERS, { ...options, correcting: undefined });
    }
    const { listing, pending } = read;
    if (!listing) {
      await step.context.sendActivity(textActivity(t(locale, 'listing.saveFailed')));
      return step.endDialog();
    }
    switch (command.kind) {
      case 'list': {
        const note = pending > 0 ? `\n\n${t(locale, 'listing.pendingNote', { count: pending })}` : '';
        await step.context.sendActivity(textActivity(`${this.listText(locale, listing)}${note}`));
        return step.replaceDialog(WORKERS, { ...options, count: listing.workers.length, correcting: undefined });
      }
      case 'pdf':
      case 'done':
        if (pending > 0) {
          // The PDF is printed from storage: it would miss what is still waiting. Later, then.
          await step.context.sendActivity(
            textActivity(`${t(locale, 'listing.pendingNote', { count: pending })}\n\n${t(locale, 'listing.pdfWhenSaved')}`),
          );
          return step.replaceDialog(WORKERS, { ...options, count: listing.workers.length, correcting: undefined });
        }
        if (command.kind === 'pdf') {
          await step.context.sendActivity(textActivity(this.pdfText(locale, options.key)));
          return step.replaceDialog(WORKERS, { ...options, count: listing.workers.length, correcting: undefined });
        }
        await step.context.sendActivity(
          textActivity(
            `${t(locale, 'listing.finished', {
              count: listing.workers.length,
              declaration: listing.declarationNumber,
              date: formatDay(locale, listing.date),
              reference: md(listing.referenceNumber),
            })}\n\n${this.pdfText(locale, options.key)}`,
          ),
        );
        return step.endDialog({ key: options.key });
      case 'remove':
      case 'correct': {
        const entry = listing.workers[command.n - 1];
        if (!entry) {
          await step.context.sendActivity(textActivity(t(locale, 'listing.noSuchEntry', { n: command.n })));
          return step.replaceDialog(WORKERS, { ...options, count: listing.workers.length });
        }
        if (command.kind === 'correct') {
          return step.replaceDialog(WORKERS, { ...options, count: listing.workers.length, correcting: { entryId: entry.entryId, n: command.n } });
        }
        const submitted = await this.outbox.submit(options.key, operationIdOf(step.context.activity), {
          kind: 'removeWorker',
          entryId: entry.entryId,
          at: this.deps.clock().toISOString(),
        });
        if (submitted.status === 'pending') {
          await step.context.sendActivity(textActivity(t(locale, 'listing.changePending')));
          return step.replaceDialog(WORKERS, { ...options, count: listing.workers.length - 1, correcting: undefined });
        }
        const removed = submitted.result;
        const count = removed.ok ? removed.listing.workers.length : listing.workers.length;
        await step.context.sendActivity(textActivity(t(locale, removed.ok ? 'listing.removed' : 'listing.saveFailed', { n: command.n, count })));
        return step.replaceDialog(WORKERS, { ...options, count, correcting: undefined });
      }
    }
  }

  /**
   * The listing as it will be once the changes still waiting for storage are saved (after one
   * more attempt at saving them), and how many are waiting; 'unreachable' when storage is.
   */
  private async readListing(key: ListingKey): Promise<{ listing: Listing | undefined; pending: number } | 'unreachable'> {
    await this.outbox.retryNow(key);
    let stored: Listing | undefined;
    try {
      stored = await this.deps.store.get(key);
    } catch (error) {
      if (!isTransientStorageError(error)) throw error;
      return 'unreachable';
    }
    return { listing: this.outbox.project(key, stored), pending: this.outbox.pending(key).length };
  }

  // --- questions ------------------------------------------------------------------------------

  private ask(step: WaterfallStepContext, promptId: string, question: ListingQuestion): Promise<DialogTurnResult> {
    return step.prompt(promptId, { validations: question });
  }

  /** Each question, rendered in the turn's language whenever it is asked (RenderedTextPrompt). */
  private render(context: TurnContext, question: ListingQuestion): Partial<Activity> {
    const locale = turnLocale(context);
    switch (question.kind) {
      case 'reference':
        return textActivity(t(locale, 'listing.askReference'));
      case 'declaration':
        return textActivity(t(locale, 'listing.askDeclaration'));
      case 'date': {
        const today = formatDayMonth(locale, this.today());
        const todayWord = t(locale, 'listing.todayButton');
        return textActivity(t(locale, 'listing.askDate', { today }), [sayAction(todayWord)]);
      }
      case 'worker': {
        const text = question.isCorrection
          ? t(locale, 'listing.correcting', { n: question.n })
          : `${t(locale, 'listing.askWorkerId', { n: question.n })}\n\n_${t(locale, 'listing.commandsHint')}_`;
        const activity = textActivity(text, this.loopActions(locale));
        if (context.activity.channelId === 'msteams' && !question.isCorrection) activity.attachments = [workerFormCard(locale)];
        return activity;
      }
      case 'surname':
        return textActivity(t(locale, 'listing.askSurname', { id: md(question.maskedId) }));
      case 'firstName': {
        // Unsealed only to be shown; a seal that no longer opens shows an ellipsis (the answer then restarts the worker).
        const surname = this.pending.openSurname(question.sealedSurname, this.conversationOf(context)) ?? '…';
        return textActivity(t(locale, 'listing.askFirstName', { surname: md(surname) }));
      }
    }
  }

  // --- validation ---------------------------------------------------------------------------

  /** Refuses a bad value with a message saying what is wrong; the prompt then asks again. */
  private async validate(
    prompt: PromptValidatorContext<string>,
    parse: (input: string) => { ok: true; value: string } | { ok: false; error: string },
    field: 'reference' | 'declaration' | 'name',
  ): Promise<boolean> {
    if (!this.isFromOwner(prompt)) return refuse(prompt, t(turnLocale(prompt.context), 'security.listingNotYours'));
    const parsed = parse(prompt.recognized.value ?? '');
    if (parsed.ok) {
      prompt.recognized.value = parsed.value;
      return true;
    }
    return refuse(prompt, translateDynamic(turnLocale(prompt.context), `listing.error.${field}.${parsed.error}`));
  }

  /**
   * The header questions (before the listing has a key) are answered by whoever opened the
   * dialog only: refused in the validator, so the question is asked again and nothing advances.
   */
  private isFromOwner(prompt: PromptValidatorContext<string>): boolean {
    const question = (prompt.options as { validations?: ListingQuestion }).validations;
    const owner = question && 'owner' in question ? question.owner : undefined;
    return owner === undefined || owner === tenantKeyOf(prompt.context.activity);
  }

  private async validateDate(prompt: PromptValidatorContext<string>): Promise<boolean> {
    if (!this.isFromOwner(prompt)) return refuse(prompt, t(turnLocale(prompt.context), 'security.listingNotYours'));
    if (parseListingDate(prompt.recognized.value ?? '', this.today())) return true;
    return refuse(prompt, t(turnLocale(prompt.context), 'listing.badDate'));
  }

  /** A worker identifier, a loop command, or a complete card form. */
  private async validateWorker(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const locale = turnLocale(prompt.context);
    const form = workerFormOf(prompt.context.activity);
    if (form) {
      const parsed = parseWorkerForm(locale, form);
      return parsed.ok || refuse(prompt, parsed.message);
    }
    const text = prompt.recognized.value ?? '';
    if (parseListingCommand(text)) return true;
    const id = parseWorkerId(text);
    return id.ok || refuse(prompt, translateDynamic(locale, `listing.error.workerId.${id.error}`));
  }

  // --- rendering ----------------------------------------------------------------------------

  private today(): DateTime {
    return DateTime.fromJSDate(this.deps.clock()).setZone(LISTING_ZONE);
  }

  private loopActions(locale: Locale) {
    return [t(locale, 'actions.listWorkers'), t(locale, 'actions.downloadPdf'), t(locale, 'actions.finishListing')].map(sayAction);
  }

  /** Identifiers are masked in chat; only the listing itself (the PDF) shows them in full. */
  private listText(locale: Locale, listing: Listing): string {
    const header = t(locale, 'listing.listHeader', {
      declaration: listing.declarationNumber,
      date: formatDay(locale, listing.date),
      reference: md(listing.referenceNumber),
    });
    const lines = listing.workers.map((w, i) =>
      t(locale, 'listing.listLine', { n: i + 1, id: md(maskWorkerId(w.workerId)), surname: md(w.surname), firstName: md(w.firstName) }),
    );
    return [header, lines.length > 0 ? lines.join('\n') : t(locale, 'listing.empty')].join('\n\n');
  }

  private pdfText(locale: Locale, key: ListingKey): string {
    const url = `${this.deps.publicBaseUrl}${this.deps.links.pathFor(key, locale)}`;
    return t(locale, 'listing.pdfLink', { url, minutes: Math.round(this.deps.links.ttlMs / 60_000) });
  }
}

/** Teams: the three fields in one Adaptive Card (schema 1.5 at most in Teams); typing still works. */
function workerFormCard(locale: Locale): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'Input.Text', id: 'workerId', label: t(locale, 'listing.pdf.columns.identifier'), isRequired: true, errorMessage: t(locale, 'listing.error.workerId.empty') },
      { type: 'Input.Text', id: 'surname', label: t(locale, 'listing.pdf.columns.surname'), isRequired: true, errorMessage: t(locale, 'listing.error.name.empty') },
      { type: 'Input.Text', id: 'firstName', label: t(locale, 'listing.pdf.columns.firstName'), isRequired: true, errorMessage: t(locale, 'listing.error.name.empty') },
    ],
    actions: [{ type: 'Action.Submit', title: t(locale, 'listing.addButton'), data: { form: 'worker' } }],
  });
}

