import type restify from 'restify';
import type { Clock } from '../clock.js';

/**
 * Per-client token buckets for the anonymous endpoints that create something (a local Web Chat
 * conversation, a Direct Line token): `burst` at once, then `perMinute`. In memory and bounded:
 * at most `maxClients` buckets (full ones are dropped first — they hold nothing a client could
 * lose — and the oldest after them). One instance's view: enough to stop one client from
 * flooding; a shared limit belongs in front of the bot (App Service, Front Door) in production.
 */
export interface RateLimit {
  readonly burst: number;
  readonly perMinute: number;
}

export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  atMs: number;
}

const DEFAULT_MAX_CLIENTS = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
    private readonly maxClients = DEFAULT_MAX_CLIENTS,
  ) {}

  /** Takes one token for `client`, or says how long until one is back. */
  take(client: string): RateDecision {
    const now = this.clock().getTime();
    const bucket = this.refilled(client, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    const msPerToken = 60_000 / this.limit.perMinute;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(((1 - bucket.tokens) * msPerToken) / 1000)) };
  }

  private refilled(client: string, now: number): Bucket {
    let bucket = this.buckets.get(client);
    if (!bucket) {
      if (this.buckets.size >= this.maxClients) this.makeRoom(now);
      bucket = { tokens: this.limit.burst, atMs: now };
    } else {
      this.buckets.delete(client); // re-inserted below: the map's order is least recently used first
      const elapsed = Math.max(0, now - bucket.atMs);
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (elapsed * this.limit.perMinute) / 60_000);
      bucket.atMs = now;
    }
    this.buckets.set(client, bucket);
    return bucket;
  }

  private makeRoom(now: number): void {
    for (const [client, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.atMs) * this.limit.perMinute) / 60_000 >= this.limit.burst) this.buckets.delete(client);
    }
    while (this.buckets.size >= this.maxClients) {
      const oldest = this.buckets.keys().next();
      if (oldest.done) break;
      this.buckets.delete(oldest.value);
    }
  }
}

/**
 * The client a request comes from. With no trusted proxy (`trustedProxyHops` 0), its TCP peer:
 * anyone can write X-Forwarded-For. Behind N proxies of our own (App Service, Container Apps,
 * Front Door: TRUSTED_PROXY_HOPS), the address the N-th proxy from us appended to
 * X-Forwarded-For — entries further left were written by the client and are ignored.
 */
export function clientOf(req: restify.Request, trustedProxyHops = 0): string {
  const peer = req.socket?.remoteAddress ?? 'unknown';
  if (trustedProxyHops <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const entries = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((e) => e.trim()).filter(Boolean);
  const entry = entries[entries.length - trustedProxyHops];
  if (entry === undefined) return peer;
  // "203.0.113.7:51234" (App Service adds the port), "[2001:db8::1]:443", or a bare address.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed?.[1]) return bracketed[1];
  return /^[\d.]+:\d+$/.test(entry) ? entry.slice(0, entry.lastIndexOf(':')) : entry;
}

/** Answers 429 with Retry-After when the client is over its limit; true when the request may go on. */
export function admit(limiter: RateLimiter, req: restify.Request, res: restify.Response, body: object, trustedProxyHops = 0): boolean {
  const decision = limiter.take(clientOf(req, trustedProxyHops));
  if (decision.ok) return true;
  res.header('retry-after', String(decision.retryAfterSeconds));
  res.send(429, body);
  return false;
}
