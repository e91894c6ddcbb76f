import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { MAX_BODY_BYTES } from '../../src/server.js';
import { startFakeChannel, type FakeChannel } from '../helpers/fakeChannel.js';
import { startTestApp } from '../helpers/testApp.js';
import { INSTANTS } from '../helpers/testBot.js';
import { NISS_SHAPED } from '../security/personalDataPatterns.js';
import { hostileText, identifierText } from './hostileInput.js';

const RUNS = Number(process.env.HTTP_FUZZ_RUNS ?? 1000);

/** The fields of an activity, each of which the fuzz may drop, null, or replace with anything. */
const FIELDS = ['type', 'id', 'serviceUrl', 'channelId', 'from', 'recipient', 'conversation', 'text', 'locale', 'value', 'entities', 'membersAdded', 'timestamp', 'channelData', 'attachments'] as const;
type Field = (typeof FIELDS)[number];

const mutation = fc.oneof(
  fc.constant({ kind: 'drop' as const }),
  fc.constant({ kind: 'null' as const }),
  fc.anything({ maxDepth: 2 }).map((value) => ({ kind: 'set' as const, value })),
  fc.constantFrom<unknown>([], {}, '', 0, -1, true, 'x'.repeat(5_000), [null], { id: null }, { id: 42 }, { id: '' }).map((value) => ({ kind: 'set' as const, value })),
);

/** A request body: an activity with some fields broken, any JSON at all, or not JSON. */
const body = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      type: fc.constantFrom('message', 'message', 'message', 'conversationUpdate', 'invoke', 'event', 'typing', '', 'MESSAGE', 'x'.repeat(100)),
      text: fc.oneof(hostileText, identifierText),
      // Half the activities are whole (their turn runs), half have one to three fields broken.
      mutations: fc.oneof(fc.constant({}), fc.dictionary(fc.constantFrom<Field>(...FIELDS), mutation, { minKeys: 1, maxKeys: 3 })),
      nested: fc.oneof(fc.constant([]), fc.subarray(['from.id', 'recipient.id', 'conversation.id', 'from.name', 'conversation.isGroup'] as const, { minLength: 1, maxLength: 2 })),
      // Not an unreachable one: the SDK's connector retries for some ten seconds before the turn
      // error handler gets its error (it still answers 200 then).
      serviceUrl: fc.constantFrom('channel', 'channel', 'channel', 'channel', 'not a url', 'ftp://example.org/', 'javascript:alert(1)'),
    }),
  },
  { weight: 1, arbitrary: fc.json({ maxDepth: 3 }).map((json) => ({ raw: json })) },
  { weight: 1, arbitrary: fc.oneof(fc.string(), fc.constantFrom('{', '{"type":', '[', 'null', '{"type":"message",}', '\u0000', '{"a":1}{"b":2}')).map((raw) => ({ raw })) },
  { weight: 1, arbitrary: fc.integer({ min: MAX_BODY_BYTES - 2_000, max: MAX_BODY_BYTES + 50_000 }).map((size) => ({ huge: size })) },
);

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/activity+json') },
  { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined) },
);

describe('malformed activities over /api/messages, against the real server', () => {
  let app: App;
  let port = 0;
  let channel: FakeChannel;
  const logs: string[] = [];
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    ({ app, port } = await startTestApp({}, { clock: () => INSTANTS.open, logger: createLogger('debug', (line) => logs.push(line)) }));
    channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`);
  });

  afterAll(async () => {
    await channel?.close();
    await app?.close();
  });

  function activityOf(input: { type: string; text: string; mutations: Partial<Record<Field, { kind: 'drop' | 'null' } | { kind: 'set'; value: unknown }>>; nested: readonly string[]; serviceUrl: string }): Record<string, unknown> {
    const activity: Record<string, unknown> = {
      type: input.type,
      id: randomUUID(),
      serviceUrl: input.serviceUrl === 'channel' ? channel.serviceUrl : input.serviceUrl,
      channelId: 'fakechannel',
      from: { id: `user-${randomUUID()}`, name: 'Foreman' },
      recipient: { id: 'bot-1', name: 'Bot' },
      conversation: { id: `conv-${randomUUID()}`, isGroup: false },
      text: input.text,
      locale: 'fr-BE',
    };
    for (const path of input.nested) {
      const [outer, inner] = path.split('.') as [string, string];
      const target = activity[outer];
      if (typeof target === 'object' && target !== null) delete (target as Record<string, unknown>)[inner];
    }
    for (const [field, change] of Object.entries(input.mutations)) {
      if (!change) continue;
      if (change.kind === 'drop') delete activity[field];
      else activity[field] = change.kind === 'set' ? change.value : null;
    }
    return activity;
  }

  it('never answers 5xx, whatever the body, and keeps serving', async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(body, contentType, async (input, type) => {
        let payload: string;
        let activityType: unknown;
        if ('raw' in input) payload = typeof input.raw === 'string' ? input.raw : JSON.stringify(input.raw);
        else if ('huge' in input) payload = JSON.stringify({ type: 'message', text: 'x'.repeat(input.huge) });
        else {
          const activity = activityOf(input);
          activityType = activity.type;
          payload = JSON.stringify(activity);
        }
        const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
          method: 'POST',
          headers: type === undefined ? {} : { 'content-type': type },
          body: payload,
        });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        // An invoke the bot does not implement is answered 501 by the Bot Framework SDK's
        // ActivityHandler: the protocol's "not implemented", not a failure of the server.
        const isUnimplementedInvoke = activityType === 'invoke' && response.status === 501;
        if (response.status >= 500 && !isUnimplementedInvoke) throw new Error(`status ${response.status} for ${payload.slice(0, 300)}`);
        if (Buffer.byteLength(payload) > MAX_BODY_BYTES && type?.startsWith('application/json') && response.status !== 413) {
          throw new Error(`status ${response.status} for a body of ${Buffer.byteLength(payload)} bytes`);
        }
      }),
      { numRuns: RUNS },
    );
    process.stdout.write(`http fuzz: ${RUNS} requests in ${((performance.now() - started) / 1000).toFixed(1)} s, statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    // Not vacuous: well-formed activities ran turns, and broken ones were refused.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS / 20);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(RUNS / 10);

    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const { status, replies } = await channel.send({ text: 'aide', locale: 'fr-BE' });
    expect(status).toBe(200);
    expect(replies.length).toBeGreaterThan(0);
  });

  it('logged no identifier, and one request line per request', () => {
    expect(logs.join('\n')).not.toMatch(NISS_SHAPED);
    const requestLines = logs.filter((l) => l.includes('"event":"http.request"') && l.includes('"route":"/api/messages"'));
    expect(requestLines.length).toBeGreaterThanOrEqual(RUNS);
  });
});
