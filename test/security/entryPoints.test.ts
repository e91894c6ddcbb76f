import { afterAll, describe, expect, it } from 'vitest';
import { MAX_TEXT_CHARS } from '../../src/http/activitySchema.js';
import { restifyLog, routeConsoleTo } from '../../src/http/frameworkLog.js';
import { isNestedDeeperThan, MAX_JSON_DEPTH, parseJsonText } from '../../src/http/jsonBody.js';
import { createLogger, redactIdentifiers } from '../../src/logger.js';
import type { BotProcess } from '../helpers/botProcess.js';
import { startLocalBot } from '../helpers/localBotProcess.js';
import { directLine } from '../helpers/localDirectLineClient.js';
import { useAppWithChannel } from '../helpers/testApp.js';

/**
 * Issue 13, findings 7, 8 and 9 on /api/messages, and the logs of restify and the SDK: one body
 * parser with a depth limit, one activity check with one text cap for both entry points, and no
 * framework log line that carries a request's headers.
 */
const FAKE_JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0LW9ubHkifQ.c2lnbmF0dXJlLW5vdC1yZWFs';
const deepBody = (levels: number) => `{"type":"message","text":"hi","value":${'['.repeat(levels)}${']'.repeat(levels)}}`;

describe('/api/messages: text cap and nesting (findings 8, 9, 7)', () => {
  const session = useAppWithChannel('debug', { channelId: 'emulator' });
  const { logs, activity, post } = session;

  it(`refuses a text longer than ${MAX_TEXT_CHARS} characters with 400 naming the field, as the local path does`, async () => {
    const before = session.channel.received.length;
    const response = await post(JSON.stringify(activity({ text: 'exempt? '.repeat(32_000) })));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { fields: string[] }).fields).toEqual(['text']);
    expect(session.channel.received.length).toBe(before);
    const atCap = await post(JSON.stringify(activity({ text: `help ${'x'.repeat(MAX_TEXT_CHARS - 5)}` })));
    expect(atCap.status).toBe(200);
  });

  it('refuses a mention without `mentioned.id` (the same check as the local path)', async () => {
    const response = await post(JSON.stringify(activity({ text: 'help', entities: [{ type: 'mention' }] })));
    expect(response.status).toBe(400);
  });

  it('answers a body nested 20,000 levels deep with 400 and logs neither the body nor the token', async () => {
    const before = logs.length;
    const response = await post(deepBody(20_000), { authorization: `Bearer ${FAKE_JWT}` });
    expect(response.status).toBe(400);
    const written = logs.slice(before).join('\n');
    expect(written).toContain('json_too_deep');
    expect(written).not.toContain(FAKE_JWT);
    // Nesting within the limit is still an activity like any other.
    const fine = await post(JSON.stringify(activity({ text: 'help', value: [[[['ok']]]] })));
    expect(fine.status).toBe(200);
  });
});

describe('the body parser', () => {
  it.each([
    ['{}', 1, false],
    ['[[[]]]', 3, false],
    ['[[[[]]]]', 3, true],
    ['{"a":"[[[[[[[[[[[["}', 1, false],
    ['{"a":"\\"[[[["}', 1, false],
    ['{"a":{"b":{"c":{}}}}', 3, true],
  ])('measures the nesting of %s against %i: deeper is %s', (text, max, deeper) => {
    expect(isNestedDeeperThan(text, max)).toBe(deeper);
  });

  it('parses what JSON.parse parses, within the depth limit', () => {
    expect(parseJsonText('{"a":[1,{"b":null}]}')).toEqual({ ok: true, value: { a: [1, { b: null }] } });
    expect(parseJsonText('{"a":')).toEqual({ ok: false, error: 'invalid' });
    expect(parseJsonText(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`)).toEqual({ ok: false, error: 'tooDeep' });
  });
});

describe('restify’s and the SDK’s own log output', () => {
  it('masks credentials in any logged text', () => {
    expect(redactIdentifiers(`authorization: Bearer ${FAKE_JWT}`)).toBe('authorization: Bearer [redacted]');
    expect(redactIdentifiers(`token ${FAKE_JWT} here`)).toBe('token [redacted] here');
    expect(redactIdentifiers('SharedKey devstoreaccount1:abc+/=')).toBe('SharedKey [redacted]');
  });

  it('writes restify’s lines through the redacting logger, without the request it passes', () => {
    const lines: string[] = [];
    const log = restifyLog(createLogger('debug', (line) => lines.push(line)));
    const req = { headers: { authorization: `Bearer ${FAKE_JWT}`, cookie: 'secret-cookie' }, body: { text: 'Peeters 85.07.30-033.28' } };
    log.warn({ req, err: new Error('Maximum call stack size exceeded') }, 'error retrieving formatter');
    log.warn({ value: { text: 'Peeters' } }, 'Discarded returned value from async handler');
    expect(log.trace()).toBe(false);
    expect(log.child()).toBe(log);
    const written = lines.join('\n');
    expect(lines).toHaveLength(2);
    expect(written).toContain('error retrieving formatter');
    expect(written).toContain('Maximum call stack size exceeded');
    for (const secret of [FAKE_JWT, 'secret-cookie', 'Peeters', '033.28']) expect(written).not.toContain(secret);
  });

  it('routes the console (the SDK’s console.error) through the redacting logger', () => {
    const lines: string[] = [];
    const restore = routeConsoleTo(createLogger('debug', (line) => lines.push(line)));
    try {
      console.error(new Error(`request failed: Bearer ${FAKE_JWT}`), { headers: { authorization: 'x' } });
      console.warn('BadRequest: Missing activity or activity type.');
    } finally {
      restore();
    }
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toContain(FAKE_JWT);
    expect(JSON.parse(lines[1] ?? '{}')).toMatchObject({ level: 'warn', event: 'console', message: 'BadRequest: Missing activity or activity type.' });
  });
});

describe('the bot process under a deeply nested body (finding 7)', () => {
  let bot: BotProcess | undefined;

  afterAll(() => bot?.kill());

  it('writes no bearer token to its output, on either entry point', { timeout: 90_000 }, async () => {
    bot = await startLocalBot({ LOG_LEVEL: 'debug' });
    const dl = directLine(bot.baseUrl);
    const { started } = await dl.start({ user: { id: 'web-user-deep' } });
    const local = await fetch(`${dl.base}/conversations/${started.conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${started.token}` },
      body: deepBody(20_000),
    });
    expect(local.status).toBe(400);
    const messages = await fetch(`${bot.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${FAKE_JWT}` },
      body: deepBody(20_000),
    });
    expect(messages.status).toBe(400);
    // The conversation was not broken by it.
    expect((await dl.post(started.conversationId, started.token, { type: 'message', text: 'help', locale: 'en' })).status).toBe(200);
    expect((await dl.get(started.conversationId, started.token, '0')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const output = bot.output();
    expect(output).not.toContain(started.token);
    expect(output).not.toContain(FAKE_JWT);
    expect(output.toLowerCase()).not.toContain('authorization');
  });
});
