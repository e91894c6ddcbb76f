import {
  ActivityHandler,
  type ConversationState,
  type StatePropertyAccessor,
  TurnContext,
} from 'botbuilder';
import { type DialogContext, DialogSet, type DialogState, type DialogTurnResult, DialogTurnStatus } from '../dialogs/botbuilderDialogs.js';
import { DateTime } from 'luxon';
import { EVIDENCE_DIALOG, EvidenceDialog, evidenceListText, type EvidenceOptions } from '../dialogs/evidenceDialog.js';
import { ERASE_DIALOG, EraseDialog, type EraseOptions } from '../dialogs/eraseDialog.js';
import { LISTING_DIALOG, ListingDialog, type ListingOptions, WORKER_LOOP_DIALOG } from '../dialogs/listingDialog.js';
import { centreStatusActivity, contactRouteActions, followUpActions, formatOpening, routeText, sayAction, textActivity } from '../dialogs/messages.js';
import { isProcedureActive, PROCEDURE_DIALOG, procedureDialogs, type ProcedureOptions, type ProcedureResult } from '../dialogs/procedureDialog.js';
import { isAnswerToPrompt } from '../dialogs/answerPrompt.js';
import { readAttachedCrew } from '../dialogs/listing/attachments.js';
import { useTeamsCards } from '../dialogs/teamsCards.js';
import { canUseListing, tenantKeyOf } from '../dialogs/tenant.js';
import { labelOutgoingLocale, setLeadIn, setTurnLocale, turnLocale } from '../dialogs/turnLocale.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { CATALOGS, isLocale, LOCALES, type Locale, negotiateLocale, t } from './i18n/index.js';
import type { DownloadLinks } from './listing/downloadLinks.js';
import type { EvidenceOutbox } from './listing/evidenceOutbox.js';
import type { EvidenceStore } from './listing/evidenceStore.js';
import type { ListingStore } from './listing/listingStore.js';
import type { ListingOutbox } from './listing/outbox.js';
import type { PendingWorkerSeal } from './listing/pendingWorker.js';
import { LISTING_ZONE, type ListingKey } from './listing/model.js';
import type { Logger } from './logger.js';
import { getCentreStatus } from './contactCentre/index.js';
import { OUTCOMES } from './procedure/table.js';
import { canRemindLater } from './reminders/localReminders.js';
import type { ReminderStore, StoredReference } from './reminders/reminderStore.js';
import { looksLikeReference, parseListingHeader } from './understanding/listingHeader.js';
import { findDateInText } from './understanding/listingWords.js';
import { detectLanguage, SWITCH_PROBABILITY } from './understanding/languageDetector.js';
import { type Confidence, type Intent, isButtonLabel, readYesNo, recognizeIntent, type SmallTalk } from './understanding/recognize.js';

/**
 * The user's choices, kept with the conversation rather than in a separate user-state blob:
 * one state read and at most one write per turn (the benchmark's blob budget), and a
 * conversation is one person's in every channel this bot serves one-to-one.
 */
export interface UserProfile {
  /** The language the user chose by name; wins over the channel's activity.locale. */
  locale?: Locale;
  /**
   * The language the user was last seen writing in (free text, detected with confidence): the
   * bot answers in it rather than in the channel's locale, and keeps it for the buttons and
   * numbers that follow (they carry no language of their own).
   */
  writtenLocale?: Locale;
}

/** What the conversation remembers between dialogs. */
export interface Session {
  /** The last verdict, for "record evidence" and for the cause printed on the listing. */
  lastVerdict?: ProcedureResult;
  /** The listing last worked on here, for "erase the listing". */
  listing?: ListingKey;
  /** Recently processed activity ids: a redelivered activity has no second effect. */
  recentActivityIds?: string[];
  /** The last message offered to record evidence: a bare "yes" next accepts it. */
  isEvidenceOffered?: boolean;
}

export interface ListingServices {
  readonly reminders: ReminderStore;
  readonly store: ListingStore;
  /** Listing changes kept while storage is unreachable (default: the listing dialog's own). */
  readonly outbox?: ListingOutbox;
  readonly evidence: EvidenceStore;
  /** Keeps evidence records while storage is unreachable (evidenceOutbox.ts). */
  readonly evidenceOutbox?: EvidenceOutbox;
  readonly links: DownloadLinks;
  readonly publicBaseUrl: string;
  /** Seals the worker being entered in dialog state (default: the listing dialog's own key). */
  readonly pendingWorkers?: PendingWorkerSeal;
}

export interface BotDeps {
  readonly config: Config;
  readonly conversationState: ConversationState;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly listings: ListingServices;
}

/** Channels redeliver within seconds; a short memory keeps the state blob small (it is written every turn). */
const MAX_REMEMBERED_ACTIVITIES = 20;

/**
 * Teams announces the bot's own arrival (installed in a personal scope, added to a team or
 * group chat): greet then, once — not every time a colleague joins a team. Other channels
 * (Emulator, Web Chat) announce the user joining the conversation: greet them.
 */
function isWelcomeDue(context: TurnContext): boolean {
  const botId = context.activity.recipient?.id;
  const added = context.activity.membersAdded ?? [];
  if (context.activity.channelId === 'msteams') return added.some((m) => m.id === botId);
  return added.some((m) => m.id !== botId);
}

/** Where to write back to later; without the user's display name, which the reminder does not need. */
function storedReference(context: TurnContext): StoredReference {
  const { channelId, serviceUrl, conversation, bot, user, locale } = TurnContext.getConversationReference(context.activity);
  return {
    channelId: channelId ?? '',
    serviceUrl: serviceUrl ?? '',
    conversation: {
      id: conversation?.id ?? '',
      ...(conversation?.tenantId ? { tenantId: conversation.tenantId } : {}),
      ...(conversation?.conversationType ? { conversationType: conversation.conversationType } : {}),
      ...(conversation?.isGroup === undefined ? {} : { isGroup: conversation.isGroup }),
    },
    bot: { id: bot?.id ?? '' },
    ...(user?.id ? { user: { id: user.id } } : {}),
    ...(locale ? { locale } : {}),
  };
}

/** A photo, a file or a sticker with no words: nothing to recognise, but never ignored. */
function isAttachmentOnly(context: TurnContext): boolean {
  const { text, attachments, value } = context.activity;
  return (text ?? '').trim() === '' && value === undefined && (attachments?.length ?? 0) > 0;
}
/** Verdicts after which the contact centre gives a reference number (step 3.2). */
const OUTCOMES_NEEDING_CENTRE: ReadonlySet<string> = new Set(Object.values(OUTCOMES).filter((o) => o.needsContactCentre).map((o) => o.id));

/** Intents that are commands about the conversation itself, valid inside any dialog. */
const COMMANDS: ReadonlySet<Intent['kind']> = new Set(['switchLanguage', 'chooseLanguage', 'help', 'restart', 'cancel']);

/**
 * Turn routing. Quick questions and commands (language, help, start over, cancel, "is the
 * contact centre open?", "am I exempt?", listing and evidence commands) are recognised first, at
 * any point, even in the middle of a dialog; everything else goes to the active dialog, or
 * starts the procedure.
 */
export class EmergencyBot extends ActivityHandler {
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly profile: StatePropertyAccessor<UserProfile>;
  private readonly session: StatePropertyAccessor<Session>;
  private readonly dialogs: DialogSet;

  constructor(private readonly deps: BotDeps) {
    super();
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialogState');
    this.session = deps.conversationState.createProperty<Session>('session');
    this.profile = deps.conversationState.createProperty<UserProfile>('profile');
    const { listings, clock } = deps;
    this.dialogs = new DialogSet(this.dialogState);
    for (const dialog of procedureDialogs({ clock, contactCentre: deps.config.contactCentre })) this.dialogs.add(dialog);
    this.dialogs
      .add(
        new ListingDialog({
          store: listings.store,
          outbox: listings.outbox,
          links: listings.links,
          clock,
          publicBaseUrl: listings.publicBaseUrl,
          readCrewFile: (activity) => readAttachedCrew(activity, { isAuthenticated: Boolean(deps.config.bot.appId) }),
          ...(listings.pendingWorkers ? { pendingWorkers: listings.pendingWorkers } : {}),
        }),
      )
      .add(new EvidenceDialog({ store: listings.evidence, outbox: listings.evidenceOutbox, clock }))
      .add(new EraseDialog(listings.store));

    this.onMessage(async (context, next) => {
      // In channels and group chats Teams sends "<at>Bot</at> am I exempt?": only the question counts.
      TurnContext.removeRecipientMention(context.activity);
      if (await this.isRedelivery(context)) {
        deps.logger.info('activity.redelivered', { channelId: context.activity.channelId });
        return;
      }
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      if (isWelcomeDue(context)) {
        const locale = await this.resolveLocale(context);
        await context.sendActivity(textActivity(t(locale, 'welcome'), followUpActions(locale)));
      }
      await next();
    });
  }

  /**
   * State is saved after a turn that succeeded (only if it changed). A turn that fails halfway
   * through a step saves nothing: the conversation stays at the question it was at, with what was
   * entered before, so the same answer sent again continues (the apology asks for exactly that).
   */
  override async run(context: TurnContext): Promise<void> {
    useTeamsCards(context);
    labelOutgoingLocale(context);
    await super.run(context);
    await this.deps.conversationState.saveChanges(context, false);
  }

  /**
   * User's choice, else the language the user writes in, else the channel's locale (Teams sends
   * e.g. nl-BE), else the default.
   */
  async resolveLocale(context: TurnContext): Promise<Locale> {
    const profile = await this.profile.get(context, {});
    const locale = isLocale(profile.locale)
      ? profile.locale
      : isLocale(profile.writtenLocale)
        ? profile.writtenLocale
        : negotiateLocale(context.activity.locale, this.deps.config.defaultLocale);
    setTurnLocale(context, locale);
    return locale;
  }

  /**
   * "onze router is stuk" from a phone set to English is answered in Dutch: free text whose
   * language is clear. An explicit choice of language still wins; buttons and numbers never
   * switch (they say nothing about the language, and a button is in the current one anyway).
   */
  private async followWrittenLanguage(context: TurnContext): Promise<void> {
    const text = context.activity.text ?? '';
    const profile = await this.profile.get(context, {});
    if (isLocale(profile.locale) || isButtonLabel(text)) return;
    const detected = detectLanguage(text);
    if (!detected || detected.probability < SWITCH_PROBABILITY) return;
    const channelLocale = negotiateLocale(context.activity.locale, this.deps.config.defaultLocale);
    if (detected.locale === channelLocale) delete profile.writtenLocale;
    else profile.writtenLocale = detected.locale;
    setTurnLocale(context, detected.locale);
  }

  /** Remembers the activity id; true when it was already processed (a channel retry). */
  private async isRedelivery(context: TurnContext): Promise<boolean> {
    const id = context.activity.id;
    if (!id) return false;
    const session = await this.session.get(context, {});
    const recent = session.recentActivityIds ?? [];
    if (recent.includes(id)) return true;
    session.recentActivityIds = [...recent, id].slice(-MAX_REMEMBERED_ACTIVITIES);
    return false;
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    await this.resolveLocale(context);
    const dc = await this.dialogs.createContext(context);
    // Names, numbers and notes typed into the listing or evidence dialogs say nothing about
    // the language the person reads.
    if (!dc.activeDialog || isProcedureActive(dc.stack)) await this.followWrittenLanguage(context);
    // A file sent into the listing is a crew (listingDialog reads it); elsewhere a photo or a
    // sticker with no words gets a short answer.
    if (isAttachmentOnly(context) && (!dc.activeDialog || isProcedureActive(dc.stack))) {
      await this.answerSmallTalk(dc, 'attachment');
      return;
    }
    if (await this.answerOffer(dc)) return;
    const intent = recognizeIntent(context.activity.text ?? '', { isQuestionOpen: dc.activeDialog !== undefined });
    if (await this.handleIntent(dc, intent)) return;
    if (!dc.activeDialog && (await this.openListingFromText(dc))) return;
    if (dc.activeDialog) {
      const result = await dc.continueDialog();
      await this.remember(context, result);
      if (result.status !== DialogTurnStatus.empty) return;
    }
    if (intent.kind === 'cause') await this.startProcedure(dc, intent.cause, intent.confidence);
    else await this.startProcedure(dc);
  }

  /**
   * "Record evidence of the unavailability…?" ends an exemption verdict: "oui" then records it,
   * "non" is acknowledged — rather than either being taken for the start of something else.
   */
  private async answerOffer(dc: DialogContext): Promise<boolean> {
    const session = await this.session.get(dc.context, {});
    const isOffered = session.isEvidenceOffered === true;
    delete session.isEvidenceOffered;
    const answer = isOffered && !dc.activeDialog ? readYesNo(dc.context.activity.text ?? '') : undefined;
    if (answer === 'no') await dc.context.sendActivity(textActivity(t(turnLocale(dc.context), 'smallTalk.declined')));
    if (answer === 'yes') await this.beginEvidence(dc, session);
    return answer !== undefined;
  }

  /** Records evidence for the last verdict of this conversation. */
  private async beginEvidence(dc: DialogContext, session: Session): Promise<void> {
    const verdict = session.lastVerdict;
    await this.begin(dc, EVIDENCE_DIALOG, { outcome: verdict?.outcome ?? 'unspecified', cause: verdict?.cause } satisfies EvidenceOptions);
  }

  /**
   * "merci", "bonjour", "lol", a photo, a sticker: a short answer in the user's language, and
   * the current question again if one is open — never a procedure nobody asked for.
   */
  private async answerSmallTalk(dc: DialogContext, topic: SmallTalk | 'attachment'): Promise<void> {
    const locale = turnLocale(dc.context);
    const text = t(locale, `smallTalk.${topic}`);
    if (dc.activeDialog) {
      await dc.context.sendActivity(textActivity(text));
      await dc.repromptDialog();
      return;
    }
    const actions = (['actions.exemptToday', 'actions.centreOpen', 'actions.help'] as const).map((key) => sayAction(t(locale, key)));
    await dc.context.sendActivity(textActivity(text, actions));
  }

  /** Keeps what finished dialogs established: the verdict, the listing worked on. */
  private async remember(context: TurnContext, result: DialogTurnResult): Promise<void> {
    if (result.status !== DialogTurnStatus.complete || typeof result.result !== 'object' || result.result === null) return;
    const session = await this.session.get(context, {});
    const value = result.result as Partial<ProcedureResult & { key: ListingKey }>;
    if (value.outcome) session.lastVerdict = { outcome: value.outcome, ...(value.cause ? { cause: value.cause } : {}) };
    if (value.outcome && OUTCOMES[value.outcome].isExempt) session.isEvidenceOffered = true;
    if (value.key) session.listing = value.key;
  }

  private async begin(dc: DialogContext, dialogId: string, options: object): Promise<void> {
    await this.remember(dc.context, await dc.beginDialog(dialogId, options));
  }

  /** Handles commands and quick questions; false when the message belongs to the dialog. */
  private async handleIntent(dc: DialogContext, intent: Intent): Promise<boolean> {
    const context = dc.context;
    const locale = turnLocale(context);
    const active = dc.activeDialog?.id;
    // An evidence note is free text: only commands interrupt it, not words it may quote
    // ("…the operator's reference number…").
    if (active === EVIDENCE_DIALOG && !COMMANDS.has(intent.kind)) return false;
    switch (intent.kind) {
      case 'switchLanguage': {
        const profile = await this.profile.get(context, {});
        profile.locale = intent.locale;
        setTurnLocale(context, intent.locale);
        await context.sendActivity(textActivity(t(intent.locale, 'language.switched')));
        if (active) await dc.repromptDialog();
        return true;
      }
      case 'chooseLanguage': {
        const names = LOCALES.map((l) => CATALOGS[l].meta.languageName);
        await context.sendActivity(textActivity(t(locale, 'language.choose'), names.map(sayAction)));
        return true;
      }
      case 'help':
        await context.sendActivity(textActivity(t(locale, 'help'), active ? [] : followUpActions(locale)));
        if (active) await dc.repromptDialog();
        return true;
      case 'restart':
        await dc.cancelAllDialogs();
        setLeadIn(context, t(locale, 'restarted'));
        await this.begin(dc, PROCEDURE_DIALOG, { answers: {} } satisfies ProcedureOptions);
        return true;
      case 'cancel':
        if (!active) {
          await context.sendActivity(textActivity(t(locale, 'nothingToCancel')));
          return true;
        }
        await dc.cancelAllDialogs();
        await context.sendActivity(textActivity(t(locale, 'cancelled'), followUpActions(locale)));
        return true;
      case 'centreOpen':
      case 'noReference': {
        const leadIn = intent.kind === 'noReference' ? t(locale, 'centre.noReference') : undefined;
        await context.sendActivity(centreStatusActivity(locale, this.deps.config.contactCentre, this.deps.clock(), leadIn));
        if (active) await dc.repromptDialog();
        return true;
      }
      case 'exempt':
        // With the cause named, the verdict comes in this very turn (after a confirmation when
        // the cause is only a guess). Without it, the procedure asks — unless it is under way,
        // in which case its current question is the answer.
        if (!intent.cause && isProcedureActive(dc.stack)) {
          await dc.repromptDialog();
          return true;
        }
        if (!intent.cause && active) return false;
        await dc.cancelAllDialogs();
        await this.startProcedure(dc, intent.cause, intent.confidence);
        return true;
      case 'cause':
        if (active) return false;
        await this.startProcedure(dc, intent.cause, intent.confidence);
        return true;
      case 'smallTalk':
        // "ok" or "oui" may answer the open question: the dialog reads it first.
        if (active && isAnswerToPrompt(dc, context.activity.text ?? '')) return false;
        await this.answerSmallTalk(dc, intent.topic);
        return true;
      case 'startListing': {
        if (active === LISTING_DIALOG) return false;
        await dc.cancelAllDialogs();
        const session = await this.session.get(context, {});
        const header = parseListingHeader(context.activity.text ?? '', this.today());
        await this.begin(dc, LISTING_DIALOG, { cause: session.lastVerdict?.cause, ...header } satisfies ListingOptions);
        return true;
      }
      case 'recordEvidence':
        if (active) return false;
        await this.beginEvidence(dc, await this.session.get(context, {}));
        return true;
      case 'listEvidence': {
        const today = DateTime.fromJSDate(this.deps.clock()).setZone(LISTING_ZONE);
        const date = findDateInText(context.activity.text ?? '', today) ?? (today.toISODate() ?? '');
        const records = await this.deps.listings.evidence.listForDate(tenantKeyOf(context.activity), date);
        await context.sendActivity(textActivity(evidenceListText(locale, date, records)));
        if (active) await dc.repromptDialog();
        return true;
      }
      case 'eraseListing': {
        const session = await this.session.get(context, {});
        const key = await this.currentListing(dc, session);
        if (!key) {
          await context.sendActivity(textActivity(t(locale, 'listing.erase.nothing')));
          if (active) await dc.repromptDialog();
          return true;
        }
        await dc.cancelAllDialogs();
        await this.begin(dc, ERASE_DIALOG, { key } satisfies EraseOptions);
        return true;
      }
      case 'setReminder':
        await this.setReminder(context, locale);
        if (active) await dc.repromptDialog();
        return true;
      case 'cancelReminder': {
        const cancelled = await this.deps.listings.reminders.cancel(storedReference(context));
        await context.sendActivity(textActivity(t(locale, cancelled ? 'reminder.cancelled' : 'reminder.none')));
        if (active) await dc.repromptDialog();
        return true;
      }
      case 'none':
        return false;
    }
  }

  /** "Remind me when it opens": a message here at the next opening, with the phone route. */
  private async setReminder(context: TurnContext, locale: Locale): Promise<void> {
    const now = this.deps.clock();
    const centre = this.deps.config.contactCentre;
    const status = getCentreStatus(centre.schedule, now);
    if (status.isOpen) {
      await context.sendActivity(
        textActivity(`${t(locale, 'reminder.alreadyOpen')}\n\n${routeText(locale, status, centre, now)}`, contactRouteActions(locale, status, centre)),
      );
      return;
    }
    if (!status.opensAt) {
      await context.sendActivity(textActivity(t(locale, 'reminder.failed')));
      return;
    }
    if (!canRemindLater(context.activity)) {
      await context.sendActivity(textActivity(t(locale, 'localPage.noReminder', { opensAt: formatOpening(locale, status.opensAt, now) })));
      return;
    }
    await this.deps.listings.reminders.set(storedReference(context), status.opensAt.toJSDate(), locale, now);
    await context.sendActivity(textActivity(t(locale, 'reminder.set', { opensAt: formatOpening(locale, status.opensAt, now) })));
  }

  /** The listing being entered right now, else the last one finished in this conversation. */
  private async currentListing(dc: DialogContext, session: Session): Promise<ListingKey | undefined> {
    // Inside the listing dialog the innermost dialog is a prompt; the key is in the worker loop's options.
    const stack = dc.activeDialog?.id === LISTING_DIALOG ? (dc.child?.stack ?? []) : [];
    const loop = stack.find((instance) => instance.id === WORKER_LOOP_DIALOG)?.state as { options?: { key?: ListingKey } } | undefined;
    const key = loop?.options?.key ?? session.listing;
    // A listing of another tenant is never addressed, even if the state says so.
    return key && canUseListing(dc.context.activity, key) ? key : undefined;
  }

  /**
   * The listing opened straight from what was typed: the whole header in one message ("reference
   * REF-1, declaration 1Y102M7NZF7PZ, today"), or, right after a contact-centre verdict, the
   * reference number the agent just gave (confirmed first when it might be something else).
   */
  private async openListingFromText(dc: DialogContext): Promise<boolean> {
    const text = dc.context.activity.text ?? '';
    const session = await this.session.get(dc.context, {});
    const cause = session.lastVerdict?.cause;
    const header = parseListingHeader(text, this.today());
    if (header.reference !== undefined && header.declaration !== undefined) {
      await this.begin(dc, LISTING_DIALOG, { cause, ...header } satisfies ListingOptions);
      return true;
    }
    const verdict = session.lastVerdict ? OUTCOMES_NEEDING_CENTRE.has(session.lastVerdict.outcome) : false;
    const reference = verdict ? looksLikeReference(text) : undefined;
    if (!reference) return false;
    await this.begin(dc, LISTING_DIALOG, { cause, reference: reference.reference, confirmReference: reference.certainty === 'maybe' } satisfies ListingOptions);
    return true;
  }

  private today(): DateTime {
    return DateTime.fromJSDate(this.deps.clock()).setZone(LISTING_ZONE);
  }

  /** Starts the procedure, at the cause when it is known, at its confirmation when it is a guess. */
  private async startProcedure(dc: DialogContext, cause?: string, confidence: Confidence = 'full'): Promise<void> {
    if (!cause) setLeadIn(dc.context, t(turnLocale(dc.context), 'intro'));
    const options: ProcedureOptions = !cause
      ? { answers: {} }
      : confidence === 'full'
        ? { answers: { cause } }
        : { answers: {}, guess: { node: 'cause', answer: cause } };
    await this.begin(dc, PROCEDURE_DIALOG, options);
  }
}

