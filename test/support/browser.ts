// The one place browser tests launch Chromium: Debian's system browser through playwright-core, a fresh profile per launch.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterEach, beforeEach } from 'vitest';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_MISSING = `browser tests need Chromium at ${CHROMIUM_PATH}: install it with "apt-get update && apt-get install -y chromium" (as root)`;

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/**
 * Whether browser tests run (`describe.skipIf(!browserTestsRun)`): not on a machine without Chromium, where
 * test/global-setup.ts has said in one line how to install it; always in CI, where that setup fails the run first.
 */
export const browserTestsRun = chromiumInstalled() || process.env.CI === 'true';

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a fresh user-data-dir: no cookies or cache from an earlier test. */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'auth0-auto-link-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** A fresh Chromium for every test that runs in the file (none for skipped ones): call it at the file's top level. */
export function useBrowser(): () => LaunchedBrowser {
  let browser: LaunchedBrowser | undefined;
  beforeEach(async () => {
    browser = await launchBrowser();
  });
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });
  return () => browser!;
}
