import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGS } from '../../src/i18n/index.js';
import { directLine, type Started } from '../helpers/localDirectLineClient.js';
import { INSTANTS } from '../helpers/testBot.js';
import { type RunningApp, startWebChatApp } from './webChatApp.js';

const QUESTION = CATALOGS.fr.procedure.node.cause.question;

describe('the local Direct Line path (no secret, no MicrosoftAppId)', () => {
  let running: RunningApp;
  let dl: ReturnType<typeof directLine>;

  beforeAll(async () => {
    running = await startWebChatApp();
    dl = directLine(running.baseUrl);
  });

  afterAll(async () => {
    await running?.app.close();
  });

  it('starts a conversation with a token and greets the user in the language given at the start', async () => {
    const { status, started } = await dl.start({ user: { id: 'web-greeting-test' }, locale: 'nl-BE' });
    expect(status).toBe(201);
    expect(started.conversationId).toMatch(/^[A-Za-z0-9_-]{16,40}$/);
    expect(started.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(started.expires_in).toBeGreaterThan(60);
    const activities = await dl.pollUntil(started.conversationId, started.token, (all) => all.length > 0);
    expect(activities[0]?.text).toBe(CATALOGS.nl.welcome);
    expect(activities[0]?.from.role).toBe('bot');
  });

  it('runs a turn on the user’s message and returns it with the bot’s question, as Direct Line does', async () => {
    const { started } = await dl.start({ user: { id: 'web-user-turn-test' }, locale: 'fr-BE' });
    const posted = await dl.post(started.conversationId, started.token, {
      type: 'message',
      text: "Suis-je dispensé aujourd'hui ?",
      locale: 'fr-BE',
      // A browser may claim anything: the user is the one the conversation was started for.
      from: { id: 'someone-else', name: 'Foreman' },
      serviceUrl: 'http://attacker.invalid/',
      channelData: { clientActivityID: 'client-1' },
    });
    expect(posted.status).toBe(200);
    const { id } = posted.body as { id: string };
    expect(id).toMatch(/^\d+$/);

    const all = await dl.pollUntil(started.conversationId, started.token, (acts) => acts.some((a) => a.text?.includes(QUESTION)));
    const mine = all.find((a) => a.id === id);
    expect(mine).toMatchObject({
      type: 'message',
      text: "Suis-je dispensé aujourd'hui ?",
      locale: 'fr-BE',
      channelId: 'webchat',
      from: { id: 'web-user-turn-test', name: 'Foreman', role: 'user' },
      conversation: { id: started.conversationId },
      channelData: { clientActivityID: 'client-1' },
    });
    const question = all.find((a) => a.text?.includes(QUESTION));
    expect(question?.replyToId).toBe(id);
    expect(question?.suggestedActions?.actions.map((a) => a.title)).toContain('Checkinatwork en panne');
    // The user's activity comes before the answers to it; ids and timestamps increase.
    const ids = all.map((a) => Number(a.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const times = all.map((a) => Date.parse(a.timestamp));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // The connector path the bot replies to is never shown to the browser.
    expect(JSON.stringify(all)).not.toContain('local-connector');
    expect(all.every((a) => a.serviceUrl === undefined)).toBe(true);
  });

  it('returns only what is new after a watermark', async () => {
    const { started } = await dl.start({ user: { id: 'web-watermark-test' }, locale: 'fr-BE' });
    const first = await dl.get(started.conversationId, started.token);
    expect(first.activities.length).toBeGreaterThan(0);
    const again = await dl.get(started.conversationId, started.token, first.watermark);
    expect(again).toMatchObject({ status: 200, activities: [], watermark: first.watermark });
    await dl.post(started.conversationId, started.token, { type: 'message', text: 'Checkinatwork en panne', locale: 'fr-BE' });
    const next = await dl.get(started.conversationId, started.token, first.watermark);
    expect(next.activities[0]?.text).toBe('Checkinatwork en panne');
    expect(Number(next.watermark)).toBeGreaterThan(Number(first.watermark));
  });

  it('goes to a verdict when the cause is clicked, in the same conversation', async () => {
    const { started } = await dl.start({ user: { id: 'web-verdict-test' }, locale: 'fr-BE' });
    await dl.post(started.conversationId, started.token, { type: 'message', text: "Suis-je dispensé aujourd'hui ?", locale: 'fr-BE' });
    await dl.post(started.conversationId, started.token, { type: 'message', text: 'Checkinatwork en panne', locale: 'fr-BE' });
    const all = await dl.pollUntil(started.conversationId, started.token, (acts) =>
      acts.some((a) => a.text?.includes(CATALOGS.fr.procedure.outcome.exemptServiceDown.title)),
    );
    expect(all.map((a) => a.text ?? '').join('\n')).toContain("Dispensé pour aujourd'hui");
  });

  it('refuses a token for another conversation’s activities, and an unknown token', async () => {
    const a = (await dl.start({ user: { id: 'web-isolation-a' } })).started;
    const b = (await dl.start({ user: { id: 'web-isolation-b' } })).started;
    expect((await dl.get(b.conversationId, a.token)).status).toBe(403);
    expect((await dl.post(b.conversationId, a.token, { type: 'message', text: 'hello' })).status).toBe(403);
    expect((await dl.get(a.conversationId, 'not-a-token')).status).toBe(403);
    const noToken = await fetch(`${dl.base}/conversations/${a.conversationId}/activities?watermark=`);
    expect(noToken.status).toBe(403);
    // Nothing of B's reached A's reader, nothing was added to B.
    const bActivities = await dl.get(b.conversationId, b.token);
    expect(bActivities.activities.some((x) => x.text === 'hello')).toBe(false);
  });

  it('opens the same conversation when DirectLineJS starts with the token, and refreshes the token', async () => {
    const { started } = await dl.start({ user: { id: 'web-refresh-test' } });
    const reopened = await fetch(`${dl.base}/conversations`, { method: 'POST', headers: { authorization: `Bearer ${started.token}` } });
    expect(reopened.status).toBe(200);
    expect(await reopened.json()).toMatchObject({ conversationId: started.conversationId, token: started.token });

    const refreshed = await dl.refresh(started.token);
    expect(refreshed.status).toBe(200);
    const fresh = (await refreshed.json()) as Started;
    expect(fresh.conversationId).toBe(started.conversationId);
    expect(fresh.token).not.toBe(started.token);
    expect((await dl.get(started.conversationId, fresh.token)).status).toBe(200);
    expect((await dl.refresh('not-a-token')).status).toBe(403);
  });

  it('refuses what is not an activity a browser may send', async () => {
    const { started } = await dl.start({});
    expect((await dl.post(started.conversationId, started.token, { type: 'invoke', name: 'x' })).status).toBe(400);
    expect((await dl.post(started.conversationId, started.token, { type: 'message', text: 'x'.repeat(28_001) })).status).toBe(400);
    expect((await dl.get(started.conversationId, started.token, 'abc')).status).toBe(400);
  });

  it('takes a message with a file as DirectLineJS uploads it (multipart), bytes intact, and refuses a bad upload', async () => {
    const { started } = await dl.start({ locale: 'en-GB' });
    const upload = (form: FormData, token = started.token) =>
      fetch(`${dl.base}/conversations/${started.conversationId}/upload?userId=x`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    for (const text of ['I have a reference number', 'REF-UP-1', 'UPLOAD0001', 'today']) await dl.post(started.conversationId, started.token, { type: 'message', text });
    const form = new FormData();
    const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    form.append('activity', new Blob([JSON.stringify({ type: 'message', text: '', attachments: [{ contentType: XLSX, name: 'crew.xlsx' }] })], { type: 'application/vnd.microsoft.activity' }));
    // A workbook is binary (a zip): it must arrive byte for byte.
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Crew').addRows([['NISS', 'Surname', 'First name'], ['85073003328', 'Müller', 'Jan']]);
    form.append('file', new Blob([Buffer.from(await workbook.xlsx.writeBuffer())], { type: XLSX }), 'crew.xlsx');
    const response = await upload(form);
    expect(response.status).toBe(200);
    // (The messages carry no locale: the bot answers in its default, French.) A corrupted zip would be "unreadable".
    const all = await dl.pollUntil(started.conversationId, started.token, (a) => a.some((x) => (x.text ?? '').includes('ligne lue')));
    expect(all.map((a) => a.text ?? '').join('\n')).toContain('1 travailleur ajouté (1 ligne lue)');
    // The transcript keeps the file's name and type, not its content.
    const echoed = all.find((a) => a.from?.role === 'user' && Array.isArray((a as { attachments?: unknown[] }).attachments));
    expect(JSON.stringify(echoed)).not.toContain('base64');

    const noFile = new FormData();
    noFile.append('activity', new Blob([JSON.stringify({ type: 'message' })], { type: 'application/vnd.microsoft.activity' }));
    expect((await upload(noFile)).status).toBe(400);
    expect((await upload(form, 'not-a-token')).status).toBe(403);
  });

  it('gives each browser the user id it keeps, so its listings survive a reload', async () => {
    const first = (await dl.start({ user: { id: 'web-same-browser-0001' } })).started;
    const second = (await dl.start({ user: { id: 'web-same-browser-0001' } })).started;
    expect(second.conversationId).not.toBe(first.conversationId);
    for (const c of [first, second]) {
      await dl.post(c.conversationId, c.token, { type: 'message', text: 'Aide', locale: 'fr-BE' });
      const mine = (await dl.get(c.conversationId, c.token)).activities.find((a) => a.from.role === 'user');
      expect(mine?.from.id).toBe('web-same-browser-0001');
    }
    // Without a usable id, the path makes one up rather than trusting odd input.
    const odd = (await dl.start({ user: { id: '../../etc' } })).started;
    await dl.post(odd.conversationId, odd.token, { type: 'message', text: 'Aide' });
    const oddUser = (await dl.get(odd.conversationId, odd.token)).activities.find((a) => a.from.role === 'user');
    expect(oddUser?.from.id).toMatch(/^web-[A-Za-z0-9_-]+$/);
  });

  it('serves the page, the Web Chat bundle from node_modules and keeps the other routes', async () => {
    const page = await fetch(`${running.baseUrl}/`, { headers: { 'accept-language': 'de-BE,de;q=0.9,fr;q=0.5' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' blob:;");
    expect(csp).not.toMatch(/https?:\/\//);
    expect(csp).not.toContain('unsafe-eval');
    const html = await page.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toMatch(/<main [^>]*aria-labelledby="page-title"/);
    expect(html).toContain('data-mode="local"');
    const bundlePath = /<script src="(\/webchat\/[^"]+\/webchat\.js)"/.exec(html)?.[1];
    expect(bundlePath).toBeDefined();

    const bundle = await fetch(`${running.baseUrl}${bundlePath ?? ''}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(bundle.headers.get('cache-control')).toContain('immutable');
    expect(await bundle.text()).toContain('renderWebChat');
    const script = await fetch(`${running.baseUrl}/webchat/page.js`);
    expect(await script.text()).toContain('createDirectLine');

    expect(await (await fetch(`${running.baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${running.baseUrl}/listings/nothing.pdf`)).status).toBe(404);
    expect((await fetch(`${running.baseUrl}/api/webchat/token`, { method: 'POST' })).status).toBe(404);
  });
});

describe.each([
  ['MicrosoftAppId is set', { MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'not-a-real-secret', MicrosoftAppTenantId: '00000000-0000-4000-8000-00000000beef' }, 'off'],
  [
    'DIRECT_LINE_SECRET is set',
    {
      DIRECT_LINE_SECRET: 'a-direct-line-secret-for-tests',
      MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppTenantId: '99999999-8888-7777-6666-555555555555',
    },
    'directLine',
  ],
])('when %s', (_name, env, mode) => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startWebChatApp(env);
  });

  afterAll(async () => {
    await running?.app.close();
  });

  it('has no local Direct Line path', async () => {
    const dl = directLine(running.baseUrl);
    const start = await fetch(`${dl.base}/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(start.status).toBe(404);
    expect((await fetch(`${dl.base}/conversations/abc/activities?watermark=`, { headers: { authorization: 'Bearer x' } })).status).toBe(404);
    expect((await fetch(`${dl.base}/tokens/refresh`, { method: 'POST' })).status).toBe(404);
  });

  it(`still serves the page, in ${mode} mode`, async () => {
    const html = await (await fetch(`${running.baseUrl}/`, { headers: { 'accept-language': 'en-GB' } })).text();
    expect(html).toContain(`data-mode="${mode}"`);
    expect(html).not.toContain('a-direct-line-secret-for-tests');
    if (mode === 'off') expect(html).toContain('no Direct Line channel is configured');
  });
});

describe('reminders on the local path', () => {
  let running: RunningApp;
  let dl: ReturnType<typeof directLine>;

  beforeAll(async () => {
    // Saturday: the contact centre is closed and opens on Monday.
    running = await startWebChatApp({}, { clock: () => INSTANTS.closed });
    dl = directLine(running.baseUrl);
  });

  afterAll(async () => {
    await running?.app.close();
  });

  it('says plainly that it cannot remind later, gives the opening time, and stores no reminder', async () => {
    const { started } = await dl.start({ user: { id: 'web-reminder-test' }, locale: 'en-GB' });
    const posted = await dl.post(started.conversationId, started.token, { type: 'message', text: 'Remind me when it opens', locale: 'en-GB' });
    expect(posted.status).toBe(200);
    const activities = await dl.pollUntil(started.conversationId, started.token, (all) => all.some((a) => a.replyToId !== undefined && a.from.role === 'bot'));
    const answer = activities.filter((a) => a.from.role === 'bot' && a.replyToId !== undefined).map((a) => a.text ?? '').join('\n');
    const [before, after] = CATALOGS.en.localPage.noReminder.split('{opensAt}');
    expect(answer).toContain(before);
    expect(answer).toContain(after);
    expect(answer).not.toContain(CATALOGS.en.reminder.set.split('{opensAt}')[0]);
    expect(await running.app.reminders.tick()).toBe(0);
  });
});
