import {
  ActivityHandler,
  type ConversationState,
  type StatePropertyAccessor,
  type TurnContext,
  type UserState,
} from 'botbuilder';
import { type DialogContext, DialogSet, type DialogState, DialogTurnStatus } from 'botbuilder-dialogs';
import { centreStatusActivity, followUpActions, textActivity } from '../dialogs/messages.js';
import { PROCEDURE_DIALOG, ProcedureDialog, type ProcedureOptions } from '../dialogs/procedureDialog.js';
import { setTurnLocale, turnLocale } from '../dialogs/turnLocale.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { CATALOGS, isLocale, LOCALES, type Locale, negotiateLocale, t } from './i18n/index.js';
import type { Logger } from './logger.js';
import { type Intent, recognizeIntent } from './understanding/recognize.js';

export interface UserProfile {
  /** The language the user chose by name; wins over the channel's activity.locale. */
  locale?: Locale;
}

export interface BotDeps {
  readonly config: Config;
  readonly conversationState: ConversationState;
  readonly userState: UserState;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Turn routing. Quick questions and commands (language, help, start over, cancel, "is the
 * contact centre open?", "am I exempt?") are recognised first, at any point, even in the middle
 * of the procedure; everything else goes to the active dialog, or starts the procedure.
 */
export class EmergencyBot extends ActivityHandler {
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly profile: StatePropertyAccessor<UserProfile>;
  private readonly dialogs: DialogSet;

  constructor(private readonly deps: BotDeps) {
    super();
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialogState');
    this.profile = deps.userState.createProperty<UserProfile>('profile');
    this.dialogs = new DialogSet(this.dialogState).add(
      new ProcedureDialog({ clock: deps.clock, contactCentre: deps.config.contactCentre }),
    );

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const newcomers = (context.activity.membersAdded ?? []).filter((m) => m.id !== context.activity.recipient?.id);
      if (newcomers.length > 0) {
        const locale = await this.resolveLocale(context);
        await context.sendActivity(textActivity(t(locale, 'welcome'), followUpActions(locale)));
      }
      await next();
    });
  }

  /** State is saved after every turn, including turns that ended in an error reply. */
  override async run(context: TurnContext): Promise<void> {
    try {
      await super.run(context);
    } finally {
      await this.deps.conversationState.saveChanges(context, false);
      await this.deps.userState.saveChanges(context, false);
    }
  }

  /** User's choice, else the channel's locale (Teams sends e.g. nl-BE), else the default. */
  async resolveLocale(context: TurnContext): Promise<Locale> {
    const profile = await this.profile.get(context, {});
    const locale = isLocale(profile.locale) ? profile.locale : negotiateLocale(context.activity.locale, this.deps.config.defaultLocale);
    setTurnLocale(context, locale);
    return locale;
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    await this.resolveLocale(context);
    const dc = await this.dialogs.createContext(context);
    const intent = recognizeIntent(context.activity.text ?? '');
    if (await this.handleIntent(dc, intent)) return;
    if (dc.activeDialog) {
      const result = await dc.continueDialog();
      if (result.status !== DialogTurnStatus.empty) return;
    }
    await this.startProcedure(dc, intent.kind === 'cause' ? intent.cause : undefined);
  }

  /** Handles commands and quick questions; false when the message belongs to the dialog. */
  private async handleIntent(dc: DialogContext, intent: Intent): Promise<boolean> {
    const context = dc.context;
    const locale = turnLocale(context);
    switch (intent.kind) {
      case 'switchLanguage': {
        const profile = await this.profile.get(context, {});
        profile.locale = intent.locale;
        setTurnLocale(context, intent.locale);
        await context.sendActivity(textActivity(t(intent.locale, 'language.switched')));
        if (dc.activeDialog) await dc.repromptDialog();
        return true;
      }
      case 'chooseLanguage': {
        const names = LOCALES.map((l) => CATALOGS[l].meta.languageName);
        await context.sendActivity(
          textActivity(t(locale, 'language.choose'), names.map((n) => ({ type: 'imBack', title: n, value: n }))),
        );
        return true;
      }
      case 'help':
        await context.sendActivity(textActivity(t(locale, 'help'), dc.activeDialog ? [] : followUpActions(locale)));
        if (dc.activeDialog) await dc.repromptDialog();
        return true;
      case 'restart':
        await dc.cancelAllDialogs();
        await context.sendActivity(textActivity(t(locale, 'restarted')));
        await this.beginProcedure(dc, { answers: {} });
        return true;
      case 'cancel':
        if (!dc.activeDialog) {
          await context.sendActivity(textActivity(t(locale, 'nothingToCancel')));
          return true;
        }
        await dc.cancelAllDialogs();
        await context.sendActivity(textActivity(t(locale, 'cancelled'), followUpActions(locale)));
        return true;
      case 'centreOpen':
        await context.sendActivity(centreStatusActivity(locale, this.deps.config.contactCentre, this.deps.clock()));
        if (dc.activeDialog) await dc.repromptDialog();
        return true;
      case 'exempt':
        // With the cause named, the verdict comes in this very turn; without it, the procedure
        // asks — unless it is already under way, in which case its current question is the answer.
        if (!intent.cause && dc.activeDialog) {
          await dc.repromptDialog();
          return true;
        }
        await dc.cancelAllDialogs();
        await this.startProcedure(dc, intent.cause);
        return true;
      case 'cause':
        if (dc.activeDialog) return false;
        await this.startProcedure(dc, intent.cause);
        return true;
      case 'none':
        return false;
    }
  }

  private async startProcedure(dc: DialogContext, cause: string | undefined): Promise<void> {
    if (cause) {
      await this.beginProcedure(dc, { answers: { cause } });
      return;
    }
    await dc.context.sendActivity(textActivity(t(turnLocale(dc.context), 'intro')));
    await this.beginProcedure(dc, { answers: {} });
  }

  private async beginProcedure(dc: DialogContext, options: ProcedureOptions): Promise<void> {
    await dc.beginDialog(PROCEDURE_DIALOG, options);
  }
}
