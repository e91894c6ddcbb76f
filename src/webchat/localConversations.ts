import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Clock } from '../clock.js';

/**
 * The conversations of the local Direct Line path, in memory: each with its user (bound at
 * creation, as a Direct Line token binds it), its tokens and its activities in order. Bounded:
 * at most `maxConversations` (the least recently used goes first), at most
 * `maxActivitiesPerConversation` kept per conversation (older ones drop off; watermarks stay
 * absolute), and a conversation idle for `idleMs` is forgotten with its tokens.
 */
export interface LocalConversationLimits {
  readonly maxConversations: number;
  readonly maxActivitiesPerConversation: number;
  readonly idleMs: number;
  readonly tokenTtlMs: number;
  /** Tokens kept per conversation: a refresh issues a new one while the previous stays valid. */
  readonly maxTokensPerConversation: number;
}

export const DEFAULT_LIMITS: LocalConversationLimits = {
  maxConversations: 500,
  maxActivitiesPerConversation: 500,
  idleMs: 30 * 60_000,
  tokenTtlMs: 30 * 60_000,
  maxTokensPerConversation: 3,
};

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

export class LocalConversations {
  private readonly conversations = new Map<string, Stored>();
  private readonly tokens = new Map<string, { conversationId: string; expiresAtMs: number }>();
  private lastSweepMs = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limits: LocalConversationLimits = DEFAULT_LIMITS,
  ) {}

  get size(): number {
    return this.conversations.size;
  }

  /** A new conversation for this user, and its first token. */
  create(user: { id: string; name?: string | undefined }, locale: string | undefined): IssuedToken {
    this.sweep(true);
    while (this.conversations.size >= this.limits.maxConversations) this.evictLeastRecentlyUsed();
    const conversation: Stored = {
      id: randomId(16),
      userId: user.id,
      userName: user.name,
      locale,
      activities: [],
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
   * Undefined when the conversation is gone.
   */
  append(conversationId: string, activity: Partial<Activity>): Partial<Activity> | undefined {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return undefined;
    const timestampMs = Math.max(this.now(), conversation.lastTimestampMs + 1);
    conversation.lastTimestampMs = timestampMs;
    const stored: Partial<Activity> = { ...activity, id: activityId(conversation.nextSeq), timestamp: new Date(timestampMs) };
    conversation.activities.push(stored);
    conversation.nextSeq += 1;
    const excess = conversation.activities.length - this.limits.maxActivitiesPerConversation;
    if (excess > 0) {
      conversation.activities.splice(0, excess);
      conversation.firstSeq += excess;
    }
    conversation.lastSeenMs = this.now();
    return stored;
  }

  /** The activities after `watermark` (all of them for an empty watermark), and the new watermark. */
  since(conversationId: string, watermark: number): ActivityPage {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return { activities: [], watermark: String(watermark) };
    const from = Math.max(0, watermark + 1 - conversation.firstSeq);
    const activities = conversation.activities.slice(from);
    return { activities, watermark: String(Math.max(watermark, conversation.nextSeq - 1)) };
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

  private forget(conversation: Stored): void {
    for (const token of conversation.tokens) this.tokens.delete(token);
    this.conversations.delete(conversation.id);
  }

  private evictLeastRecentlyUsed(): void {
    let oldest: Stored | undefined;
    for (const conversation of this.conversations.values()) {
      if (!oldest || conversation.lastSeenMs < oldest.lastSeenMs) oldest = conversation;
    }
    if (oldest) this.forget(oldest);
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
