import { describe, expect, it } from 'vitest';
import { type IssuedToken, type LocalConversationLimits, LocalConversations } from '../../src/webchat/localConversations.js';

const LIMITS: LocalConversationLimits = {
  maxConversations: 3,
  maxActivitiesPerConversation: 4,
  idleMs: 10 * 60_000,
  tokenTtlMs: 30 * 60_000,
  maxTokensPerConversation: 2,
};

function setUp(limits: LocalConversationLimits = LIMITS) {
  let now = Date.parse('2026-11-27T07:00:00Z');
  const forgotten: string[] = [];
  const store = new LocalConversations(() => new Date(now), limits, (id) => forgotten.push(id));
  return { store, forgotten, advance: (ms: number) => (now += ms) };
}

/** A creation these tests expect to succeed. */
function mustCreate(store: LocalConversations, user: { id: string }, locale: string | undefined): IssuedToken {
  const issued = store.create(user, locale);
  if (!issued) throw new Error('expected a new conversation');
  return issued;
}

const message = (text: string) => ({ type: 'message', text });

describe('the local conversations', () => {
  it('keeps the last activities of a long conversation with absolute watermarks', () => {
    const { store } = setUp();
    const { conversationId } = mustCreate(store, { id: 'web-user-1' }, 'fr-BE');
    for (let i = 1; i <= 6; i += 1) store.append(conversationId, message(`m${i}`));
    const all = store.since(conversationId, 0);
    expect(all.activities.map((a) => a.text)).toEqual(['m3', 'm4', 'm5', 'm6']);
    expect(all.activities.map((a) => a.id)).toEqual(['0000003', '0000004', '0000005', '0000006']);
    expect(all.watermark).toBe('6');
    expect(store.since(conversationId, 5).activities.map((a) => a.text)).toEqual(['m6']);
    expect(store.since(conversationId, 6)).toEqual({ activities: [], watermark: '6' });
  });

  it('gives strictly increasing timestamps even when the clock stands still', () => {
    const { store } = setUp();
    const { conversationId } = mustCreate(store, { id: 'web-user-1' }, undefined);
    store.append(conversationId, message('a'));
    store.append(conversationId, message('b'));
    const [a, b] = store.since(conversationId, 0).activities;
    expect(b?.timestamp?.getTime()).toBeGreaterThan(a?.timestamp?.getTime() ?? Infinity);
  });

  it('evicts the least recently used conversation when full, once it has been quiet long enough', () => {
    const { store, advance, forgotten } = setUp({ ...LIMITS, quietBeforeEvictionMs: 1500 });
    const first = mustCreate(store, { id: 'web-user-1' }, undefined);
    advance(1000);
    const second = mustCreate(store, { id: 'web-user-2' }, undefined);
    advance(1000);
    const third = mustCreate(store, { id: 'web-user-3' }, undefined);
    advance(1000);
    expect(store.authorize(first.token).ok).toBe(true); // the first is used again: the second is now the oldest
    advance(1000);
    mustCreate(store, { id: 'web-user-4' }, undefined);
    expect(store.size).toBe(3);
    expect(store.authorize(second.token)).toEqual({ ok: false, error: 'unknownToken' });
    expect(store.authorize(first.token).ok).toBe(true);
    expect(store.authorize(third.token).ok).toBe(true);
    expect(forgotten).toEqual([second.conversationId]);
  });

  it('forgets an idle conversation and its tokens', () => {
    const { store, advance } = setUp();
    const idle = mustCreate(store, { id: 'web-user-1' }, undefined);
    advance(LIMITS.idleMs + 1);
    mustCreate(store, { id: 'web-user-2' }, undefined);
    expect(store.has(idle.conversationId)).toBe(false);
    expect(store.authorize(idle.token).ok).toBe(false);
  });

  it('expires tokens, keeps a refreshed one, and binds each token to its conversation', () => {
    const { store, advance } = setUp({ ...LIMITS, idleMs: 24 * 3600_000 });
    const a = mustCreate(store, { id: 'web-user-1' }, undefined);
    const b = mustCreate(store, { id: 'web-user-2' }, undefined);
    expect(store.authorize(a.token, b.conversationId)).toEqual({ ok: false, error: 'otherConversation' });
    const auth = store.authorize(a.token, a.conversationId);
    if (!auth.ok) throw new Error('expected the token to open its conversation');
    advance(LIMITS.tokenTtlMs / 2);
    const refreshed = store.refresh(auth.conversation);
    advance(LIMITS.tokenTtlMs / 2);
    expect(store.authorize(a.token).ok).toBe(false);
    expect(store.authorize(refreshed.token, a.conversationId).ok).toBe(true);
  });

  it('keeps only the last tokens of a conversation', () => {
    const { store } = setUp();
    const started = mustCreate(store, { id: 'web-user-1' }, undefined);
    const auth = store.authorize(started.token);
    if (!auth.ok) throw new Error('expected a valid token');
    const second = store.refresh(auth.conversation);
    const third = store.refresh(auth.conversation);
    expect(store.authorize(started.token).ok).toBe(false);
    expect(store.authorize(second.token).ok).toBe(true);
    expect(store.authorize(third.token).ok).toBe(true);
  });

  it('runs the turns of one conversation one after another', async () => {
    const { store } = setUp();
    const { conversationId } = mustCreate(store, { id: 'web-user-1' }, undefined);
    const order: string[] = [];
    const slow = store.serialize(conversationId, async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      order.push('first');
    });
    const fast = store.serialize(conversationId, async () => {
      order.push('second');
    });
    const failing = store.serialize(conversationId, () => Promise.reject(new Error('turn failed')));
    const after = store.serialize(conversationId, async () => order.push('after a failure'));
    await Promise.all([slow, fast, failing.catch(() => undefined), after]);
    expect(order).toEqual(['first', 'second', 'after a failure']);
  });
});
