// The fast tier (npm run test:unit): every suite that runs in this process — no Chromium, no a0deploy, no child process,
// no npm start. npm test still runs everything (test/vitest.config.ts).
import { configDefaults, defineConfig } from 'vitest/config';
import full from './vitest.config.ts';

// The full tier only: a file goes here when any of its tests needs Chromium or starts a process (node, npm, bash, git,
// a0deploy), whatever its other tests do.
export const FULL_ONLY = [
  // Chromium
  'test/attack-legit-paths.test.ts',
  'test/link-page-browser.test.ts',
  'test/link-page-confirm-browser.test.ts',
  'test/link-page-look-browser.test.ts',
  'local-tenant/test/browser.test.ts',
  'test/start-keep-browser.test.ts',
  // npm start and the commands the docs print, in child processes
  'test/start.test.ts',
  'test/start-keep.test.ts',
  'test/keep-instructions.test.ts',
  'test/docs-commands.test.ts',
  'test/cli-input.test.ts',
  // a0deploy
  'test/export.test.ts',
  // other child processes: a CLI or the page run as a node process, the bench's children, git
  'test/build.test.ts',
  'test/deploy.test.ts',
  'test/link-page-i18n.test.ts',
  'test/link-page-settings.test.ts',
  'test/generator.test.ts',
  'test/bench.test.ts',
  'test/project-files.test.ts',
];

export default defineConfig({
  test: {
    ...full.test,
    exclude: [...configDefaults.exclude, ...FULL_ONLY],
    globalSetup: ['test/global-setup-unit.ts'],
    // One module graph per worker instead of one per file: this tier is mostly in-process tenants and the built Action,
    // whose imports cost a third of its time when isolated. npm test keeps every file isolated.
    isolate: false,
  },
});
