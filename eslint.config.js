// The borders between the Action, the linking page, the CLI and the local tenant, as lint rules (docs/architecture.md lists them).
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

// The Action↔page contract: the only modules of actions/ that link-page/ imports today (the token contract, the audit
// record, the Auth0 types, the email fold, the unlink choice, the domain check of the config).
const ACTION_CONTRACT = ['link-page-tokens.ts', 'link-record.ts', 'types.ts', 'email.ts', 'unlink-choice.ts', 'config.ts'];

// What the local tenant takes from actions/: the Auth0 types and the strategy names.
const TENANT_FROM_ACTIONS = ['types.ts', 'strategies.ts'];

// The modules of scripts/local-tenant/ that the CLI imports today. There is no single public entry yet: the next step is
// one, and this list shrinks to it.
const TENANT_ENTRIES = [
  'local-tenant.ts',
  'state.ts',
  'seed.ts',
  'generator.ts',
  'export-format.ts',
  'connection-names.ts',
  'http-server.ts',
  'login.ts',
  'runtime/index.ts',
  'runtime/api.ts',
  'runtime/cache.ts',
  'runtime/event.ts',
];

// The further modules of scripts/local-tenant/ that the tests import today, to test its parts on their own.
const TENANT_ENTRIES_FOR_TESTS = [
  'in-process.ts',
  'actions-store.ts',
  'jobs-store.ts',
  'rate-limit.ts',
  'auth/complete-login.ts',
  'auth/cookies.ts',
  'auth/dbconnections-routes.ts',
  'auth/signing-keys.ts',
  'auth/token-grants.ts',
  'auth/user-tokens.ts',
];

// The modules of link-page/ that the CLI imports today: `npm start` runs the page, the deploy checks its settings and brand.
const PAGE_FOR_CLI = ['main.ts', 'settings.ts', 'errors.ts', 'brand.ts', 'views/connection-label.ts'];

/** Every path of the repository outside its top-level folder `dir`, node_modules included, as glob zones. */
const outside = (dir) => [`${root}/!(${dir})/**`, `${root}/*`];

const zones = [
  {
    target: 'actions',
    from: outside('actions'),
    message: 'actions/ is the Action: it imports nothing outside actions/ but Node built-ins.',
  },
  {
    target: 'link-page',
    from: 'actions',
    except: ACTION_CONTRACT,
    message: 'link-page/ imports from actions/ only the contract modules (ACTION_CONTRACT in eslint.config.js).',
  },
  {
    target: 'link-page',
    from: ['scripts', 'test'],
    message: 'link-page/ is deployable on its own: it imports nothing from scripts/ or test/.',
  },
  {
    target: 'scripts/local-tenant',
    from: 'actions',
    except: TENANT_FROM_ACTIONS,
    message: 'scripts/local-tenant/ imports from actions/ only types.ts and strategies.ts.',
  },
  {
    target: 'scripts/local-tenant',
    from: ['scripts/lib', 'link-page', 'test'],
    message: 'scripts/local-tenant/ is a package of its own: nothing from scripts/lib/, link-page/ or test/.',
  },
  {
    target: 'scripts/common',
    from: ['scripts/lib', 'scripts/local-tenant', 'link-page'],
    message: 'scripts/common/ is what the CLI and the local tenant share: it imports neither.',
  },
  {
    target: ['scripts/lib', `${root}/scripts/*.ts`],
    from: 'scripts/local-tenant',
    except: TENANT_ENTRIES,
    message: 'the CLI reaches the local tenant only through its entry modules (TENANT_ENTRIES in eslint.config.js).',
  },
  {
    target: 'test',
    from: 'scripts/local-tenant',
    except: [...TENANT_ENTRIES, ...TENANT_ENTRIES_FOR_TESTS],
    message: 'tests reach the local tenant only through its entry modules (TENANT_ENTRIES* in eslint.config.js).',
  },
  {
    target: 'scripts',
    from: 'link-page',
    except: PAGE_FOR_CLI,
    message: 'the CLI imports from link-page/ only PAGE_FOR_CLI in eslint.config.js.',
  },
];

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', '.bench/', '.tmp/', 'coverage/', 'test/conformance/recordings/'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.cjs'],
    languageOptions: { parser: tseslint.parser },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver()] },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: root, zones }] },
  },
);
