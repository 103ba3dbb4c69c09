// Fails the run early unless it is on Node 22, the Actions runtime, and says which Node it is; says in one line how to
// install Chromium when the browser tests cannot run, and fails the run in CI then (browser tests never skip there).
import { CHROMIUM_MISSING, chromiumInstalled } from './support/browser.ts';

/** Fails unless the tests run on Node 22, as the Action does; says which Node it is. */
export function requireNode22(): void {
  const major = Number(process.versions.node.split('.')[0]);
  console.log(`tests run on Node ${process.version}`);
  if (major !== 22) {
    throw new Error(
      `tests must run on Node 22 (the Actions runtime), got ${process.version}: run them through npm (npm test), which puts node_modules/.bin/node first`,
    );
  }
}

export default function setup(): void {
  requireNode22();
  if (!chromiumInstalled()) {
    if (process.env.CI === 'true') throw new Error(`${CHROMIUM_MISSING}; in CI the browser tests must run (.ci/run installs it)`);
    console.log(`browser tests skipped: ${CHROMIUM_MISSING}`);
  }
}
