import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/**
 * Debian's Chromium (installed by .ci/run with apt-get), driven by playwright-core: no browser
 * download, which could not work here. Headless, in a fresh profile removed afterwards.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface TestBrowser {
  readonly context: BrowserContext;
  /** Closes the browser and removes its profile. Safe to call twice. */
  close(): Promise<void>;
}

export interface BrowserOptions {
  readonly locale: string;
  readonly viewport?: { readonly width: number; readonly height: number };
}

/** Fails with a clear message when Chromium is missing: the test must not silently skip. */
export async function launchChromium({ locale, viewport = { width: 1000, height: 900 } }: BrowserOptions): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: install Debian's Chromium with \`apt-get update && apt-get install -y --no-install-recommends chromium\` (.ci/run does).`,
    );
  }
  const profile = await mkdtemp(path.join(os.tmpdir(), 'chromium-profile-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      // Playwright's own flags stay; these are added. Its --user-data-dir is the fresh profile.
      args: CHROMIUM_FLAGS,
      locale,
      viewport: { ...viewport },
      acceptDownloads: true,
      timeout: 30_000,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  context.setDefaultTimeout(15_000);
  let closed = false;
  return {
    context,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        await rm(profile, { recursive: true, force: true });
      }
    },
  };
}
