import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Clock } from '../clock.js';

/**
 * The conversations of the local Direct Line path, in memory: each with its user (bound at
 * creation, as a Direct Line token binds it), its tokens and its activities in order.
 *
 * Bounded in count and in bytes, whatever one anonymous client sends: at most `maxConversations`;
 * per conversation at most `maxActivitiesPerConversation` activities and
 * `maxBytesPerConversation` bytes of them (older ones drop off; watermarks stay absolute); the
 * user's activities are refused once the whole path holds `maxTotalBytes`; a read returns at most
 * `maxActivitiesPerRead` activities / `maxBytesPerRead` bytes (the client asks again from the
 * new watermark). A conversation idle for `idleMs` is forgotten with its tokens; when full, only
 * one quiet for `quietBeforeEvictionMs` may make room for a new one — an active conversation is
 * never evicted (the new one is refused instead).
 */
export interface LocalConversationLimits {
  readonly maxConversations: number;
  readonly maxActivitiesPerConversation: number;
  readonly idleMs: number;
  readonly tokenTtlMs: number;
  /** Tokens kept per conversation: a refresh issues a new one while the previous stays valid. */
  readonly maxTokensPerConversation: number;
  readonly maxBytesPerConversation?: number;
  readonly maxTotalBytes?: number;
  readonly maxActivitiesPerRead?: number;
  readonly maxBytesPerRead?: number;
  readonly quietBeforeEvictionMs?: number;
}

export const DEFAULT_LIMITS = {
  maxConversations: 500,
  maxActivitiesPerConversation: 500,
  idleMs: 30 * 60_000,
  tokenTtlMs: 30 * 60_000,
  maxTokensPerConversation: 3,
  maxBytesPerConversation: 256 * 1024,
  maxTotalBytes: 16 * 1024 * 1024,
  maxActivitiesPerRead: 50,
  maxBytesPerRead: 256 * 1024,
  quietBeforeEvictionMs: 5 * 60_000,
} as const satisfies Required<LocalConversationLimits>;

export interface LocalConversation {
  readonly id: string;
  readonly userId: string;
  readonly userName: string | undefined;
  readonly locale: string | undefined;
}

export interface IssuedToken {
  readonly conversationId: string;
  readonly token: string;
  readonly expiresInSeconds: number;
}

export type Authorization =
  | { readonly ok: true; readonly conversation: LocalConversation; readonly token: string }
  | { readonly ok: false; readonly error: 'unknownToken' | 'otherConversation' };

export interface ActivityPage {
  readonly activities: Partial<Activity>[];
  readonly watermark: string;
}

interface Stored extends LocalConversation {
  /** activities[0] has sequence number `firstSeq`; the next one appended gets `nextSeq`. */
  activities: Partial<Activity>[];
  /** The JSON size of each activity (same index), and their sum. */
  sizes: number[];
  bytes: number;
  firstSeq: number;
  nextSeq: number;
  lastSeenMs: number;
  lastTimestampMs: number;
  tokens: string[];
  /** Turns of one conversation run one after another, as the user sent them. */
  turns: Promise<void>;
}

/** Short, URL-safe and unguessable: restify caps a named path parameter at 100 characters. */
function randomId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** Activity ids are unique within their conversation, and sort in order. */
function activityId(seq: number): string {
  return String(seq).padStart(7, '0');
}

/** Why an activity was not stored: too big by itself, or the path holds all it may. */
export type AppendRefusal = 'tooLarge' | 'full';

export class LocalConversations {
  private readonly conversations = new Map<string, Stored>();
  private readonly tokens = new Map<string, { conversationId: string; expiresAtMs: number }>();
  private readonly limits: Required<LocalConversationLimits>;
  private lastSweepMs = 0;
  private totalBytes = 0;

  /** `onForget` hears of every conversation forgotten (idle, evicted), to clean up what it left. */
  constructor(
    private readonly clock: Clock,
    limits: LocalConversationLimits = DEFAULT_LIMITS,
    private readonly onForget: (conversationId: string) => void = () => undefined,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  get size(): number {
    return this.conversations.size;
  }

  /** The bytes of activities held by the whole path. */
  get bytes(): number {
    return this.totalBytes;
  }

  /**
   * A new conversation for this user, and its first token; undefined when full and every
   * conversation is active (none may be evicted for a newcomer).
   */
  create(user: { id: string; name?: string | undefined }, locale: string | undefined): IssuedToken | undefined {
    this.sweep(true);
    while (this.conversations.size >= this.limits.maxConversations) {
      if (!this.evictQuietest()) return undefined;
    }
    const conversation: Stored = {
      id: randomId(16),
      userId: user.id,
      userName: user.name,
      locale,
      activities: [],
      sizes: [],
      bytes: 0,
      firstSeq: 1,
      nextSeq: 1,
      lastSeenMs: this.now(),
      lastTimestampMs: 0,
      tokens: [],
      turns: Promise.resolve(),
    };
    this.conversations.set(conversation.id, conversation);
    return this.issueToken(conversation);
  }

  /**
   * The conversation a bearer token opens. With `conversationId`, the token must belong to that
   * conversation: a token never reads or writes another conversation.
   */
  authorize(token: string | undefined, conversationId?: string): Authorization {
    this.sweep(false);
    const entry = token ? this.tokens.get(token) : undefined;
    const conversation = entry && entry.expiresAtMs > this.now() ? this.conversations.get(entry.conversationId) : undefined;
    if (!token || !conversation) return { ok: false, error: 'unknownToken' };
    if (conversationId !== undefined && conversationId !== conversation.id) return { ok: false, error: 'otherConversation' };
    conversation.lastSeenMs = this.now();
    return { ok: true, conversation, token };
  }

  /** A fresh token for the conversation; the older ones stay valid until they expire. */
  refresh(conversation: LocalConversation): IssuedToken {
    const stored = this.conversations.get(conversation.id);
    if (!stored) throw new Error('refresh of a forgotten conversation');
    return this.issueToken(stored);
  }

  /**
   * Appends an activity with the next id and the service's timestamp — strictly increasing
   * within the conversation, so Web Chat shows them in order even with a frozen test clock.
   * Undefined when the conversation is gone. `from: 'user'` activities are refused
   * ('tooLarge' above `maxBytes`, 'full' when the path holds `maxTotalBytes`); the bot's are
   * always kept, older activities of the same conversation making room.
   */
  append(
    conversationId: string,
    activity: Partial<Activity>,
    from: 'user' | 'bot' = 'bot',
    maxBytes = this.limits.maxBytesPerConversation,
  ): Partial<Activity> | AppendRefusal | undefined {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return undefined;
    const timestampMs = Math.max(this.now(), conversation.lastTimestampMs + 1);
    const stored: Partial<Activity> = { ...activity, id: activityId(conversation.nextSeq), timestamp: new Date(timestampMs) };
    const size = Buffer.byteLength(JSON.stringify(stored), 'utf8');
    if (size > Math.min(maxBytes, this.limits.maxBytesPerConversation)) return 'tooLarge';
    if (from === 'user' && this.totalBytes + size > this.limits.maxTotalBytes) return 'full';
    conversation.lastTimestampMs = timestampMs;
    conversation.activities.push(stored);
    conversation.sizes.push(size);
    conversation.bytes += size;
    this.totalBytes += size;
    conversation.nextSeq += 1;
    while (
      conversation.activities.length > this.limits.maxActivitiesPerConversation ||
      (conversation.bytes > this.limits.maxBytesPerConversation && conversation.activities.length > 1)
    ) {
      this.dropOldest(conversation);
    }
    conversation.lastSeenMs = this.now();
    return stored;
  }

  /**
   * The activities after `watermark` (all of them for an empty watermark), at most one page of
   * them, and the watermark of the last one returned: the client asks again from there.
   */
  since(conversationId: string, watermark: number): ActivityPage {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return { activities: [], watermark: String(watermark) };
    const from = Math.max(0, watermark + 1 - conversation.firstSeq);
    const activities: Partial<Activity>[] = [];
    let bytes = 0;
    for (let i = from; i < conversation.activities.length && activities.length < this.limits.maxActivitiesPerRead; i++) {
      const size = conversation.sizes[i] ?? 0;
      if (activities.length > 0 && bytes + size > this.limits.maxBytesPerRead) break;
      const activity = conversation.activities[i];
      if (activity) activities.push(activity);
      bytes += size;
    }
    const last = from + activities.length - 1 + conversation.firstSeq;
    return { activities, watermark: String(activities.length > 0 ? last : Math.max(watermark, conversation.nextSeq - 1)) };
  }

  /** Runs `turn` after the conversation's earlier turns: one turn at a time per conversation. */
  serialize<T>(conversationId: string, turn: () => Promise<T>): Promise<T> {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return turn();
    const result = conversation.turns.then(turn);
    conversation.turns = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  has(conversationId: string): boolean {
    return this.conversations.has(conversationId);
  }

  private issueToken(conversation: Stored): IssuedToken {
    const token = randomId(32);
    this.tokens.set(token, { conversationId: conversation.id, expiresAtMs: this.now() + this.limits.tokenTtlMs });
    conversation.tokens.push(token);
    while (conversation.tokens.length > this.limits.maxTokensPerConversation) {
      const oldest = conversation.tokens.shift();
      if (oldest) this.tokens.delete(oldest);
    }
    return { conversationId: conversation.id, token, expiresInSeconds: Math.floor(this.limits.tokenTtlMs / 1000) };
  }

  private dropOldest(conversation: Stored): void {
    conversation.activities.shift();
    const size = conversation.sizes.shift() ?? 0;
    conversation.bytes -= size;
    this.totalBytes -= size;
    conversation.firstSeq += 1;
  }

  private forget(conversation: Stored): void {
    for (const token of conversation.tokens) this.tokens.delete(token);
    this.totalBytes -= conversation.bytes;
    this.conversations.delete(conversation.id);
    this.onForget(conversation.id);
  }

  /** Forgets the least recently used conversation if it has been quiet long enough; false otherwise. */
  private evictQuietest(): boolean {
    let oldest: Stored | undefined;
    for (const conversation of this.conversations.values()) {
      if (!oldest || conversation.lastSeenMs < oldest.lastSeenMs) oldest = conversation;
    }
    if (!oldest || this.now() - oldest.lastSeenMs < this.limits.quietBeforeEvictionMs) return false;
    this.forget(oldest);
    return true;
  }

  /** Forgets idle conversations and expired tokens; at most once a minute unless forced. */
  private sweep(force: boolean): void {
    const now = this.now();
    if (!force && now - this.lastSweepMs < 60_000 && now >= this.lastSweepMs) return;
    this.lastSweepMs = now;
    for (const conversation of [...this.conversations.values()]) {
      if (now - conversation.lastSeenMs > this.limits.idleMs) this.forget(conversation);
    }
    for (const [token, entry] of [...this.tokens]) {
      if (entry.expiresAtMs <= now) {
        this.tokens.delete(token);
        const conversation = this.conversations.get(entry.conversationId);
        if (conversation) conversation.tokens = conversation.tokens.filter((t) => t !== token);
      }
    }
  }

  private now(): number {
    return this.clock().getTime();
  }
}
