import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGS } from '../../src/i18n/index.js';
import { createLogger } from '../../src/logger.js';
import { signUserHint, userKeyOf } from '../../src/webchat/userHint.js';
import { launchChromium, type TestBrowser } from '../helpers/browser.js';
import { INSTANTS } from '../helpers/testBot.js';
import { type HostPage, samplePage, startHostPage } from './hostPage.js';
import { type RunningApp, startWebChatApp } from './webChatApp.js';

/**
 * The chat embedded in an intranet page, in Debian's headless Chromium: the host page is served
 * by this test at http://localhost:<port> (another origin and another site than the bot at
 * http://127.0.0.1:<port>), with the snippet of the shipped sample page.
 */
const ARTIFACTS = path.resolve('test-artifacts');
const HINT_SECRET = 'intranet-and-bot-share-this-secret-for-tests';
const nl = CATALOGS.nl;

/** What a user reads in the conversation (Web Chat's Markdown turns ' into ’). */
async function transcript(chat: FrameLocator): Promise<string> {
  return (await chat.locator('#webchat').innerText()).replace(/[\u2018\u2019]/g, "'");
}

/** The browser's, inside evaluate() callbacks (the tests are type-checked without the DOM library). */
declare const getComputedStyle: (element: unknown) => { getPropertyValue(name: string): string; readonly animationName: string; readonly backgroundColor: string };

/** The launcher's shadow root, where the widget lives. */
const shadowActive = (page: Page) =>
  page.evaluate(`(() => { const el = document.querySelector('[data-checkinatwork-chat]')?.shadowRoot?.activeElement; return el ? (el.className || el.tagName) : null; })()`);

describe('the chat embedded in an intranet page (embed.js)', () => {
  let bot: RunningApp;
  let host: HostPage;
  let stranger: HostPage;
  let browser: TestBrowser | undefined;
  const logs: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    host = await startHostPage();
    stranger = await startHostPage();
    bot = await startWebChatApp(
      { WEBCHAT_EMBED_ORIGINS: `https://intranet.example.org,${host.origin}`, WEBCHAT_USER_HINT_SECRET: HINT_SECRET },
      { clock: () => INSTANTS.open, logger: createLogger('info', (line) => logs.push(line)) },
    );
    host.setPage('/', await samplePage(bot.baseUrl));
    stranger.setPage('/', await samplePage(bot.baseUrl));
    // A page that frames the chat and calls the bot by hand, as a site not in the list might.
    stranger.setPage(
      '/frame',
      `<!doctype html><html lang="en"><head><title>Elsewhere</title></head><body><main><h1>Elsewhere</h1><iframe title="chat" src="${bot.baseUrl}/?embed=1&locale=en"></iframe></main></body></html>`,
    );
    browser = await launchChromium({ locale: 'nl-BE' });
  });

  afterAll(async () => {
    await browser?.close();
    await bot?.app.close();
    await host?.close();
    await stranger?.close();
  });

  async function open(url: string, viewport?: { width: number; height: number }): Promise<{ page: Page; problems: string[] }> {
    if (!browser) throw new Error('the browser did not start');
    const problems: string[] = [];
    const page = await browser.context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    expect((await page.goto(url))?.status()).toBe(200);
    return { page, problems };
  }

  const launcher = (page: Page) => page.locator('[data-checkinatwork-chat]').getByRole('button', { name: 'Checkinatwork in panne?' });
  const dialog = (page: Page) => page.getByRole('dialog', { name: 'Hulp bij aanwezigheidsregistratie' });
  const chatFrame = (page: Page) => page.frameLocator('iframe[title]');

  it('opens with the keyboard, answers a quick question and gives a verdict with a call button; Escape closes it', { timeout: 90_000 }, async () => {
    const { page, problems } = await open(`${host.origin}/`);
    await launcher(page).waitFor();
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('false');
    expect(await launcher(page).getAttribute('aria-controls')).toBe('checkinatwork-chat-panel');

    // Tab through the intranet page's links to the launcher, then Enter.
    for (let i = 0; i < 10 && (await shadowActive(page)) !== 'launcher'; i += 1) await page.keyboard.press('Tab');
    expect(await shadowActive(page)).toBe('launcher');
    await page.keyboard.press('Enter');
    await dialog(page).waitFor();
    expect(await dialog(page).getAttribute('aria-modal')).toBe('true');
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('true');
    const frameElement = page.locator('[data-checkinatwork-chat] iframe');
    expect(await frameElement.getAttribute('title')).toBe(nl.embed.frameTitle);
    expect(new URL((await frameElement.getAttribute('src')) ?? '').origin).toBe(bot.baseUrl);

    const chat = chatFrame(page);
    await expect.poll(() => transcript(chat), { timeout: 20_000 }).toContain(nl.welcome.split('\n')[0] ?? '');
    // The focus went into the conversation: typing alone asks the question.
    await expect.poll(() => chat.locator(':focus').getAttribute('data-id').catch(() => null), { timeout: 10_000 }).toBe('webchat-sendbox-input');
    await page.keyboard.type('Is het contactcenter nu open?');
    await page.keyboard.press('Enter');
    await expect.poll(() => transcript(chat), { timeout: 15_000 }).toContain('Ja, het contactcenter is nu open');

    for (const text of ['Ben ik vandaag vrijgesteld?', 'mijn eigen bedrijf', '2']) {
      const before = await chat.locator('.webchat__basic-transcript__activity').count();
      await page.keyboard.type(text);
      await page.keyboard.press('Enter');
      await expect.poll(() => chat.locator('.webchat__basic-transcript__activity').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(before + 2);
    }
    await expect.poll(() => transcript(chat), { timeout: 15_000 }).toContain(nl.procedure.outcome.contactCentre.title);
    // One tap to call: a button and a link in the text, both tel:, the number readable.
    const call = chat.getByRole('button', { name: 'Bel 02 511 51 51' }).last();
    await call.waitFor();
    const link = chat.locator('a[href="tel:+3225115151"]').last();
    expect(await link.innerText()).toBe('02 511 51 51');
    const scroller = chat.locator('.webchat__basic-transcript__scrollable');
    await expect.poll(() => scroller.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 2), { timeout: 5_000 }).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'embed-verdict-desktop.png') });

    // Escape from inside the conversation closes the panel and gives the focus back to the launcher.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog(page).isVisible()).toBe(false);
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('false');
    expect(await shadowActive(page)).toBe('launcher');
    // Opening again finds the same conversation.
    await page.keyboard.press('Enter');
    await dialog(page).waitFor();
    expect(await transcript(chat)).toContain(nl.procedure.outcome.contactCentre.title);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('keeps the focus inside the open panel', { timeout: 60_000 }, async () => {
    const { page } = await open(`${host.origin}/`);
    await launcher(page).click();
    await dialog(page).waitFor();
    await chatFrame(page).locator('[data-id="webchat-sendbox-input"]').waitFor({ timeout: 20_000 });
    // From the close button, Shift+Tab goes into the conversation, never back to the intranet page.
    await page.locator('[data-checkinatwork-chat]').getByRole('button', { name: nl.embed.close }).focus();
    await page.keyboard.press('Shift+Tab');
    expect(await shadowActive(page)).toBe('frame');
    // Tabbing on through the whole conversation comes back to the close button.
    const seen = new Set<string>();
    for (let i = 0; i < 40; i += 1) {
      await page.keyboard.press('Tab');
      const where = String(await shadowActive(page));
      seen.add(where);
      if (where === 'close') break;
    }
    expect(seen.has('close')).toBe(true);
    expect([...seen].every((where) => ['frame', 'close', 'end'].includes(where))).toBe(true);
    expect(await page.evaluate('document.activeElement?.hasAttribute("data-checkinatwork-chat") ?? false')).toBe(true);
    await page.close();
  });

  it('takes its options: a light colour gets dark text, a bad one is refused, left side, English, no motion when asked', { timeout: 60_000 }, async () => {
    host.setPage('/options', await samplePage(bot.baseUrl, 'data-locale="en" data-color="#fd0" data-position="left" data-label="Site help"'));
    host.setPage('/bad-colour', await samplePage(bot.baseUrl, 'data-locale="de" data-color="red; background: url(https://evil.example.net/x)"'));
    const { page } = await open(`${host.origin}/options`);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const button = page.locator('[data-checkinatwork-chat]').getByRole('button', { name: 'Site help' });
    await button.waitFor();
    const style = (property: string) => button.evaluate((el, name) => getComputedStyle(el).getPropertyValue(name), property);
    expect(await style('background-color')).toBe('rgb(255, 221, 0)');
    expect(await style('color')).toBe('rgb(0, 0, 0)'); // black on yellow: 15:1; white would be 1.4:1
    expect((await button.boundingBox())?.x).toBeLessThan(100);
    await button.click();
    const panel = page.getByRole('dialog', { name: CATALOGS.en.embed.title });
    await panel.waitFor();
    expect(await panel.evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
    expect(await page.locator('[data-checkinatwork-chat] iframe').getAttribute('title')).toBe(CATALOGS.en.embed.frameTitle);
    await page.close();

    const bad = await open(`${host.origin}/bad-colour`);
    const warnings: string[] = [];
    bad.page.on('console', (message) => warnings.push(message.text()));
    await bad.page.reload();
    const german = bad.page.locator('[data-checkinatwork-chat]').getByRole('button', { name: CATALOGS.de.embed.launcher });
    await german.waitFor();
    expect(await german.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(10, 88, 165)');
    expect(warnings.join('\n')).toContain('data-color');
    await bad.page.close();
  });

  it('has no serious or critical accessibility violation with the panel open (axe-core)', { timeout: 60_000 }, async () => {
    const { page } = await open(`${host.origin}/`);
    await launcher(page).click();
    await dialog(page).waitFor();
    await expect.poll(() => transcript(chatFrame(page)), { timeout: 20_000 }).toContain(nl.welcome.split('\n')[0] ?? '');
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    const grave = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(grave).toEqual([]);
    // The rules ran on the widget and inside the conversation's frame too.
    expect(results.passes.some((rule) => rule.id === 'button-name')).toBe(true);
    expect(results.passes.some((rule) => rule.id === 'frame-title')).toBe(true);
    // Inside the conversation's (cross-origin) frame: targets there are [frame, element].
    expect(results.passes.some((rule) => rule.nodes.some((node) => node.target.length > 1))).toBe(true);
    // Inside the widget's shadow root: targets there are [[host, element]].
    expect(results.passes.some((rule) => rule.nodes.some((node) => Array.isArray(node.target[0])))).toBe(true);
    await page.close();
  });

  it('fills a phone screen (390×844) and keeps a picture of it', { timeout: 60_000 }, async () => {
    const { page, problems } = await open(`${host.origin}/`, { width: 390, height: 844 });
    await launcher(page).click();
    await dialog(page).waitFor();
    const chat = chatFrame(page);
    await expect.poll(() => transcript(chat), { timeout: 20_000 }).toContain(nl.welcome.split('\n')[0] ?? '');
    expect(await dialog(page).boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    await chat.getByRole('textbox').fill('Is het contactcenter open?');
    await chat.getByRole('textbox').press('Enter');
    await chat.getByRole('button', { name: 'Bel 02 511 51 51' }).last().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(600); // Web Chat scrolls smoothly to the newest answer
    await page.screenshot({ path: path.join(ARTIFACTS, 'embed-phone-390x844.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('keeps the same per-browser user across reloads of the intranet page', { timeout: 60_000 }, async () => {
    const userIds: string[] = [];
    for (let visit = 0; visit < 2; visit += 1) {
      const { page } = await open(`${host.origin}/`);
      const started = page.waitForResponse((r) => r.url() === `${bot.baseUrl}/v3/directline/conversations` && r.request().method() === 'POST');
      await launcher(page).click();
      const body = (await (await started).json()) as { userId?: string };
      userIds.push(body.userId ?? '');
      // A third-party iframe: this Chromium denies it localStorage; a partitioned cookie (CHIPS) it keeps.
      expect(await (await started).headerValue('set-cookie')).toMatch(/^__Host-webchat_local_user=web-[0-9a-f]{32}\.[A-Za-z0-9_-]{43}; Path=\/; .*HttpOnly; Secure; SameSite=None; Partitioned$/);
      await page.close();
    }
    expect(userIds[0]).toMatch(/^web-[0-9a-f]{32}$/);
    expect(userIds[1]).toBe(userIds[0]);
  });

  it('with a signed user hint, is the same person on another device', { timeout: 60_000 }, async () => {
    // Signed "now" for the bot, whose clock is fixed.
    const hint = () => signUserHint('entra-object-id-0001', HINT_SECRET, INSTANTS.open);
    const other = await launchChromium({ locale: 'nl-BE', viewport: { width: 390, height: 844 } });
    try {
      const ids: string[] = [];
      for (const context of [browser?.context, other.context]) {
        if (!context) throw new Error('the browser did not start');
        const page = await context.newPage();
        host.setPage('/hinted', await samplePage(bot.baseUrl, `data-locale="nl" data-title="Hulp bij aanwezigheidsregistratie" data-user-hint="${hint()}"`));
        await page.goto(`${host.origin}/hinted`);
        const started = page.waitForResponse((r) => r.url() === `${bot.baseUrl}/v3/directline/conversations` && r.request().method() === 'POST');
        await launcher(page).click();
        ids.push(((await (await started).json()) as { userId?: string }).userId ?? '');
        // The hint left the frame's address at once.
        const frame = page.frames().find((f: Frame) => f.url().startsWith(bot.baseUrl));
        expect(frame?.url()).not.toContain('#hint');
        await page.close();
      }
      expect(ids[0]).toBe(`hint_${userKeyOf('entra-object-id-0001', HINT_SECRET)}`);
      expect(ids[1]).toBe(ids[0]);
      expect(logs.join('\n')).not.toContain('entra-object-id');
    } finally {
      await other.close();
    }
  });

  it('fetches a fresh hint from data-user-hint-url when the panel opens', { timeout: 60_000 }, async () => {
    host.setPage('/api/chat-hint', signUserHint('entra-object-id-0002', HINT_SECRET, INSTANTS.open));
    host.setPage('/hint-url', await samplePage(bot.baseUrl, 'data-locale="nl" data-title="Hulp bij aanwezigheidsregistratie" data-user-hint-url="/api/chat-hint"'));
    const { page } = await open(`${host.origin}/hint-url`);
    const started = page.waitForResponse((r) => r.url() === `${bot.baseUrl}/v3/directline/conversations` && r.request().method() === 'POST');
    await launcher(page).click();
    expect(((await (await started).json()) as { userId?: string }).userId).toBe(`hint_${userKeyOf('entra-object-id-0002', HINT_SECRET)}`);
    await page.close();
  });

  it('is refused on a page whose origin is not in WEBCHAT_EMBED_ORIGINS: no launcher, frame blocked, conversation refused', { timeout: 60_000 }, async () => {
    const { page } = await open(`${stranger.origin}/`);
    const warnings: string[] = [];
    page.on('console', (message) => warnings.push(message.text()));
    await page.reload();
    await expect.poll(() => warnings.join('\n')).toContain('WEBCHAT_EMBED_ORIGINS');
    expect(await page.locator('[data-checkinatwork-chat]').count()).toBe(0);

    // Framing the bot's page by hand: the browser refuses (frame-ancestors).
    const framed = await open(`${stranger.origin}/frame`);
    await expect.poll(() => framed.problems.join('\n'), { timeout: 10_000 }).toMatch(/frame-ancestors/);
    const frame = framed.page.frames().find((f) => f !== framed.page.mainFrame());
    expect(await frame?.locator('#webchat').count()).toBe(0);

    // Starting a conversation by hand from that page (a "simple" request, which the browser sends
    // without asking first): the bot says no — and the browser hides even that from the page.
    logs.length = 0;
    const outcome = await framed.page.evaluate(`fetch(${JSON.stringify(`${bot.baseUrl}/v3/directline/conversations`)}, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }).then((r) => 'read ' + r.status, (e) => 'blocked: ' + e.name)`);
    expect(outcome).toBe('blocked: TypeError');
    await expect.poll(() => logs.join('\n')).toContain('"event":"webchat.origin_refused"');
    expect(logs.join('\n')).toContain(stranger.origin);
    expect(logs.join('\n')).not.toContain('webchat.local.conversation_started');
    await framed.page.close();
    await page.close();
  });
});
