import type { Page } from 'playwright-core';
import { expect } from 'vitest';

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
