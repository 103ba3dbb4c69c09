// The borders between the Action, the linking page, the CLI and the local tenant, as lint rules (docs/architecture.md lists them).
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

// The Action↔page contract: the only modules of actions/ that link-page/ imports today (the token contract, the audit
// record, the Auth0 types, the email fold, the unlink choice, the domain check of the config).
const ACTION_CONTRACT = ['link-page-tokens.ts', 'link-record.ts', 'types.ts', 'email.ts', 'unlink-choice.ts', 'config.ts'];

// What the local tenant takes from actions/: the Auth0 types, the strategy names and Auth0's limits, never the policy.
const TENANT_FROM_ACTIONS = ['types.ts', 'strategies.ts', 'auth0-limits.ts'];

// The local tenant's one public entry: nothing outside local-tenant/ reaches past it (its own tests in local-tenant/test/
// test its parts).
const TENANT_ENTRY = 'index.ts';

/** The local tenant's code, its tests left out: they may use the Action's contract to check what the tenant stores. */
const TENANT_CODE = [`${root}/local-tenant/!(test)/**`, `${root}/local-tenant/*`];

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
    target: TENANT_CODE,
    from: 'actions',
    except: TENANT_FROM_ACTIONS,
    message: 'local-tenant/ imports from actions/ only TENANT_FROM_ACTIONS in eslint.config.js: Auth0 facts, never the policy.',
  },
  {
    target: 'local-tenant',
    from: ['scripts', 'link-page'],
    message: 'local-tenant/ is a package of its own: nothing from scripts/ or link-page/.',
  },
  {
    target: 'local-tenant',
    from: 'test',
    except: ['support'],
    message: "local-tenant/ imports nothing from test/ (its tests may use the project's test support).",
  },
  {
    target: [`${root}/!(local-tenant)/**`, `${root}/*`],
    from: 'local-tenant',
    except: [TENANT_ENTRY],
    message: 'outside local-tenant/, import only its entry local-tenant/index.ts.',
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
