import type { ActivityHandler } from 'botbuilder';
import type restify from 'restify';
import type { ChannelAdapter } from '../adapter.js';
import { errorFields, type Logger } from '../logger.js';
import { checkIncomingActivity, type IncomingActivityRules } from './activitySchema.js';
import { loggableName, notesOf, setTurnRequestId } from './requestLog.js';

export interface MessagesEndpointDeps {
  readonly adapter: ChannelAdapter;
  readonly bot: ActivityHandler;
  readonly logger: Logger;
  readonly rules: IncomingActivityRules;
}

const JSON_CONTENT_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;

/**
 * POST /api/messages, the Bot Framework endpoint. In order: a JSON body (415 otherwise; 400
 * for malformed JSON and 413 above the size limit come from the body parser), a well-formed
 * activity (400), a valid channel token when MicrosoftAppId is set (401, no turn), then the turn.
 * Response bodies say what is wrong in general terms, never echo what was sent.
 */
export function messagesEndpoint({ adapter, bot, logger, rules }: MessagesEndpointDeps): restify.RequestHandler {
  return async (req, res) => {
    const notes = notesOf(req);
    if (!JSON_CONTENT_TYPE.test(req.getContentType())) {
      notes.outcome = 'unsupported_media_type';
      res.send(415, { error: 'The body must be a JSON Bot Framework activity (content-type: application/json).' });
      return;
    }
    const body: unknown = req.body;
    const checked = checkIncomingActivity(body, rules);
    if (typeof body === 'object' && body !== null) {
      notes.channelId = loggableName((body as { channelId?: unknown }).channelId);
      notes.activityType = loggableName((body as { type?: unknown }).type);
    }
    if (!checked.ok) {
      notes.outcome = 'malformed_activity';
      res.send(400, { error: 'The body must be a Bot Framework activity.', fields: checked.issues });
      return;
    }
    const header = req.headers.authorization;
    try {
      const started = performance.now();
      const outcome = await adapter.processChannelRequest(checked.activity, typeof header === 'string' ? header : '', async (context) => {
        setTurnRequestId(context, notes.requestId);
        await bot.run(context);
      });
      switch (outcome.kind) {
        case 'refused':
          notes.outcome = 'unauthorized';
          logger.warn('auth.refused', { requestId: notes.requestId, reason: outcome.reason, channelId: notes.channelId });
          res.send(401, { error: 'Unauthorized.' });
          return;
        case 'unavailable':
          notes.outcome = 'auth_unavailable';
          logger.error('auth.unavailable', { requestId: notes.requestId, reason: outcome.reason });
          res.send(503, { error: 'The token cannot be checked right now.' });
          return;
        case 'processed':
          notes.turnMs = Math.round(performance.now() - started);
          if (outcome.body === undefined) {
            res.send(outcome.status);
          } else {
            res.send(outcome.status, outcome.body);
          }
          return;
      }
    } catch (error) {
      // The turn's own errors are the turn error handler's (src/adapter.ts); this is the rest:
      // the SDK failing around the turn. A bug or an infrastructure fault, not the client's.
      notes.outcome = 'failed';
      logger.error('request.failed', { requestId: notes.requestId, ...errorFields(error) });
      if (!res.headersSent) res.send(500, { error: 'Internal error.' });
    }
  };
}
