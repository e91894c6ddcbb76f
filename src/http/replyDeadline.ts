import type { TurnContext } from 'botbuilder';

/**
 * A bound on each reply of a turn to the channel (its `serviceUrl`). The connector client of
 * the Bot Framework SDK retries a reply that cannot be sent three times with growing pauses:
 * with an unreachable serviceUrl, the request to /api/messages is held ~10 s, and with one that
 * accepts and never answers, indefinitely. Each reply of the turn gets an abort signal instead:
 * after `timeoutMs`, the attempt and the SDK's pending retries stop, the reply fails with
 * ReplyNotDeliveredError, and so does every later reply of the same turn at once — the turn is
 * given up (its state is not saved: the same message sent again goes on), and the turn error
 * handler logs it with the request id instead of trying to apologise to a channel it cannot reach.
 */
export class ReplyNotDeliveredError extends Error {
  constructor(readonly reason: string) {
    super(`the reply could not be delivered to the channel (${reason})`);
    this.name = 'ReplyNotDeliveredError';
  }
}

/** The error, or the error a dialog wrapped it in (DialogContextError keeps it as `error`). */
export function replyNotDeliveredIn(error: unknown): ReplyNotDeliveredError | undefined {
  if (error instanceof ReplyNotDeliveredError) return error;
  const inner = typeof error === 'object' && error !== null ? (error as { error?: unknown }).error : undefined;
  return inner instanceof ReplyNotDeliveredError ? inner : undefined;
}

interface ReplyOperations {
  replyToActivity(conversationId: string, activityId: string, activity: object, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  sendToConversation(conversationId: string, activity: object, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

function reasonOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code)) return code;
  return error instanceof Error ? error.name : 'unknown';
}

/**
 * Bounds the replies of this turn (the connector client the adapter created for it, under
 * `connectorClientKey`). HTTP answers from the channel (4xx/5xx) are not touched: only a
 * channel that cannot be reached, or does not answer within `timeoutMs`.
 */
export function boundRepliesOfTurn(context: TurnContext, connectorClientKey: symbol, timeoutMs: number): void {
  const client = context.turnState.get<{ conversations?: ReplyOperations } | undefined>(connectorClientKey);
  const conversations = client?.conversations;
  if (!conversations) return;
  const reply = conversations.replyToActivity.bind(conversations);
  const send = conversations.sendToConversation.bind(conversations);
  let failure: ReplyNotDeliveredError | undefined;
  const bounded = async (call: (options: { abortSignal: AbortSignal }) => Promise<unknown>): Promise<unknown> => {
    if (failure) throw failure;
    const abortSignal = AbortSignal.timeout(timeoutMs);
    try {
      return await call({ abortSignal });
    } catch (error) {
      // The channel answered (an HTTP status): its answer stands, as without the bound.
      const status = typeof error === 'object' && error !== null ? (error as { statusCode?: unknown }).statusCode : undefined;
      if (typeof status === 'number' && !abortSignal.aborted) throw error;
      failure = new ReplyNotDeliveredError(abortSignal.aborted ? 'timeout' : reasonOf(error));
      throw failure;
    }
  };
  conversations.replyToActivity = (conversationId, activityId, activity) => bounded((options) => reply(conversationId, activityId, activity, options));
  conversations.sendToConversation = (conversationId, activity) => bounded((options) => send(conversationId, activity, options));
}
