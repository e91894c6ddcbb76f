import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchChromium, type TestBrowser } from '../helpers/browser.js';
import { type RunningApp, startWebChatApp } from './webChatApp.js';

/** What the Chromium tests do on the Web Chat page, as a person would. */

/** Web Chat's Markdown turns ' into ’: compare with straight apostrophes. */
export async function transcriptText(page: Page): Promise<string> {
  return (await page.locator('#webchat').innerText()).replace(/[\u2018\u2019]/g, "'");
}

/** Web Chat scrolls smoothly to the newest activity: wait until it is there before a picture. */
export async function scrolledToEnd(page: Page): Promise<void> {
  const isAtEnd = () =>
    page.locator('.webchat__basic-transcript__scrollable').evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 2);
  await expect.poll(isAtEnd, { timeout: 5_000 }).toBe(true);
}

/** Sends a message by keyboard and waits for the bot's answer (the echo plus at least one reply). */
export async function say(page: Page, text: string): Promise<void> {
  const activities = page.locator('.webchat__basic-transcript__activity');
  const before = await activities.count();
  // The send box (a card in the transcript has text boxes of its own).
  const input = page.locator('.webchat__send-box-text-box__input');
  await input.fill(text);
  await input.press('Enter');
  await expect.poll(() => activities.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(before + 2);
}

/** Collects the page's errors and console errors into `problems` (a test expects none). */
export function collectProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
}

/** Where the Chromium tests leave their screenshots. */
export const ARTIFACTS = path.resolve('test-artifacts');

export interface WebChatInChromium {
  readonly running: RunningApp;
  readonly browser: TestBrowser;
  /** Page errors and console errors of the page opened last. */
  readonly problems: string[];
  /** Opens the Web Chat page (200) in a new tab, collecting its problems afresh. */
  openPage(): Promise<Page>;
}

/**
 * The real app and Debian's Chromium in French, for the tests of one describe block: started
 * before them, closed after. `initScript` runs in every page before the page's own scripts.
 * Read the fields inside the tests (they exist once started).
 */
export function useWebChatInChromium(options: { readonly initScript?: string } = {}): WebChatInChromium {
  const problems: string[] = [];
  let started: { running: RunningApp; browser: TestBrowser } | undefined;
  const running = () => {
    if (!started) throw new Error('the app and the browser did not start');
    return started;
  };

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const app = await startWebChatApp();
    const browser = await launchChromium({ locale: 'fr-BE' }).catch(async (error: unknown) => {
      await app.app.close();
      throw error;
    });
    started = { running: app, browser };
    if (options.initScript) await browser.context.addInitScript({ content: options.initScript });
  });

  afterAll(async () => {
    await started?.browser.close();
    await started?.running.app.close();
  });

  return {
    get running() {
      return running().running;
    },
    get browser() {
      return running().browser;
    },
    problems,
    async openPage() {
      problems.length = 0;
      const page = await running().browser.context.newPage();
      collectProblems(page, problems);
      const response = await page.goto(`${running().running.baseUrl}/`);
      expect(response?.status()).toBe(200);
      return page;
    },
  };
}
