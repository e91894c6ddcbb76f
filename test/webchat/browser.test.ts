import path from 'node:path';
import type { Download } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';
import { ARTIFACTS, say, scrolledToEnd, transcriptText, useWebChatInChromium } from './webChatPage.js';

/**
 * The Web Chat page in Debian's headless Chromium, talking to the real bot over the local
 * Direct Line path: what someone on a site sees, in French.
 */
const VERDICT = "Dispensé pour aujourd'hui";
const NISS = buildNationalNumber('850730', 33, 1900);

describe('the Web Chat page in Chromium', () => {
  // Runs in the page (a string: the tests are type-checked without the DOM library).
  const session = useWebChatInChromium({
    initScript: `document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`,
  });
  const { problems, openPage } = session;

  it('answers "Suis-je dispensé aujourd\'hui ?" and reaches the verdict by a click on a suggested action', { timeout: 60_000 }, async () => {
    const page = await openPage();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await expect.poll(() => transcriptText(page), { timeout: 15_000 }).toContain('Bonjour');

    await say(page, "Suis-je dispensé aujourd'hui ?");
    const cause = page.getByRole('toolbar').getByRole('button', { name: 'Checkinatwork en panne' });
    await cause.waitFor();
    await cause.click();

    await expect.poll(() => transcriptText(page), { timeout: 15_000 }).toContain(VERDICT);
    // The button sent its label as the user's message, in French, like typing it would.
    expect(await transcriptText(page)).toContain('Checkinatwork en panne');
    await scrolledToEnd(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'webchat-verdict.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('can be used with the keyboard and names its parts for screen readers', { timeout: 60_000 }, async () => {
    const page = await openPage();
    await expect.poll(() => transcriptText(page), { timeout: 15_000 }).toContain('Bonjour');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Aller à la conversation');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('chat');

    expect(await page.getByRole('main').count()).toBe(1);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain('enregistrement de présence');
    await expect.poll(() => page.getByRole('region', { name: 'Conversation avec l’assistant' }).count()).toBe(1);
    const input = page.getByRole('textbox');
    expect(await input.getAttribute('aria-label')).toBeTruthy();
    // Typing and Enter alone get an answer.
    await input.focus();
    await page.keyboard.type('Aide');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('button', { name: 'Recommencer' }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('takes a listing on a phone-sized screen and downloads its PDF from the link', { timeout: 90_000 }, async () => {
    const page = await openPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => transcriptText(page), { timeout: 15_000 }).toContain('Bonjour');
    for (const text of ["J'ai un numéro de référence", 'REF-WEB-7', 'web-decl-0007', "aujourd'hui", NISS, 'Peeters', 'Jan', 'terminé']) {
      await say(page, text);
    }
    const link = page.locator('#webchat a[href*="/listings/"]').last();
    await link.waitFor();
    // The link points at this server (PUBLIC_BASE_URL), where the page came from.
    expect(new URL((await link.getAttribute('href')) ?? '').origin).toBe(session.running.baseUrl);
    await scrolledToEnd(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'webchat-listing-phone.png') });

    // The link opens a new tab that downloads the file: listen on the page and on any new tab.
    const context = session.browser.context;
    let timer: NodeJS.Timeout | undefined;
    const downloaded = new Promise<Download>((resolve, reject) => {
      page.once('download', resolve);
      context.once('page', (tab) => tab.once('download', resolve));
      timer = setTimeout(() => reject(new Error('no download within 15 s of clicking the PDF link')), 15_000);
    });
    await link.click();
    const download = await downloaded.finally(() => clearTimeout(timer));
    expect(download.suggestedFilename()).toMatch(/^attendance-listing-\d{4}-\d{2}-\d{2}\.pdf$/);
    expect(await download.failure()).toBeNull();
    expect(problems).toEqual([]);
    await page.close();
  });
});
