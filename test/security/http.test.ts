import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/server.js';
import { useAppWithChannel } from '../helpers/testApp.js';

describe('/api/messages at the HTTP level', () => {
  const session = useAppWithChannel('info', { channelId: 'fakechannel', text: 'help' });
  const { logs, activity } = session;
  const postJson = session.post;
  const logLines = () => logs.map((l) => JSON.parse(l) as Record<string, unknown>);

  it('refuses a body over the limit with 413, without running a turn', async () => {
    const before = session.channel.received.length;
    const response = await postJson(JSON.stringify(activity({ text: 'x'.repeat(MAX_BODY_BYTES) })));
    expect(response.status).toBe(413);
    expect(session.channel.received.length).toBe(before);
  });

  it('takes a body just under the limit', async () => {
    // The text has a cap of its own (MAX_TEXT_CHARS): the bulk is channel data.
    const body = activity({ text: 'hello', channelData: { padding: '' } });
    const padding = 'a '.repeat((MAX_BODY_BYTES - JSON.stringify(body).length - 16) / 2);
    const response = await postJson(JSON.stringify({ ...body, channelData: { padding } }));
    expect(response.status).toBe(200);
  });

  it('refuses malformed JSON with 400, without quoting the body back', async () => {
    const response = await postJson('{"type":"message","text":"85.07.30-033.28 Peeters",');
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toContain('Peeters');
    expect(text).not.toContain('85.07.30');
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('answers %s /api/messages with 405 and the allowed method', async (method) => {
    const response = await fetch(session.url, { method, ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}', headers: { 'content-type': 'application/json' } }) });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it.each([
    ['text/plain', 'help'],
    ['application/x-www-form-urlencoded', 'type=message&text=help'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n--x--\r\n'],
  ])('refuses a %s body with 415', async (contentType, body) => {
    const response = await fetch(session.url, { method: 'POST', headers: { 'content-type': contentType }, body });
    expect(response.status).toBe(415);
  });

  it('refuses a compressed body with 415: it could unpack far beyond the size limit', async () => {
    const response = await fetch(session.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(activity())),
    });
    expect(response.status).toBe(415);
  });

  it.each([
    ['an array', () => [activity()]],
    ['null', () => null],
    ['a string', () => 'message'],
    ['an activity without a type', () => ({ ...activity(), type: undefined })],
    ['an activity without a serviceUrl', () => ({ ...activity(), serviceUrl: undefined })],
    ['an activity whose serviceUrl is not a URL', () => activity({ serviceUrl: 'javascript:alert(1)' })],
    ['an activity without a conversation', () => ({ ...activity(), conversation: undefined })],
    ['an activity whose sender has no id', () => activity({ from: { name: 'x' } })],
    ['an activity whose text is a number', () => activity({ text: 42 })],
    ['a mention without its text', () => activity({ entities: [{ type: 'mention', mentioned: { id: 'bot-1' } }] })],
  ])('refuses %s with 400, naming the fields but not their content', async (_name, body) => {
    const before = session.channel.received.length;
    const response = await postJson(JSON.stringify(body()));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'The body must be a Bot Framework activity.' });
    expect(session.channel.received.length).toBe(before);
  });

  it('echoes a sensible x-request-id, and makes one up otherwise', async () => {
    const kept = await postJson(JSON.stringify(activity()), { 'x-request-id': 'req-0123abcd' });
    expect(kept.headers.get('x-request-id')).toBe('req-0123abcd');
    const made = await postJson(JSON.stringify(activity()));
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    for (const hostile of ['<script>', 'a'.repeat(200), '85.07.30-033.28']) {
      const replaced = await postJson(JSON.stringify(activity()), { 'x-request-id': hostile });
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect((await fetch(`http://127.0.0.1:${session.port}/healthz`)).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs one info line per request with method, route, status, duration, channel and activity type — never the text', async () => {
    logs.length = 0;
    const response = await postJson(JSON.stringify(activity({ text: 'Peeters 85073003328 is on site' })), { 'x-request-id': 'req-log-1' });
    expect(response.status).toBe(200);
    const lines = logLines().filter((l) => l.event === 'http.request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      requestId: 'req-log-1',
      method: 'POST',
      route: '/api/messages',
      status: 200,
      channelId: 'fakechannel',
      activityType: 'message',
    });
    expect(lines[0]?.ms).toEqual(expect.any(Number));
    expect(lines[0]?.turnMs).toEqual(expect.any(Number));
    expect(logs.join('\n')).not.toMatch(/Peeters|85073003328/);
  });

  it('logs refused requests too, at info, with the route even when the method has none', async () => {
    logs.length = 0;
    await fetch(session.url);
    await postJson('{');
    expect(logLines().map((l) => [l.event, l.route, l.status])).toEqual([
      ['http.request', '/api/messages', 405],
      ['http.request', '/api/messages', 400],
    ]);
  });

  it('keeps serving after all that', async () => {
    expect((await fetch(`http://127.0.0.1:${session.port}/healthz`)).status).toBe(200);
    const { status, replies } = await session.channel.send({ text: 'help', locale: 'en-US' });
    expect(status).toBe(200);
    expect(replies.length).toBeGreaterThan(0);
  });
});
