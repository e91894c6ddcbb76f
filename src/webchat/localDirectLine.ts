import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Activity, ActivityHandler, Attachment, ChannelAccount, CloudAdapter, Request as BotRequest, Response as BotResponse } from 'botbuilder';
import type restify from 'restify';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { checkIncomingActivity, type IncomingActivityRules, MAX_TEXT_CHARS } from '../http/activitySchema.js';
import { admit, type RateLimit, RateLimiter } from '../http/rateLimit.js';
import { errorFields, type Logger } from '../logger.js';
import { LOCAL_USER_COOKIE, userCookieHeader, userIdFromCookies } from './userCookie.js';
import { HINTED_USER_PREFIX, hintedUserKey, type UserHintSettings } from './userHint.js';
import { DEFAULT_LIMITS, type LocalConversation, type LocalConversationLimits, LocalConversations } from './localConversations.js';
import { boundaryOf, parseMultipart } from './multipart.js';

/**
 * A local stand-in for the Direct Line service, so the Web Chat page talks to this bot with no
 * Azure resource. Only the subset that DirectLineJS (bundled in Web Chat) uses when polling
 * (`webSocket: false`):
 *
 *   POST {base}/conversations                          start (or, with a token, open) a conversation
 *   POST {base}/conversations/:id/activities           the user's activity → the bot → `{ id }`
 *   GET  {base}/conversations/:id/activities?watermark=N  `{ activities, watermark }`
 *   POST {base}/tokens/refresh                         a fresh token for the same conversation
 *   POST {base}/conversations/:id/upload               a message with files (Web Chat's paper clip):
 *                                                      multipart, files passed to the bot inline
 *
 * User activities reach the bot through CloudAdapter.process and bot.run, like any channel's.
 * The bot answers through the Bot Connector API at the activity's `serviceUrl`, which points
 * back at this server under a random per-process path (never shown to the browser):
 *
 *   POST {serviceUrl}/v3/conversations/:conversationId/activities[/:replyToId]  → `{ id }`
 *
 * Only ever registered when no Direct Line secret and no MicrosoftAppId are configured: the
 * path is unauthenticated towards the bot, exactly like /api/messages without an app id.
 */
export const LOCAL_DIRECT_LINE_BASE = '/v3/directline';
export const LOCAL_CHANNEL_ID = 'webchat';
const BOT_ACCOUNT = { id: 'checkinatwork-bot', name: 'Checkinatwork', role: 'bot' } as const;
/**
 * A user's activity, as JSON: a crew pasted one worker per line (MAX_TEXT_CHARS, issue 9), card
 * submissions and channel data fit. An upload's files are not kept in the transcript.
 */
export const MAX_USER_ACTIVITY_BYTES = 40 * 1024;
/** New conversations per client (IP address): a page load makes one. */
export const DEFAULT_CREATION_LIMIT: RateLimit = { burst: 20, perMinute: 10 };

export interface LocalDirectLineDeps {
  readonly adapter: CloudAdapter;
  readonly bot: ActivityHandler;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The same activity check as /api/messages (src/http/activitySchema.ts). */
  readonly rules: IncomingActivityRules;
  readonly limits?: LocalConversationLimits;
  readonly creationLimit?: RateLimit;
  /** Deletes what a forgotten conversation left in storage (its dialog state). */
  readonly forgetConversation?: (channelId: string, conversationId: string) => Promise<void>;
  /** Refuses requests from origins that may not use the chat (registerWebChat, origins.ts). */
  readonly originGuard: restify.RequestHandler;
  /** Signs the browser's id cookie (userCookie.ts). */
  readonly cookieKey: Buffer;
  /** WEBCHAT_USER_HINT_SECRET: a valid signed hint names the user instead of the browser. */
  readonly userHints?: UserHintSettings;
  /** Embedded in other sites' pages (WEBCHAT_EMBED_ORIGINS set): the cookie lives in a third-party iframe. */
  readonly isEmbeddable?: boolean;
}

/** The user id the page keeps in localStorage; anything else gets a fresh one. */
const userIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const localeSchema = z.string().max(35).regex(/^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/);

const startSchema = z
  .object({
    user: z.object({ id: z.unknown().optional(), name: z.unknown().optional() }).optional(),
    locale: z.unknown().optional(),
    userHint: z.string().max(4096).optional().catch(undefined),
  })
  .optional();

/**
 * What a browser may say in an activity. Unknown fields, and the ones the service assigns (id,
 * from.id, conversation, channelId, serviceUrl, timestamp), are dropped.
 */
const clientActivitySchema = z.object({
  type: z.enum(['message', 'event', 'typing']),
  text: z.string().max(MAX_TEXT_CHARS).optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  locale: localeSchema.optional(),
  // Kept as the instant; a malformed one is dropped rather than refusing the message.
  localTimestamp: z.iso
    .datetime({ offset: true })
    .transform((value) => new Date(value))
    .optional()
    .catch(undefined),
  localTimezone: z.string().max(64).optional(),
  name: z.string().max(256).optional(),
  value: z.unknown().optional(),
  channelData: z.record(z.string(), z.unknown()).optional(),
  entities: z.array(z.looseObject({ type: z.string().max(100) })).max(10).optional(),
  from: z.object({ name: z.string().max(100).optional() }).optional(),
});

/** What the bot sends through the connector: an activity, whatever else it carries. */
const botActivitySchema = z.looseObject({ type: z.string().min(1).max(64) });

function bearerOf(req: restify.Request): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

function paramOf(req: restify.Request, name: string): string {
  const value = (req.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** `?watermark=N`; an empty or missing watermark means "from the start". */
function watermarkOf(req: restify.Request): number | undefined {
  const raw = new URL(req.url ?? '/', 'http://localhost').searchParams.get('watermark') ?? '';
  if (raw === '') return 0;
  return /^\d{1,12}$/.test(raw) ? Number(raw) : undefined;
}

function refuse(res: restify.Response, error: 'unknownToken' | 'otherConversation'): void {
  // Direct Line answers 403 to a token it does not accept; DirectLineJS then tries to refresh.
  res.send(403, { error: { code: error === 'unknownToken' ? 'TokenExpired' : 'BadArgument', message: 'This token does not open this conversation.' } });
}

/** The server's own loopback address, for the bot to reply to (PORT=0 is known only after listen). */
function loopbackBaseOf(server: restify.Server): string {
  const address: AddressInfo | string | null = server.address();
  if (!address || typeof address === 'string') throw new Error('the local Direct Line needs a TCP server');
  const { address: host, family, port } = address;
  if (family === 'IPv6' || host.includes(':')) return `http://[${host === '::' ? '::1' : host}]:${port}`;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
}

/** A response object for CloudAdapter.process that only records the status code. */
function recordingResponse(): { response: BotResponse; status: () => number } {
  let code = 200;
  const response: BotResponse = {
    socket: undefined,
    status: (value: number) => {
      code = value;
    },
    header: () => undefined,
    send: () => undefined,
    end: () => undefined,
  };
  return { response, status: () => code };
}

const MAX_UPLOAD_FILES = 5;
const UPLOAD_PATH = new RegExp(`^${LOCAL_DIRECT_LINE_BASE}/conversations/[^/?]+/upload(?:\\?|$)`);
/** The multipart content type of an upload, kept aside while the body is read as bytes. */
const uploadContentTypes = new WeakMap<restify.Request, string>();
const UPLOAD_BODY_TYPE = 'application/x-local-direct-line-upload';

/**
 * The body reader keeps multipart bodies as UTF-8 text, which corrupts a workbook: for an
 * upload, it is told the body is bytes (same size limit), and the real type is kept aside.
 */
export function keepUploadBodiesAsBytes(req: restify.Request, _res: restify.Response, next: restify.Next): void {
  const type = req.headers['content-type'];
  if (req.method === 'POST' && typeof type === 'string' && UPLOAD_PATH.test(req.url ?? '') && boundaryOf(type) !== undefined) {
    uploadContentTypes.set(req, type);
    // Not multipart/form-data nor application/octet-stream, which the body reader leaves unread,
    // and not text, which it decodes: so it reads the bytes, within its size limit.
    req.headers['content-type'] = UPLOAD_BODY_TYPE;
  }
  next();
}

export function registerLocalDirectLine(server: restify.Server, deps: LocalDirectLineDeps): LocalConversations {
  const { adapter, bot, logger, clock } = deps;
  const forget = (conversationId: string) => {
    // The join turn wrote the conversation's dialog state: it goes with the conversation.
    deps.forgetConversation?.(LOCAL_CHANNEL_ID, conversationId).catch((error: unknown) => logger.warn('webchat.local.forget_failed', errorFields(error)));
  };
  const conversations = new LocalConversations(clock, deps.limits ?? DEFAULT_LIMITS, forget);
  const creations = new RateLimiter(deps.creationLimit ?? DEFAULT_CREATION_LIMIT, clock);
  const guard = deps.originGuard;
  // The bot's replies come back on this path: random, so nobody else can post "bot" messages.
  const connectorPath = `/local-connector/${randomBytes(16).toString('hex')}`;

  /** The activity as it reaches the adapter: plain JSON, as over HTTP (the adapter turns timestamps into dates). */
  const channelBody = (conversation: LocalConversation, activity: Partial<Activity>): Record<string, unknown> =>
    JSON.parse(
      JSON.stringify({
        ...activity,
        channelId: LOCAL_CHANNEL_ID,
        serviceUrl: `${loopbackBaseOf(server)}${connectorPath}`,
        conversation: { ...activity.conversation, id: conversation.id },
        recipient: { ...BOT_ACCOUNT },
      }),
    ) as Record<string, unknown>;

  /** One turn of the bot on this activity, through the adapter like any channel's request. */
  const runTurn = async (conversation: LocalConversation, activity: Partial<Activity>): Promise<number> => {
    const body = channelBody(conversation, activity);
    const request: BotRequest = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
    const { response, status } = recordingResponse();
    try {
      await adapter.process(request, response, (context) => bot.run(context));
    } catch (error) {
      logger.error('webchat.local.turn_failed', errorFields(error));
      return 500;
    }
    return status();
  };

  const userAccount = (conversation: LocalConversation, name = conversation.userName): ChannelAccount => ({
    id: conversation.userId,
    name: name ?? '',
    role: 'user',
  });

  /**
   * The user's activity into the conversation (as the transcript shows it), then to the bot (with
   * the attachments' content, for an upload); answers `{ id }`, or why it was not taken.
   */
  const deliver = async (
    res: restify.Response,
    conversation: LocalConversation,
    client: z.infer<typeof clientActivitySchema>,
    attachments: { shown?: Attachment[]; toBot?: Attachment[] },
  ): Promise<void> => {
    const { from, ...fields } = client;
    const activity: Partial<Activity> = {
      ...fields,
      ...(attachments.shown ? { attachments: attachments.shown } : {}),
      channelId: LOCAL_CHANNEL_ID,
      conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' },
      // The user is the one the token was issued to, whatever the browser claims.
      from: userAccount(conversation, from?.name ?? conversation.userName),
      recipient: { ...BOT_ACCOUNT },
    };
    // One activity check for both entry points: what the bot gets here passes /api/messages' too.
    if (!checkIncomingActivity(channelBody(conversation, { ...activity, id: 'check' }), deps.rules).ok) {
      res.send(400, { error: { code: 'BadArgument', message: 'Not an activity this channel accepts.' } });
      return;
    }
    const stored = conversations.append(conversation.id, activity, 'user', MAX_USER_ACTIVITY_BYTES);
    if (stored === 'tooLarge') {
      res.send(413, { error: { code: 'BadArgument', message: `An activity may take at most ${MAX_USER_ACTIVITY_BYTES} bytes.` } });
      return;
    }
    if (stored === 'full') {
      logger.warn('webchat.local.full', { bytes: conversations.bytes });
      res.header('retry-after', '60');
      res.send(503, { error: { code: 'ServiceUnavailable', message: 'The chat is busy. Try again in a minute.' } });
      return;
    }
    if (!stored?.id) return refuse(res, 'unknownToken');
    const toBot = attachments.toBot ? { ...stored, attachments: attachments.toBot } : stored;
    const status = await conversations.serialize(conversation.id, () => runTurn(conversation, toBot));
    if (status >= 400) {
      logger.warn('webchat.local.bot_refused', { status });
      res.send(502, { error: { code: 'BotError', message: 'The bot could not take this activity.' } });
      return;
    }
    res.send(200, { id: stored.id });
  };

  server.post(`${LOCAL_DIRECT_LINE_BASE}/conversations`, guard, async (req, res) => {
    const token = bearerOf(req);
    if (token !== undefined) {
      // A token from an earlier start opens its own conversation, as Direct Line does.
      const auth = conversations.authorize(token);
      if (!auth.ok) return refuse(res, auth.error);
      res.send(200, { conversationId: auth.conversation.id, token, expires_in: Math.floor((deps.limits ?? DEFAULT_LIMITS).tokenTtlMs / 1000) });
      return;
    }
    const start = startSchema.safeParse(req.body ?? undefined);
    const body = start.success ? start.data : undefined;
    // A signed hint names the person (the same id on every device); else the browser's own id —
    // its cookie, else what its page kept in localStorage — which may never look like a hinted one.
    const hinted = hintedUserKey(body?.userHint, deps.userHints, logger);
    const browserIdSchema = userIdSchema.refine((id) => !id.startsWith(HINTED_USER_PREFIX));
    // The cookie (LOCAL_USER_COOKIE, a third-party iframe may have no localStorage) counts only signed.
    const fromCookie = browserIdSchema.safeParse(userIdFromCookies(deps.cookieKey, req.headers.cookie, LOCAL_USER_COOKIE));
    const askedId = browserIdSchema.safeParse(body?.user?.id);
    const browserId = fromCookie.success ? fromCookie.data : askedId.success ? askedId.data : `web-${randomBytes(12).toString('base64url')}`;
    const userId = hinted ? `${HINTED_USER_PREFIX}${hinted}` : browserId;
    const name = z.string().trim().min(1).max(100).safeParse(body?.user?.name);
    const locale = localeSchema.safeParse(body?.locale);
    if (!admit(creations, req, res, { error: { code: 'TooManyRequests', message: 'Too many new conversations from this address. Try again later.' } })) {
      logger.warn('webchat.local.creation_rate_limited', {});
      return;
    }
    const issued = conversations.create({ id: userId, name: name.success ? name.data : undefined }, locale.success ? locale.data : undefined);
    if (!issued) {
      // Every conversation held is in use: a newcomer never pushes one out.
      logger.warn('webchat.local.full', { conversations: conversations.size });
      res.header('retry-after', '60');
      res.send(503, { error: { code: 'ServiceUnavailable', message: 'The chat is busy. Try again in a minute.' } });
      return;
    }
    res.header('set-cookie', userCookieHeader(deps.cookieKey, browserId, { name: LOCAL_USER_COOKIE, isEmbeddable: deps.isEmbeddable ?? false }));
    const auth = conversations.authorize(issued.token, issued.conversationId);
    if (auth.ok) {
      // Direct Line tells the bot who joined: the bot greets the user in its language.
      const conversation = auth.conversation;
      await conversations.serialize(conversation.id, () =>
        runTurn(conversation, {
          type: 'conversationUpdate',
          id: `join-${randomBytes(6).toString('hex')}`,
          timestamp: clock(),
          from: userAccount(conversation),
          membersAdded: [{ ...BOT_ACCOUNT }, userAccount(conversation)],
          ...(conversation.locale ? { locale: conversation.locale } : {}),
        }),
      );
    }
    logger.info('webchat.local.conversation_started', { conversations: conversations.size });
    // userId is not in Direct Line's answer: the page needs it when the hint chose the id.
    res.send(201, { conversationId: issued.conversationId, token: issued.token, expires_in: issued.expiresInSeconds, userId });
  });

  server.post(`${LOCAL_DIRECT_LINE_BASE}/tokens/refresh`, guard, (req, res, next) => {
    const auth = conversations.authorize(bearerOf(req));
    if (!auth.ok) {
      refuse(res, auth.error);
      return next();
    }
    const issued = conversations.refresh(auth.conversation);
    res.send(200, { conversationId: issued.conversationId, token: issued.token, expires_in: issued.expiresInSeconds });
    return next();
  });

  server.post(`${LOCAL_DIRECT_LINE_BASE}/conversations/:conversationId/activities`, guard, async (req, res) => {
    const auth = conversations.authorize(bearerOf(req), paramOf(req, 'conversationId'));
    if (!auth.ok) return refuse(res, auth.error);
    const parsed = clientActivitySchema.safeParse(req.body);
    const notAccepted = () => res.send(400, { error: { code: 'BadArgument', message: 'Not an activity this channel accepts.' } });
    if (!parsed.success) return notAccepted();
    // The user's own activity is part of the conversation (Web Chat marks it as sent when it
    // comes back), before the bot's answers to it.
    await deliver(res, auth.conversation, parsed.data, {});
  });

  // A message with files. The files reach the bot inline (`data:` URLs), so the bot never fetches
  // a URL for them; the transcript keeps only their names and types.
  server.post(`${LOCAL_DIRECT_LINE_BASE}/conversations/:conversationId/upload`, guard, async (req, res) => {
    const auth = conversations.authorize(bearerOf(req), paramOf(req, 'conversationId'));
    if (!auth.ok) return refuse(res, auth.error);
    const boundary = boundaryOf(uploadContentTypes.get(req));
    const parts = boundary !== undefined && Buffer.isBuffer(req.body) ? parseMultipart(req.body, boundary) : undefined;
    const activityPart = parts?.find((p) => p.name === 'activity');
    const files = (parts ?? []).filter((p) => p.name === 'file').slice(0, MAX_UPLOAD_FILES);
    let json: unknown;
    try {
      json = activityPart ? JSON.parse(activityPart.data.toString('utf8')) : undefined;
    } catch {
      json = undefined;
    }
    const parsed = clientActivitySchema.safeParse(json);
    if (!parsed.success || parsed.data.type !== 'message' || files.length === 0) {
      res.send(400, { error: { code: 'BadArgument', message: 'Not an upload this channel accepts.' } });
      return;
    }
    const described = files.map((f) => ({ contentType: f.contentType ?? 'application/octet-stream', name: (f.filename ?? 'file').slice(0, 256) }));
    const inline = described.map((d, i) => ({ ...d, contentUrl: `data:${d.contentType};base64,${files[i]?.data.toString('base64') ?? ''}` }));
    await deliver(res, auth.conversation, parsed.data, { shown: described, toBot: inline });
  });

  server.get(`${LOCAL_DIRECT_LINE_BASE}/conversations/:conversationId/activities`, guard, (req, res, next) => {
    const auth = conversations.authorize(bearerOf(req), paramOf(req, 'conversationId'));
    if (!auth.ok) {
      refuse(res, auth.error);
      return next();
    }
    const watermark = watermarkOf(req);
    if (watermark === undefined) {
      res.send(400, { error: { code: 'BadArgument', message: 'Bad watermark.' } });
      return next();
    }
    res.header('cache-control', 'no-store');
    res.send(200, conversations.since(auth.conversation.id, watermark));
    return next();
  });

  // The Bot Connector API the bot replies through (CloudAdapter → ConnectorClient).
  const receiveFromBot = (req: restify.Request, res: restify.Response, next: restify.Next) => {
    const conversationId = paramOf(req, 'conversationId');
    const parsed = botActivitySchema.safeParse(req.body);
    if (!parsed.success) {
      res.send(400, { error: { code: 'BadArgument', message: 'Not an activity.' } });
      return next();
    }
    if (!conversations.has(conversationId)) {
      res.send(404, { error: { code: 'ConversationNotFound', message: 'Unknown conversation.' } });
      return next();
    }
    const activity = parsed.data as Partial<Activity>;
    if (activity.type === 'trace') {
      // Debugging activities are for the Emulator, not for people.
      res.send(200, { id: '' });
      return next();
    }
    // The service's own fields win; serviceUrl is the bot's business, not the browser's.
    const { serviceUrl: _serviceUrl, id: _id, timestamp: _timestamp, ...visible } = activity;
    const stored = conversations.append(conversationId, {
      ...visible,
      channelId: LOCAL_CHANNEL_ID,
      conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
      from: { ...BOT_ACCOUNT, name: visible.from?.name || BOT_ACCOUNT.name },
    });
    res.send(200, { id: typeof stored === 'object' ? (stored.id ?? '') : '' });
    return next();
  };
  server.post(`${connectorPath}/v3/conversations/:conversationId/activities`, receiveFromBot);
  server.post(`${connectorPath}/v3/conversations/:conversationId/activities/:replyToId`, receiveFromBot);

  return conversations;
}
