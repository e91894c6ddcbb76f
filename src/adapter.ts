import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type TurnContext,
} from 'botbuilder';
import { textActivity } from '../dialogs/messages.js';
import type { Config } from './config.js';
import { negotiateLocale, t } from './i18n/index.js';
import { errorFields, type Logger } from './logger.js';

/**
 * The Bot Framework adapter. Without MicrosoftAppId the bot accepts unauthenticated requests
 * (local runs, Bot Framework Emulator); with it, the standard channel JWT check applies and a
 * request without a valid token gets 401 before any turn runs.
 */
export function createAdapter(config: Config, logger: Logger): CloudAdapter {
  const { appId, appPassword, appType, appTenantId } = config.bot;
  const credentials = new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: appId,
    MicrosoftAppPassword: appPassword,
    MicrosoftAppType: appType,
    MicrosoftAppTenantId: appTenantId,
  });
  const auth = new ConfigurationBotFrameworkAuthentication(
    { MicrosoftAppId: appId, MicrosoftAppTenantId: appTenantId },
    credentials,
  );
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // No message text in the log: it may hold names or national register numbers.
    logger.error('turn.failed', {
      ...errorFields(error),
      channelId: context.activity.channelId,
      activityType: context.activity.type,
    });
    // The conversation state is deliberately kept: the user's answers so far stay valid.
    const locale = negotiateLocale(context.activity.locale, config.defaultLocale);
    try {
      await context.sendActivity(textActivity(t(locale, 'error.turn')));
    } catch (sendError) {
      logger.error('turn.apology_failed', errorFields(sendError));
    }
  };
  return adapter;
}
