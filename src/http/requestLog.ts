import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import type restify from 'restify';
import { type Logger, redactIdentifiers } from '../logger.js';

/**
 * A request id per HTTP request and one log line per request: method, route, status, duration,
 * and for /api/messages the channel and activity type — never the URL's own text (a download
 * link carries a sealed token), a body, a message text or a name.
 */
export const REQUEST_ID_HEADER = 'x-request-id';
export const MESSAGES_PATH = '/api/messages';

// What proxies and load balancers put in x-request-id (UUIDs, hex, dotted trace ids). Anything
// else, and anything shaped like an identifier, is replaced: the id is logged and echoed.
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const LOGGABLE_NAME = /^[A-Za-z0-9._:/-]{1,64}$/;

const isLoggable = (id: string) => redactIdentifiers(id) === id;

/** The incoming request id when it is a sensible token, else a fresh UUID. */
export function requestIdFrom(header: string | readonly string[] | undefined): string {
  const value = typeof header === 'string' ? header : header?.[0];
  if (value !== undefined && VALID_REQUEST_ID.test(value) && isLoggable(value)) return value;
  // About one UUID in a hundred has a run of eleven decimal digits, which the logger would mask:
  // draw again, so that the id in the logs is the one in the response header.
  let id = randomUUID();
  while (!isLoggable(id)) id = randomUUID();
  return id;
}

/** What the handlers learn about a request, for its log line. */
export interface RequestNotes {
  readonly requestId: string;
  readonly startedAt: number;
  channelId?: string;
  activityType?: string;
  /** Why a request was refused, as a code (`unauthorized`, `malformed_activity`, …). */
  outcome?: string;
  /** How long the bot's turn took, from the authenticated activity to the last reply. */
  turnMs?: number;
}

const notesByRequest = new WeakMap<object, RequestNotes>();

export function notesOf(req: restify.Request): RequestNotes {
  let notes = notesByRequest.get(req);
  if (!notes) {
    notes = { requestId: requestIdFrom(req.headers[REQUEST_ID_HEADER]), startedAt: performance.now() };
    notesByRequest.set(req, notes);
  }
  return notes;
}

/** A channel id or activity type as sent, if it looks like one; they come from the client. */
export function loggableName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return LOGGABLE_NAME.test(value) ? value : 'other';
}

const TURN_REQUEST_ID = Symbol('requestId');

/** Lets the turn's own log lines (the turn error handler's) carry the request's id. */
export function setTurnRequestId(context: TurnContext, requestId: string): void {
  context.turnState.set(TURN_REQUEST_ID, requestId);
}

export function turnRequestId(context: TurnContext): string | undefined {
  const id: unknown = context.turnState.get(TURN_REQUEST_ID);
  return typeof id === 'string' ? id : undefined;
}

function pathOf(req: restify.Request): string {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/**
 * Assigns the request id (echoed in `x-request-id`) before routing, and logs the request once
 * its response is over: at info for /api/messages, at debug for the rest (the Web Chat page
 * polls every second).
 */
export function installRequestLog(server: restify.Server, logger: Logger): void {
  server.pre((req, res, next) => {
    const notes = notesOf(req);
    res.setHeader(REQUEST_ID_HEADER, notes.requestId);
    res.once('close', () => {
      const isMessages = pathOf(req) === MESSAGES_PATH;
      // The registered route, not the URL: `/listings/*`, never the sealed token in it.
      const route = (req.getRoute() as restify.Route | null | undefined)?.path;
      const fields = {
        requestId: notes.requestId,
        method: loggableName(req.method),
        route: typeof route === 'string' ? route : isMessages ? MESSAGES_PATH : '(unmatched)',
        status: res.statusCode,
        ms: Math.round(performance.now() - notes.startedAt),
        ...(res.writableFinished ? {} : { aborted: true }),
        channelId: notes.channelId,
        activityType: notes.activityType,
        outcome: notes.outcome,
        turnMs: notes.turnMs,
      };
      if (isMessages) logger.info('http.request', fields);
      else logger.debug('http.request', fields);
    });
    next();
  });
}
