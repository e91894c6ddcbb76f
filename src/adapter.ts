import {
  type Activity,
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  ConfigurationServiceClientCredentialFactory,
  type TurnContext,
} from 'botbuilder';
import { textActivity } from '../dialogs/messages.js';
import { turnLocale } from '../dialogs/turnLocale.js';
import type { Config } from './config.js';
import { boundRepliesOfTurn, replyNotDeliveredIn } from './http/replyDeadline.js';
import { turnRequestId } from './http/requestLog.js';
import { type Locale, negotiateLocale, t } from './i18n/index.js';
import { errorFields, type Logger } from './logger.js';
import { isTransientStorageError } from './storage/transientErrors.js';

/**
 * The Bot Framework's public-cloud endpoints (AuthenticationConstants and CallerIdConstants of
 * botframework-connector 4.23). The SDK uses them by itself unless one endpoint is configured;
 * then it takes every endpoint from the configuration, so all of them are given.
 */
export const PUBLIC_CLOUD = {
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: CallerIdConstants.PublicAzureChannel,
} as const;

/** What became of a request to /api/messages once its body was a well-formed activity. */
export type ChannelRequestOutcome =
  /** The token is missing, forged, expired, for another bot or channel: 401, no turn ran. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** The token could not be checked (the OpenID keys could not be fetched): 503, no turn ran. */
  | { readonly kind: 'unavailable'; readonly reason: string }
  /** The turn ran; `status` is 200, or an invoke's own response status. */
  | { readonly kind: 'processed'; readonly status: number; readonly body: unknown };

// jsonwebtoken's errors (bad signature, expired, not yet valid), which the SDK lets through as is.
const TOKEN_ERROR_NAMES: ReadonlySet<string> = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

function authenticationFailure(error: unknown): ChannelRequestOutcome {
  const name = error instanceof Error ? error.name : typeof error;
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  // The SDK throws AuthenticationError with 500 when the OpenID configuration or the keys do
  // not load, and node-fetch throws FetchError when they cannot be reached at all.
  if (name === 'FetchError' || (typeof statusCode === 'number' && statusCode >= 500)) return { kind: 'unavailable', reason: name };
  // A reason code, not the SDK's message: that one quotes claims of the token, which anyone can write.
  if (TOKEN_ERROR_NAMES.has(name)) return { kind: 'refused', reason: name };
  return { kind: 'refused', reason: typeof statusCode === 'number' ? 'AuthenticationError' : `unexpected:${name}` };
}

/**
 * CloudAdapter whose HTTP side is ours (src/server.ts): the SDK checks the channel's token —
 * issuer, signature against the OpenID keys, audience (our app id), channel endorsements,
 * serviceUrl claim — and runs the turn, but a refused token is a value here, answered 401 without
 * the SDK's `console.error` of every refused request, and without its error message in the body.
 */
export class ChannelAdapter extends CloudAdapter {
  /** Bound on each reply to the channel (replyDeadline.ts); undefined: the SDK's own retries. */
  replyTimeoutMs: number | undefined;

  async processChannelRequest(
    activity: Activity,
    authHeader: string,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<ChannelRequestOutcome> {
    let authenticated: Awaited<ReturnType<typeof this.botFrameworkAuthentication.authenticateRequest>>;
    try {
      authenticated = await this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
    } catch (error) {
      return authenticationFailure(error);
    }
    const timeoutMs = this.replyTimeoutMs;
    const bounded =
      timeoutMs === undefined
        ? logic
        : async (context: TurnContext) => {
            boundRepliesOfTurn(context, this.ConnectorClientKey, timeoutMs);
            await logic(context);
          };
    const response = await this.processActivity(authenticated, activity, bounded);
    return { kind: 'processed', status: response?.status ?? 200, body: response?.body };
  }
}

/** The user's language for this turn: as the bot decided it, else from the channel, else the default. */
function localeOfTurn(context: TurnContext, fallback: Locale): Locale {
  try {
    // Set by the bot once it has read the user's choice (conversation state, `profile`).
    return turnLocale(context);
  } catch {
    // The turn failed before that (reading the state itself, say): the channel's language.
    return negotiateLocale(context.activity.locale, fallback);
  }
}

/**
 * Any unexpected error in a turn: log it without personal data (no message text, no names; the
 * logger masks identifier-shaped numbers besides), apologise in the user's language, and keep
 * the conversation state — the user's answers so far stay valid and the next message goes on.
 */
export function createTurnErrorHandler(defaultLocale: Locale, logger: Logger): (context: TurnContext, error: Error) => Promise<void> {
  return async (context, error) => {
    const notDelivered = replyNotDeliveredIn(error);
    if (notDelivered) {
      // The channel cannot be reached: an apology would not reach it either. The user's message
      // was not acted on (state not saved): sent again, it goes on. Ids only, never the text.
      logger.warn('turn.reply_not_delivered', {
        requestId: turnRequestId(context),
        channelId: context.activity.channelId,
        activityType: context.activity.type,
        reason: notDelivered.reason,
      });
      return;
    }
    // Storage unreachable and nothing of this conversation in memory or in the journal to go on
    // from (resilientStorage.ts): not a bug, and the user is told so plainly.
    const isStorageDown = isTransientStorageError(error) || isTransientStorageError((error as { error?: unknown }).error);
    logger.error(isStorageDown ? 'turn.storage_unavailable' : 'turn.failed', {
      ...errorFields(error),
      requestId: turnRequestId(context),
      channelId: context.activity.channelId,
      activityType: context.activity.type,
    });
    try {
      await context.sendActivity(textActivity(t(localeOfTurn(context, defaultLocale), isStorageDown ? 'outage.storageUnavailable' : 'error.turn')));
    } catch (sendError) {
      logger.error('turn.apology_failed', { ...errorFields(sendError), requestId: turnRequestId(context) });
    }
  };
}

/**
 * The Bot Framework adapter. Without MicrosoftAppId the bot accepts unauthenticated requests
 * (local runs, Bot Framework Emulator); with it, the standard channel JWT check applies and a
 * request without a valid token gets 401 before any turn runs.
 */
export function createAdapter(config: Config, logger: Logger): ChannelAdapter {
  const { appId, appPassword, appType, appTenantId, openIdMetadataUrl } = config.bot;
  // Without an app id there is no identity of any type (local use): the SDK's anonymous mode is
  // its MultiTenant factory with no id. With one, the type decides how replies get their token:
  // a client secret in the bot's own tenant (SingleTenant), the managed identity's endpoint
  // (UserAssignedMSI: no secret anywhere), or the legacy multi-tenant registration.
  const credentials = new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: appId,
    MicrosoftAppPassword: appPassword,
    MicrosoftAppType: appId ? appType : 'MultiTenant',
    MicrosoftAppTenantId: appTenantId,
  });
  const options: Partial<ConfigurationBotFrameworkAuthenticationOptions> = {
    MicrosoftAppId: appId,
    MicrosoftAppTenantId: appTenantId,
    ...(openIdMetadataUrl ? { ...PUBLIC_CLOUD, ValidateAuthority: true, ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl } : {}),
  };
  const adapter = new ChannelAdapter(new ConfigurationBotFrameworkAuthentication(options, credentials));
  // Without authentication (local use, the Emulator, curl) the serviceUrl is whatever the sender
  // wrote: an unreachable one must not hold the request. Channels proper keep the SDK's retries.
  if (!appId) adapter.replyTimeoutMs = config.replyTimeoutMs;
  adapter.onTurnError = createTurnErrorHandler(config.defaultLocale, logger);
  return adapter;
}
