import { randomBytes } from 'node:crypto';
import { type Activity, type CardAction, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  type DialogTurnResult,
  type PromptValidator,
  type PromptValidatorContext,
  WaterfallDialog,
  type WaterfallStepContext,
} from './botbuilderDialogs.js';
import { DateTime } from 'luxon';
import {
  maskWorkerId,
  parseDeclarationNumber,
  parsePersonName,
  parseReferenceNumber,
  type WorkerId,
} from '../src/identity/index.js';
import { type Locale, t, translateDynamic } from '../src/i18n/index.js';
import type { Clock } from '../src/clock.js';
import type { DownloadLinks } from '../src/listing/downloadLinks.js';
import { isPrintable } from '../src/listing/printable.js';
import type { ListingStore } from '../src/listing/listingStore.js';
import { type CrewLine, type CrewRefusal, crewLinesOf, isCrewText, MAX_CREW_LINES, planCrew } from '../src/listing/crewImport.js';
import { addedEntries, entryIdFor, findWorker } from '../src/listing/listingOps.js';
import { type NameSplit, parseWorkerLine } from '../src/listing/workerLine.js';
import { normalizeText } from '../src/i18n/index.js';
import { type ListingChange, ListingOutbox } from '../src/listing/outbox.js';
import { createPendingWorkerSeal, type PendingWorkerSeal } from '../src/listing/pendingWorker.js';
import { isTransientStorageError } from '../src/storage/transientErrors.js';
import { type Listing, type ListingKey, LISTING_ZONE } from '../src/listing/model.js';
import {
  hasCrewWord,
  isNo,
  isYes,
  type ListingCommand,
  parseCopyRequest,
  parseListingCommand,
  readListingDate,
} from '../src/understanding/listingWords.js';
import { crewSummaryText, type CrewUnit, placeText, reasonText } from './listing/crewText.js';
import { showsCards, workerRowsCard, workerRowsOf } from './listing/workerRowsCard.js';
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
  /** Reads the spreadsheet attached to an activity (attachments.ts); without it files are refused. */
  readonly readCrewFile?: (activity: Partial<Activity>) => Promise<CrewFileRead | undefined>;
}

/** A spreadsheet attached to a message: its rows, or why it was refused (a crew.file.* key). */
export type CrewFileRead = { readonly ok: true; readonly lines: readonly CrewLine[] } | { readonly ok: false; readonly error: string; readonly max?: number };

export interface ListingOptions {
  /** The cause the procedure established, printed on the listing. */
  readonly cause?: string | undefined;
  /** Already known (given after the verdict, or all in one message): not asked again. */
  readonly reference?: string | undefined;
  /** The reference number looked like one but might not be: asked to confirm first. */
  readonly confirmReference?: boolean | undefined;
  readonly declaration?: string | undefined;
  readonly date?: string | undefined;
}

/** Values of the header waterfall (reference, declaration, date). */
interface HeaderValues {
  reference?: string;
  declaration?: string;
  /** An earlier listing of the same declaration, offered for copying at the date question. */
  copyFrom?: { readonly date: string; readonly count: number } | undefined;
  /** The tenant of whoever opened the dialog: only they answer its questions (canUseListing). */
  owner?: string;
}

/** A refused line of the last crew, to fix or skip (number and reason only), or a split to choose. */
type FixItem =
  | { readonly kind: 'refused'; readonly line: number; readonly reason: CrewRefusal['reason']; readonly other?: number | undefined }
  | { readonly kind: 'split'; readonly line: number; readonly sealed: string; readonly maskedId: string; readonly choices: readonly NameSplit[] };

/** A question waiting for its answer in the worker loop, asked instead of the next worker. */
type PendingQuestion =
  /** Which words are the surname (one line typed alone). */
  | { readonly kind: 'split'; readonly sealed: string; readonly maskedId: string; readonly choices: readonly NameSplit[] }
  /** The identifier is on the listing already: keep it, or correct the name. */
  | { readonly kind: 'duplicate'; readonly entryId: string; readonly n: number; readonly names?: NameSplit | undefined }
  /** Copy an earlier listing's workers onto this one. */
  | { readonly kind: 'copy'; readonly fromDate: string; readonly count: number };

/** Options carried from worker to worker: which listing, how many are on it, what is being corrected. */
interface WorkerLoopOptions {
  readonly key: ListingKey;
  readonly count: number;
  readonly correcting?: { readonly entryId: string; readonly n: number } | undefined;
  readonly pending?: PendingQuestion | undefined;
  readonly toFix?: readonly FixItem[] | undefined;
  readonly unit?: CrewUnit | undefined;
  /** Show the several-workers card with the next question (after the listing opens, after a card). */
  readonly showCard?: boolean | undefined;
}

/** A question of this dialog, as data: rendered in the user's language each time it is asked. */
type ListingQuestion =
  | { readonly kind: 'reference' | 'declaration'; readonly owner?: string | undefined }
  | { readonly kind: 'confirmReference'; readonly reference: string; readonly owner?: string | undefined }
  | { readonly kind: 'date'; readonly copyFrom?: { readonly date: string; readonly count: number } | undefined; readonly owner?: string | undefined }
  | { readonly kind: 'worker'; readonly n: number; readonly isCorrection: boolean; readonly showCard?: boolean | undefined }
  | { readonly kind: 'pending'; readonly pending: PendingQuestion }
  | { readonly kind: 'fix'; readonly item: FixItem; readonly unit: CrewUnit }
  | { readonly kind: 'surname'; readonly maskedId: string }
  | { readonly kind: 'firstName'; readonly sealedSurname: string };

/**
 * Values of one pass of the worker loop: the identifier (then the surname) sealed, never in
 * clear — dialog state is stored as is (pendingWorker.ts).
 */
interface WorkerValues {
  sealed?: string;
  /** Correcting the name of the worker already on the listing (the duplicate question). */
  renaming?: { readonly entryId: string; readonly n: number };
}

/** The one place that trusts the waterfall's untyped values and options. */
const headerValues = (step: WaterfallStepContext): HeaderValues => step.values as HeaderValues;
const workerValues = (step: WaterfallStepContext): WorkerValues => step.values as WorkerValues;
const loopOptions = (step: WaterfallStepContext): WorkerLoopOptions => step.options as WorkerLoopOptions;
const listingOptions = (step: WaterfallStepContext): ListingOptions => (step.options ?? {}) as ListingOptions;

/** The answer the reference confirmation gives when the user says it is not the reference. */
const NOT_THE_REFERENCE = '\u0000no';
/** How many earlier days are looked at for a listing to copy. */
const COPY_LOOKBACK_LISTINGS = 7;

/** A name that is valid and that the printed listing can show (printable.ts). */
function parsePrintableName(input: string): { ok: true; value: string } | { ok: false; error: string } {
  const parsed = parsePersonName(input);
  if (parsed.ok && !isPrintable(parsed.value)) return { ok: false, error: 'script' };
  return parsed;
}

const sameName = (a: NameSplit, b: NameSplit) =>
  normalizeText(a.surname) === normalizeText(b.surname) && normalizeText(a.firstName) === normalizeText(b.firstName);

/** The option chosen by its number ("2") or its label. */
function chosenIndex(text: string, labels: readonly string[]): number | undefined {
  const folded = normalizeText(text);
  const number = /^\d{1,2}$/.test(folded) ? Number(folded) - 1 : -1;
  if (number >= 0 && number < labels.length) return number;
  const index = labels.findIndex((l) => normalizeText(l) === folded);
  return index >= 0 ? index : undefined;
}

/**
 * Step 3.3: takes down the paper attendance listing — reference number, declaration-of-works
 * number, date — then the workers: one per message (identifier, surname and first name on one
 * line, or one question each), a whole crew pasted or sent as a file, a card with several rows,
 * or a copy of an earlier listing; with list, correct, remove and done. A worker already on the
 * listing is never overwritten without an explicit correction. Every change is written to blob
 * storage at once (ETag-safe, once per activity); when storage cannot be reached, the change is
 * kept and saved as soon as it is back (outbox.ts).
 */
export class ListingDialog extends ComponentDialog {
  private readonly outbox: ListingOutbox;
  private readonly pending: PendingWorkerSeal;

  constructor(private readonly deps: ListingDialogDeps) {
    super(LISTING_DIALOG);
    this.outbox = deps.outbox ?? new ListingOutbox(deps.store);
    this.pending = deps.pendingWorkers ?? createPendingWorkerSeal(randomBytes(32), deps.clock);
    const ask = (id: string, validator: PromptValidator<string>) => new RenderedTextPrompt<ListingQuestion>(id, (c, q) => this.render(c, q), validator);
    this.addDialog(ask(REFERENCE_PROMPT, (p) => this.validateReference(p)));
    this.addDialog(ask(DECLARATION_PROMPT, (p) => this.validate(p, parseDeclarationNumber, 'declaration')));
    this.addDialog(ask(DATE_PROMPT, (p) => this.validateDate(p)));
    // Every answer to the worker question is read by handleWorker, which says what is wrong.
    this.addDialog(ask(WORKER_PROMPT, async () => true));
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
    const options = listingOptions(step);
    await step.context.sendActivity(textActivity(t(locale, 'listing.start')));
    const owner = tenantKeyOf(step.context.activity);
    headerValues(step).owner = owner;
    if (options.reference !== undefined && !options.confirmReference) return step.next(options.reference);
    if (options.reference !== undefined) return this.ask(step, REFERENCE_PROMPT, { kind: 'confirmReference', reference: options.reference, owner });
    return this.ask(step, REFERENCE_PROMPT, { kind: 'reference', owner });
  }

  private async askDeclaration(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result === NOT_THE_REFERENCE) return step.replaceDialog(HEADER, { ...listingOptions(step), reference: undefined, confirmReference: false });
    const values = headerValues(step);
    values.reference = String(step.result);
    const declaration = listingOptions(step).declaration;
    if (declaration !== undefined) return step.next(declaration);
    return this.ask(step, DECLARATION_PROMPT, { kind: 'declaration', owner: values.owner });
  }

  private async askDate(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = headerValues(step);
    values.declaration = String(step.result);
    const date = listingOptions(step).date;
    if (date !== undefined) return step.next(date);
    values.copyFrom = await this.findEarlierListing(step.context, values.declaration);
    return this.ask(step, DATE_PROMPT, { kind: 'date', copyFrom: values.copyFrom, owner: values.owner });
  }

  private async open(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = headerValues(step);
    const locale = turnLocale(step.context);
    const answer = String(step.result ?? '');
    const command = parseListingCommand(answer);
    if (command?.kind === 'done') {
      await step.context.sendActivity(textActivity(t(locale, 'crew.date.notOpened')));
      return step.endDialog();
    }
    const copy = this.copyAsked(locale, answer, values.copyFrom);
    const read = readListingDate(answer, this.today());
    const date = read.ok ? read.date : (this.today().toISODate() ?? '');
    const reference = parseReferenceNumber(values.reference ?? '');
    const declaration = parseDeclarationNumber(values.declaration ?? '');
    if (!reference.ok || !declaration.ok) return step.endDialog(); // the prompts validated both
    const key: ListingKey = { tenantKey: tenantKeyOf(step.context.activity), declarationNumber: declaration.value, date };
    const now = this.deps.clock().toISOString();
    const header = { referenceNumber: reference.value, cause: listingOptions(step).cause, reportedAt: now };
    const submitted = await this.outbox.submit(key, operationIdOf(step.context.activity), { kind: 'open', header, at: now });
    const showCard = showsCards(step.context.activity.channelId);
    if (submitted.status === 'pending') {
      // Storage is unreachable: the listing is kept and opened when it is back; the workers
      // entered meanwhile wait behind it, in order. Their number is not known yet.
      const shown = { declaration: key.declarationNumber, date: formatDay(locale, key.date), reference: md(reference.value) };
      await step.context.sendActivity(textActivity(t(locale, 'listing.openPending', shown)));
      const loop: WorkerLoopOptions = { key, count: 0, showCard };
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
    const loop: WorkerLoopOptions = { key, count: listing.workers.length, showCard };
    if (copy) return this.proposeCopy(step, loop, copy);
    if (command?.kind === 'list' || command?.kind === 'pdf') return this.runCommand(step, command, loop);
    return step.replaceDialog(WORKERS, loop);
  }

  /** The listing to copy when the date answer asks for one (the button, or "same as yesterday"). */
  private copyAsked(locale: Locale, answer: string, offered: HeaderValues['copyFrom']): { from: string } | undefined {
    if (offered && normalizeText(answer) === normalizeText(this.copyButton(locale, offered))) return { from: offered.date };
    const request = parseCopyRequest(answer, this.today());
    if (!request) return undefined;
    if (request.from === 'latest') return offered ? { from: offered.date } : { from: 'latest' };
    return { from: request.from };
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

  /** An identifier kept in dialog state while a question about it waits: sealed, with its masked form to show. */
  private sealId(step: WaterfallStepContext, workerId: WorkerId): { sealed: string; maskedId: string } {
    return { sealed: this.pending.seal({ workerId }, this.conversationOf(step)), maskedId: maskWorkerId(workerId) };
  }

  private async askWorker(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { count, correcting, pending, toFix, unit, showCard } = loopOptions(step);
    if (pending) return this.ask(step, WORKER_PROMPT, { kind: 'pending', pending });
    const item = toFix?.[0];
    if (item && !correcting) return this.ask(step, WORKER_PROMPT, { kind: 'fix', item, unit: unit ?? 'line' });
    return this.ask(
      step,
      WORKER_PROMPT,
      correcting ? { kind: 'worker', n: correcting.n, isCorrection: true } : { kind: 'worker', n: count + 1, isCorrection: false, showCard },
    );
  }

  private async handleWorker(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const locale = turnLocale(step.context);
    const activity = step.context.activity;
    const options: WorkerLoopOptions = { ...loopOptions(step), showCard: false };
    const text = typeof activity.text === 'string' ? activity.text : '';
    if (options.pending) {
      const answered = await this.answerPending(step, options.pending, text, { ...options, pending: undefined });
      if (answered) return answered;
    }
    const rows = workerRowsOf(activity);
    if (rows) return this.addCrew(step, rows, 'row', { ...options, pending: undefined, toFix: undefined, showCard: true });
    const file = (activity.attachments?.length ?? 0) > 0 ? await this.readFile(activity) : undefined;
    if (file && !file.ok) {
      await step.context.sendActivity(textActivity(translateDynamic(locale, `crew.file.${file.error}`, { max: file.max ?? 0 })));
      return step.replaceDialog(WORKERS, { ...options, pending: undefined });
    }
    if (file?.ok) return this.addCrew(step, file.lines, 'line', { ...options, pending: undefined, toFix: undefined });
    if (isCrewText(text)) {
      const lines = crewLinesOf(text);
      if (lines.length > MAX_CREW_LINES) {
        await step.context.sendActivity(textActivity(t(locale, 'crew.tooMany', { max: MAX_CREW_LINES })));
        return step.replaceDialog(WORKERS, { ...options, pending: undefined });
      }
      return this.addCrew(step, lines, 'line', { ...options, pending: undefined, toFix: undefined });
    }
    const item = options.toFix?.[0];
    if (item && !options.correcting) {
      const fixed = await this.answerFix(step, item, text, options);
      if (fixed) return fixed;
    }
    const rest = { ...options, pending: undefined };
    const command = parseListingCommand(text);
    if (command) return this.runCommand(step, command, rest);
    const copy = parseCopyRequest(text, this.today());
    if (copy && !options.correcting) return this.proposeCopy(step, rest, copy);
    return this.handleLine(step, text, rest);
  }

  /** One typed line: a whole worker, an identifier alone (names asked next), or what is wrong. */
  private async handleLine(step: WaterfallStepContext, text: string, options: WorkerLoopOptions, after: Partial<WorkerLoopOptions> = {}): Promise<DialogTurnResult> {
    const locale = turnLocale(step.context);
    const line = parseWorkerLine(text);
    switch (line.kind) {
      case 'worker':
        return this.store(step, line.worker.workerId, line.worker.surname, line.worker.firstName, { ...options, ...after });
      case 'ambiguous':
        if (options.correcting) return this.store(step, line.workerId, line.choices[0]?.surname ?? '', line.choices[0]?.firstName ?? '', options);
        return step.replaceDialog(WORKERS, { ...options, ...after, pending: { kind: 'split', ...this.sealId(step, line.workerId), choices: line.choices } });
      case 'idOnly': {
        if (!options.correcting) {
          const duplicate = await this.duplicateOf(options.key, line.workerId);
          if (duplicate) return this.sayDuplicate(step, { ...options, ...after }, duplicate, undefined);
        }
        workerValues(step).sealed = this.pending.seal({ workerId: line.workerId }, this.conversationOf(step));
        return this.ask(step, SURNAME_PROMPT, { kind: 'surname', maskedId: maskWorkerId(line.workerId) });
      }
      case 'refused': {
        await step.context.sendActivity(textActivity(reasonText(locale, line.error)));
        return step.replaceDialog(WORKERS, options);
      }
    }
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
    return this.store(step, worker.workerId, worker.surname, String(step.result), loopOptions(step));
  }

  /**
   * Adds one worker (or, when correcting, replaces one), then asks for the next. A worker whose
   * identifier is on the listing already is not touched: the user is told at once, and asked.
   */
  private async store(step: WaterfallStepContext, workerId: WorkerId, surname: string, firstName: string, options: WorkerLoopOptions): Promise<DialogTurnResult> {
    const locale = turnLocale(step.context);
    const now = this.deps.clock().toISOString();
    const operationId = operationIdOf(step.context.activity);
    const correcting = workerValues(step).renaming ?? options.correcting;
    const entryId = entryIdFor(operationId, 0);
    // Data, not a closure: the outbox may have to apply it later (storage unreachable).
    const change: ListingChange = correcting
      ? { kind: 'replaceWorker', entryId: correcting.entryId, worker: { workerId, surname, firstName }, at: now }
      : { kind: 'addWorker', worker: { entryId, workerId, surname, firstName }, at: now };
    const before = options.count;
    const next: WorkerLoopOptions = { ...options, correcting: undefined, pending: undefined };
    const submitted = await this.outbox.submit(options.key, operationId, change);
    if (submitted.status === 'pending') {
      // Kept in memory and saved as soon as storage is back: the user goes on with the next one.
      await step.context.sendActivity(
        textActivity(t(locale, 'listing.savePending', { id: md(maskWorkerId(workerId)), surname: md(surname), firstName: md(firstName) })),
      );
      return step.replaceDialog(WORKERS, { ...next, count: correcting ? before : before + 1 });
    }
    const result = submitted.result;
    if (!result.ok) {
      // Nothing is lost: the worker is still in this step's values; the user re-sends the first name.
      await step.context.sendActivity(textActivity(t(locale, 'listing.saveFailed')));
      const conversation = this.conversationOf(step);
      workerValues(step).sealed = this.pending.seal({ workerId, surname }, conversation);
      return this.ask(step, FIRST_NAME_PROMPT, { kind: 'firstName', sealedSurname: this.pending.sealSurname(surname, conversation) });
    }
    const listing = result.listing;
    const count = listing.workers.length;
    if (!correcting && !addedEntries(listing, [entryId]).has(entryId)) {
      const duplicate = findWorker(listing, workerId);
      if (duplicate) return this.sayDuplicate(step, { ...next, count }, duplicate, { surname, firstName });
    }
    const shown = { id: md(maskWorkerId(workerId)), surname: md(surname), firstName: md(firstName), count };
    await step.context.sendActivity(textActivity(t(locale, correcting ? 'listing.corrected' : 'listing.added', { ...shown, n: correcting?.n ?? count })));
    return step.replaceDialog(WORKERS, { ...next, count });
  }

  /** The worker with this identifier on the listing (as it will be once saved), if any. */
  private async duplicateOf(key: ListingKey, workerId: WorkerId): Promise<ReturnType<typeof findWorker>> {
    const read = await this.readListing(key);
    return read === 'unreachable' ? undefined : findWorker(read.listing, workerId);
  }

  /** "Already on the listing as no. 3: 85.07.30-***.** — Peeters Jan": never changed without asking. */
  private async sayDuplicate(
    step: WaterfallStepContext,
    options: WorkerLoopOptions,
    duplicate: NonNullable<ReturnType<typeof findWorker>>,
    typed: NameSplit | undefined,
  ): Promise<DialogTurnResult> {
    const locale = turnLocale(step.context);
    const { entry, index } = duplicate;
    const shown = { n: index + 1, id: md(maskWorkerId(entry.workerId)), surname: md(entry.surname), firstName: md(entry.firstName) };
    if (typed && sameName(typed, entry)) {
      await step.context.sendActivity(textActivity(t(locale, 'crew.duplicate.same', shown)));
      return step.replaceDialog(WORKERS, { ...options, pending: undefined });
    }
    await step.context.sendActivity(textActivity(t(locale, 'crew.duplicate.ask', shown)));
    return step.replaceDialog(WORKERS, { ...options, pending: { kind: 'duplicate', entryId: entry.entryId, n: index + 1, names: typed } });
  }

  /** The answer to a pending question; undefined when the message is something else (the user moved on). */
  private async answerPending(step: WaterfallStepContext, pending: PendingQuestion, text: string, options: WorkerLoopOptions): Promise<DialogTurnResult | undefined> {
    const locale = turnLocale(step.context);
    switch (pending.kind) {
      case 'split': {
        const index = chosenIndex(text, pending.choices.map((c) => this.choiceLabel(locale, c)));
        const choice = index === undefined ? undefined : pending.choices[index];
        if (!choice) return undefined;
        const worker = this.pending.open(pending.sealed, this.conversationOf(step));
        if (!worker) {
          await step.context.sendActivity(textActivity(t(locale, 'security.workerForgotten')));
          return step.replaceDialog(WORKERS, options);
        }
        return this.store(step, worker.workerId, choice.surname, choice.firstName, options);
      }
      case 'duplicate': {
        const labels = this.duplicateLabels(locale, pending);
        const index = chosenIndex(text, labels);
        const isKeep = index === 0 || (index === undefined && isNo(text));
        const isChange = index === 1 || (index === undefined && (isYes(text) || hasCrewWord(text, 'copy') === false && parseListingCommand(text)?.kind === 'correct'));
        if (!isKeep && !isChange) return undefined;
        const read = await this.readListing(options.key);
        const entry = read === 'unreachable' ? undefined : read.listing?.workers.find((w) => w.entryId === pending.entryId);
        if (!entry) return step.replaceDialog(WORKERS, options);
        if (isKeep) {
          await step.context.sendActivity(textActivity(t(locale, 'crew.duplicate.kept', { n: pending.n, surname: md(entry.surname), firstName: md(entry.firstName) })));
          return step.replaceDialog(WORKERS, options);
        }
        if (pending.names) {
          workerValues(step).renaming = { entryId: pending.entryId, n: pending.n };
          return this.store(step, entry.workerId, pending.names.surname, pending.names.firstName, options);
        }
        // No new name typed: ask for it (surname, then first name), then replace.
        const values = workerValues(step);
        values.sealed = this.pending.seal({ workerId: entry.workerId }, this.conversationOf(step));
        values.renaming = { entryId: pending.entryId, n: pending.n };
        return this.ask(step, SURNAME_PROMPT, { kind: 'surname', maskedId: maskWorkerId(entry.workerId) });
      }
      case 'copy': {
        if (isYes(text) || chosenIndex(text, this.copyLabels(locale, pending)) === 0) return this.copyListing(step, pending.fromDate, options);
        if (isNo(text) || chosenIndex(text, this.copyLabels(locale, pending)) === 1) {
          await step.context.sendActivity(textActivity(t(locale, 'crew.copy.declined')));
          return step.replaceDialog(WORKERS, options);
        }
        return undefined;
      }
    }
  }

  /** The first refused line of the last crew: "skip", "skip all", or the line typed again. */
  private async answerFix(step: WaterfallStepContext, item: FixItem, text: string, options: WorkerLoopOptions): Promise<DialogTurnResult | undefined> {
    const locale = turnLocale(step.context);
    const rest = options.toFix?.slice(1) ?? [];
    const unit = options.unit ?? 'line';
    if (hasCrewWord(text, 'skipAll')) {
      await step.context.sendActivity(textActivity(t(locale, 'crew.skippedAll', { count: options.toFix?.length ?? 0 })));
      return step.replaceDialog(WORKERS, { ...options, toFix: undefined });
    }
    if (hasCrewWord(text, 'skip')) {
      await step.context.sendActivity(textActivity(t(locale, 'crew.skipped', { place: placeText(locale, unit, item.line) })));
      return step.replaceDialog(WORKERS, { ...options, toFix: rest });
    }
    if (item.kind === 'split') {
      const index = chosenIndex(text, item.choices.map((c) => this.choiceLabel(locale, c)));
      const choice = index === undefined ? undefined : item.choices[index];
      const worker = choice ? this.pending.open(item.sealed, this.conversationOf(step)) : undefined;
      if (choice && worker) return this.store(step, worker.workerId, choice.surname, choice.firstName, { ...options, toFix: rest });
      if (choice) {
        await step.context.sendActivity(textActivity(t(locale, 'security.workerForgotten')));
        return step.replaceDialog(WORKERS, { ...options, toFix: rest });
      }
    }
    if (parseListingCommand(text) || parseCopyRequest(text, this.today())) return undefined;
    // The line typed again: on success the next refused line comes; otherwise this one is asked again.
    const line = parseWorkerLine(text);
    if (line.kind === 'worker') return this.handleLine(step, text, options, { toFix: rest });
    return this.handleLine(step, text, options);
  }

  /** Adds a crew in one checked write and answers with one summary; refused lines follow one by one. */
  private async addCrew(step: WaterfallStepContext, lines: readonly CrewLine[], unit: CrewUnit, options: WorkerLoopOptions): Promise<DialogTurnResult> {
    const locale = turnLocale(step.context);
    if (lines.length === 0) {
      await step.context.sendActivity(textActivity(t(locale, unit === 'row' ? 'crew.card.empty' : 'crew.file.empty')));
      return step.replaceDialog(WORKERS, options);
    }
    const read = await this.readListing(options.key);
    if (read === 'unreachable' || !read.listing) {
      await step.context.sendActivity(textActivity(t(locale, read === 'unreachable' ? 'listing.storageUnavailable' : 'listing.saveFailed')));
      return step.replaceDialog(WORKERS, options);
    }
    const plan = planCrew(lines, read.listing);
    const operationId = operationIdOf(step.context.activity);
    const workers = plan.valid.map((v) => ({ entryId: entryIdFor(operationId, v.line), ...v.worker }));
    let count = read.listing.workers.length;
    let added = 0;
    let isPending = false;
    const raced: CrewRefusal[] = [];
    if (workers.length > 0) {
      const submitted = await this.outbox.submit(options.key, operationId, { kind: 'addWorkers', workers, at: this.deps.clock().toISOString() });
      if (submitted.status === 'pending') {
        isPending = true;
        added = workers.length;
      } else if (!submitted.result.ok) {
        await step.context.sendActivity(textActivity(t(locale, 'listing.saveFailed')));
        return step.replaceDialog(WORKERS, options);
      } else {
        const listing = submitted.result.listing;
        const present = addedEntries(listing, workers.map((w) => w.entryId));
        added = present.size;
        count = listing.workers.length;
        // Added by a colleague between the read and the write: on the listing, not overwritten.
        for (const v of plan.valid) {
          if (present.has(entryIdFor(operationId, v.line))) continue;
          const existing = findWorker(listing, v.worker.workerId);
          raced.push({ line: v.line, reason: 'crew.onListing', other: existing ? existing.index + 1 : undefined });
        }
      }
    }
    const refused = [...plan.refused, ...raced].sort((a, b) => a.line - b.line);
    const toFix: FixItem[] = [
      ...refused.filter((r) => r.reason !== 'crew.onListing').map((r): FixItem => ({ kind: 'refused', line: r.line, reason: r.reason, other: r.other })),
      ...plan.ambiguous.map((a): FixItem => ({ kind: 'split', line: a.line, ...this.sealId(step, a.workerId), choices: a.choices })),
    ].sort((a, b) => a.line - b.line);
    const summary = crewSummaryText(locale, unit, {
      read: plan.read,
      added,
      isPending,
      count: isPending ? count + added : count,
      refused,
      ambiguous: plan.ambiguous.length,
      hasFollowUps: toFix.length > 0,
    });
    await step.context.sendActivity(textActivity(summary));
    return step.replaceDialog(WORKERS, { ...options, count: isPending ? count + added : count, toFix, unit, pending: undefined });
  }

  private async readFile(activity: Partial<Activity>): Promise<CrewFileRead | undefined> {
    return this.deps.readCrewFile ? this.deps.readCrewFile(activity) : { ok: false, error: 'notAllowed' };
  }

  // --- copying an earlier listing --------------------------------------------------------

  /** The latest earlier listing of this declaration with workers, for the button at the date question. */
  private async findEarlierListing(context: TurnContext, declarationText: string, before?: string): Promise<HeaderValues['copyFrom']> {
    const declaration = parseDeclarationNumber(declarationText);
    if (!declaration.ok) return undefined;
    const tenantKey = tenantKeyOf(context.activity);
    const until = before ?? this.today().toISODate() ?? '';
    try {
      const dates = (await this.deps.store.listDates(tenantKey)).filter((d) => d < until).reverse().slice(0, COPY_LOOKBACK_LISTINGS);
      for (const date of dates) {
        const listing = await this.deps.store.get({ tenantKey, declarationNumber: declaration.value, date });
        if (listing && listing.workers.length > 0) return { date, count: listing.workers.length };
      }
    } catch (error) {
      // Only an offer: without storage, the question is asked without it.
      if (!isTransientStorageError(error)) throw error;
    }
    return undefined;
  }

  /** "Copy the 20 workers of the listing of 1 December onto this one?" — one confirmation. */
  private async proposeCopy(step: WaterfallStepContext, options: WorkerLoopOptions, request: { from: string }): Promise<DialogTurnResult> {
    const locale = turnLocale(step.context);
    const { key } = options;
    let source: { date: string; count: number } | undefined;
    if (request.from === 'latest') source = await this.findEarlierListing(step.context, key.declarationNumber, key.date);
    else if (request.from !== key.date) {
      const listing = await this.deps.store.get(this.sourceKey(step.context, key, request.from));
      source = listing && listing.workers.length > 0 ? { date: request.from, count: listing.workers.length } : undefined;
    }
    if (!source) {
      const message =
        request.from === 'latest'
          ? t(locale, 'crew.copy.noneRecent', { declaration: key.declarationNumber })
          : t(locale, 'crew.copy.none', { declaration: key.declarationNumber, date: formatDay(locale, request.from) });
      await step.context.sendActivity(textActivity(message));
      return step.replaceDialog(WORKERS, options);
    }
    return step.replaceDialog(WORKERS, { ...options, pending: { kind: 'copy', fromDate: source.date, count: source.count } });
  }

  private async copyListing(step: WaterfallStepContext, fromDate: string, options: WorkerLoopOptions): Promise<DialogTurnResult> {
    const source = await this.deps.store.get(this.sourceKey(step.context, options.key, fromDate));
    const lines: CrewLine[] = (source?.workers ?? []).map((w, i) => ({
      line: i + 1,
      result: { kind: 'worker', worker: { workerId: w.workerId, surname: w.surname, firstName: w.firstName } },
    }));
    return this.addCrew(step, lines, 'line', options);
  }

  /** The listing copied from: the same declaration, another day, always the sender's own tenant. */
  private sourceKey(context: TurnContext, key: ListingKey, date: string): ListingKey {
    return { tenantKey: tenantKeyOf(context.activity), declarationNumber: key.declarationNumber, date };
  }

  private async runCommand(step: WaterfallStepContext, command: ListingCommand, options: WorkerLoopOptions): Promise<DialogTurnResult> {
    const locale = turnLocale(step.context);
    const loop = { ...options, correcting: undefined, pending: undefined };
    const read = await this.readListing(options.key);
    if (read === 'unreachable') {
      await step.context.sendActivity(textActivity(t(locale, 'listing.storageUnavailable')));
      return step.replaceDialog(WORKERS, loop);
    }
    const { listing, pending } = read;
    if (!listing) {
      await step.context.sendActivity(textActivity(t(locale, 'listing.saveFailed')));
      return step.endDialog();
    }
    const count = listing.workers.length;
    switch (command.kind) {
      case 'list': {
        const note = pending > 0 ? `\n\n${t(locale, 'listing.pendingNote', { count: pending })}` : '';
        await step.context.sendActivity(textActivity(`${this.listText(locale, listing)}${note}`));
        return step.replaceDialog(WORKERS, { ...loop, count });
      }
      case 'pdf':
      case 'done':
        if (pending > 0) {
          // The PDF is printed from storage: it would miss what is still waiting. Later, then.
          await step.context.sendActivity(
            textActivity(`${t(locale, 'listing.pendingNote', { count: pending })}\n\n${t(locale, 'listing.pdfWhenSaved')}`),
          );
          return step.replaceDialog(WORKERS, { ...loop, count });
        }
        if (command.kind === 'pdf') {
          await step.context.sendActivity(textActivity(this.pdfText(locale, options.key)));
          return step.replaceDialog(WORKERS, { ...loop, count });
        }
        await step.context.sendActivity(
          textActivity(
            `${t(locale, 'listing.finished', {
              count,
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
          return step.replaceDialog(WORKERS, { ...loop, count });
        }
        if (command.kind === 'correct') {
          return step.replaceDialog(WORKERS, { ...loop, count, correcting: { entryId: entry.entryId, n: command.n } });
        }
        const submitted = await this.outbox.submit(options.key, operationIdOf(step.context.activity), {
          kind: 'removeWorker',
          entryId: entry.entryId,
          at: this.deps.clock().toISOString(),
        });
        if (submitted.status === 'pending') {
          await step.context.sendActivity(textActivity(t(locale, 'listing.changePending')));
          return step.replaceDialog(WORKERS, { ...loop, count: count - 1 });
        }
        const removed = submitted.result;
        const left = removed.ok ? removed.listing.workers.length : count;
        await step.context.sendActivity(textActivity(t(locale, removed.ok ? 'listing.removed' : 'listing.saveFailed', { n: command.n, count: left })));
        return step.replaceDialog(WORKERS, { ...loop, count: left });
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
      case 'confirmReference':
        return textActivity(t(locale, 'crew.reference.ask', { reference: md(question.reference) }), [
          sayAction(t(locale, 'crew.reference.yesButton')),
          sayAction(t(locale, 'crew.reference.noButton')),
        ]);
      case 'declaration':
        return textActivity(t(locale, 'listing.askDeclaration'));
      case 'date': {
        const today = formatDayMonth(locale, this.today());
        const actions = [sayAction(t(locale, 'listing.todayButton'))];
        if (question.copyFrom) actions.push(sayAction(this.copyButton(locale, question.copyFrom)));
        return textActivity(t(locale, 'listing.askDate', { today }), actions);
      }
      case 'worker': {
        const text = question.isCorrection
          ? t(locale, 'listing.correcting', { n: question.n })
          : `${t(locale, 'listing.askWorkerId', { n: question.n })}\n\n_${t(locale, 'crew.fastHint')}_\n\n_${t(locale, 'listing.commandsHint')}_`;
        const activity = textActivity(text, this.loopActions(locale));
        if (!question.isCorrection && question.showCard && showsCards(context.activity.channelId)) {
          activity.attachments = [workerRowsCard(locale)];
        }
        return activity;
      }
      case 'pending':
        return this.renderPending(locale, question.pending);
      case 'fix': {
        const { item, unit } = question;
        const skip = [sayAction(t(locale, 'crew.skipButton')), sayAction(t(locale, 'crew.skipAllButton'))];
        if (item.kind === 'split') return this.splitQuestion(locale, `${placeText(locale, unit, item.line)} — `, item.maskedId, item.choices, skip);
        const reason = reasonText(locale, item.reason, item.other);
        return textActivity(t(locale, 'crew.fixAsk', { place: placeText(locale, unit, item.line), reason }), skip);
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

  private renderPending(locale: Locale, pending: PendingQuestion): Partial<Activity> {
    switch (pending.kind) {
      case 'split':
        return this.splitQuestion(locale, '', pending.maskedId, pending.choices, []);
      case 'duplicate': {
        const text = pending.names
          ? t(locale, 'crew.duplicate.askNew', { newSurname: md(pending.names.surname), newFirstName: md(pending.names.firstName) })
          : t(locale, 'crew.duplicate.askCorrect');
        return textActivity(text, this.duplicateLabels(locale, pending).map(sayAction));
      }
      case 'copy':
        return textActivity(t(locale, 'crew.copy.ask', { count: pending.count, date: formatDay(locale, pending.fromDate) }), this.copyLabels(locale, pending).map(sayAction));
    }
  }

  private splitQuestion(locale: Locale, place: string, maskedId: string, choices: readonly NameSplit[], extra: CardAction[]): Partial<Activity> {
    const labels = choices.map((c) => this.choiceLabel(locale, c));
    const text = `${t(locale, 'crew.splitAsk', { place, id: md(maskedId) })}\n\n${labels.map((l, i) => `${i + 1}. ${md(l)}`).join('\n')}`;
    return textActivity(text, [...labels.map(sayAction), ...extra]);
  }

  private choiceLabel(locale: Locale, choice: NameSplit): string {
    return t(locale, 'crew.splitChoice', { surname: choice.surname, firstName: choice.firstName });
  }

  private duplicateLabels(locale: Locale, pending: Extract<PendingQuestion, { kind: 'duplicate' }>): string[] {
    return [t(locale, 'crew.duplicate.keepButton'), t(locale, pending.names ? 'crew.duplicate.replaceButton' : 'crew.duplicate.correctButton')];
  }

  private copyLabels(locale: Locale, pending: Extract<PendingQuestion, { kind: 'copy' }>): string[] {
    return [t(locale, 'crew.copy.yesButton', { count: pending.count }), t(locale, 'crew.copy.noButton')];
  }

  private copyButton(locale: Locale, from: { date: string; count: number }): string {
    const day = DateTime.fromISO(from.date, { zone: LISTING_ZONE });
    return `${t(locale, 'crew.copy.button', { date: day.toFormat('d/M') })} (${from.count})`;
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

  /** The reference; when confirming one given earlier, "yes" takes it and "no" asks for it. */
  private async validateReference(prompt: PromptValidatorContext<string>): Promise<boolean> {
    if (!this.isFromOwner(prompt)) return refuse(prompt, t(turnLocale(prompt.context), 'security.listingNotYours'));
    const question = prompt.options.validations as ListingQuestion;
    const text = prompt.recognized.value ?? '';
    if (question.kind === 'confirmReference') {
      const labels = [t(turnLocale(prompt.context), 'crew.reference.yesButton'), t(turnLocale(prompt.context), 'crew.reference.noButton')];
      const index = chosenIndex(text, labels);
      if (index === 0 || (index === undefined && isYes(text))) {
        prompt.recognized.value = question.reference;
        return true;
      }
      if (index === 1 || (index === undefined && isNo(text))) {
        prompt.recognized.value = NOT_THE_REFERENCE;
        return true;
      }
    }
    return this.validate(prompt, parseReferenceNumber, 'reference');
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
    const text = prompt.recognized.value ?? '';
    const locale = turnLocale(prompt.context);
    const command = parseListingCommand(text);
    // "terminé", "lijst", "pdf" at this question do what they say (open() reads them).
    if (command && command.kind !== 'remove' && command.kind !== 'correct') return true;
    if (parseCopyRequest(text, this.today())) return true;
    const read = readListingDate(text, this.today());
    if (read.ok) return true;
    if (read.error === 'outOfRange') {
      const day = formatDay(locale, read.day.toISODate() ?? '');
      return refuse(prompt, t(locale, 'crew.date.outOfRange', { day, today: formatDay(locale, this.today().toISODate() ?? '') }));
    }
    return refuse(prompt, t(locale, 'listing.badDate'));
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
