// The files an admin expects next to the code: the CI workflow (valid YAML, calling only commands that exist), .env.example
// (parseable, naming only settings the scripts read), the licence and the security policy.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getFileInfo } from 'prettier';
import { parse } from 'yaml';
import { readConfig } from '../actions/config.ts';
import { DERIVED_SECRETS, SECRET_SOURCES } from '../scripts/lib/deploy/secrets.ts';
import { parseDotenv } from '../scripts/lib/env.ts';
import { DEPLOYER_SCOPES, SCRIPT_SETTINGS } from '../scripts/lib/settings.ts';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string>; license?: string; engines: { node: string } };

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/** Why `command` would not run in a fresh clone after `npm ci`, or undefined when it would. */
function problemWith(command: string): string | undefined {
  const words = command.trim().split(/\s+/);
  if (words[0] === 'npm' && (words[1] === 'ci' || words[1] === 'test')) return undefined;
  if (words[0] === 'npm' && words[1] === 'run') return words[2]! in pkg.scripts ? undefined : `npm run ${words[2]}: no such script in package.json`;
  if (words[0] === 'bash' || words[0] === 'sh') return existsSync(words[1]!) ? undefined : `${words[1]}: no such file`;
  return `${command}: not an npm script or a script file of the repository`;
}

describe('.github/workflows/ci.yml', () => {
  const workflow = parse(readFileSync('.github/workflows/ci.yml', 'utf8')) as { on: unknown; jobs: Record<string, { 'runs-on': string; steps: Step[] }> };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

  it('is YAML with jobs whose every run: line calls a command that exists', () => {
    expect(workflow.on).toBeDefined();
    const runs = steps.flatMap((step) => (step.run ?? '').split(/\n|&&/)).filter((line) => line.trim() !== '');
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.map(problemWith).filter(Boolean)).toEqual([]);
    expect(runs.map((r) => r.trim())).toEqual(expect.arrayContaining(['npm ci', 'npm test', 'npm run typecheck', 'npm run lint', 'npm run format:check']));
  });

  it('pins its actions to a major version and takes Node from .nvmrc, which matches package.json engines', () => {
    for (const step of steps.filter((s) => s.uses)) expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
    const setup = steps.find((s) => s.uses?.startsWith('actions/setup-node'));
    expect(setup?.with?.['node-version-file']).toBe('.nvmrc');
    const major = readFileSync('.nvmrc', 'utf8').trim();
    expect(pkg.engines.node).toContain(`>=${major}.`);
  });
});

describe('.ci/run', () => {
  it('runs the same npm commands as .github/workflows/ci.yml, in the same order', () => {
    const workflow = parse(readFileSync('.github/workflows/ci.yml', 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
    const fromWorkflow = Object.values(workflow.jobs)
      .flatMap((job) => job.steps)
      .flatMap((step) => (step.run ?? '').split('\n'))
      .map((line) => line.trim())
      .filter((line) => line.startsWith('npm '));
    const fromScript = readFileSync('.ci/run', 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('npm '));
    expect(fromScript).toEqual(fromWorkflow);
    expect(fromScript).toEqual(['npm ci', 'npm run typecheck', 'npm run lint', 'npm run format:check', 'npm run build', 'npm test']);
  });
});

describe('files the documented commands write in the working directory', () => {
  // Reports (which may hold emails), the journal, the exports of docs/pipelines.md, a0deploy's config, a generated tenant.
  const written = [
    'plan.csv',
    'links.csv',
    'declines.csv',
    'backfill-demo-tenant.local.journal.ndjson',
    'tenant/actions/auto-link.json',
    'tenant/actions/auto-link/code.js',
    'tenant/triggers/triggers.json',
    'tenant-yaml/tenant.yaml',
    'infra/auto-link.tf',
    'infra/auto-link.js',
    'config.json',
    'tenant.ndjson.gz',
  ];

  it('are git-ignored, so that none shows up as untracked', () => {
    const run = spawnSync('git', ['check-ignore', '--no-index', ...written], { encoding: 'utf8' });
    expect(written.filter((f) => !run.stdout.split('\n').includes(f))).toEqual([]);
  });

  it('are ignored by prettier, so that format:check passes after them', async () => {
    const checked = await Promise.all(written.map(async (f) => ((await getFileInfo(f, { ignorePath: '.prettierignore' })).ignored ? undefined : f)));
    expect(checked.filter(Boolean)).toEqual([]);
  });
});

describe('.env.example', () => {
  it('parses as the scripts read .env, and names only settings some script reads', () => {
    const example = parseDotenv(readFileSync('.env.example', 'utf8'), '.env.example');
    const sources = filesUnder('scripts')
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const names = Object.keys(example);
    expect(names).toEqual(expect.arrayContaining(['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET', 'ACTION_CLIENT_ID', 'ACTION_CLIENT_SECRET']));
    expect(names.filter((name) => !new RegExp(`\\b${name}\\b`).test(sources))).toEqual([]);
    // No credential in the example: the secrets are empty.
    expect([example.AUTH0_CLIENT_SECRET, example.ACTION_CLIENT_SECRET]).toEqual(['', '']);
  });

  it('names every setting of the one list (scripts/lib/settings.ts), and every scope the deployer needs', () => {
    const text = readFileSync('.env.example', 'utf8');
    const names = Object.keys(parseDotenv(text, '.env.example'));
    expect(SCRIPT_SETTINGS.filter((name) => !names.includes(name))).toEqual([]);
    expect(text).toContain(`deploy: ${DEPLOYER_SCOPES.deploy.join(' ')}`);
    expect(text).toContain(`--create-client also ${DEPLOYER_SCOPES.createClient.join(' ')}`);
    expect(text).toContain(`LINK_PAGE_URL also ${DEPLOYER_SCOPES.linkPage.join(' ')}`);
    // The README's configuration table names them too.
    const readme = readFileSync('README.md', 'utf8');
    expect(SCRIPT_SETTINGS.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });
});

describe("the Action's secrets", () => {
  it('are all in the list the deploy, the export and .env.example share: every secret the config reader reads', () => {
    // A full, valid set, so that every branch of readConfig reads what it reads; whatever else it reads is recorded.
    const values: Record<string, string> = {
      AUTH0_DOMAIN: 'my-tenant.eu.auth0.com',
      AUTH0_CLIENT_ID: 'id',
      AUTH0_CLIENT_SECRET: 'x'.repeat(40),
      LINK_PAGE_URL: 'https://link.example.com/link',
      LINK_SECRET: 'y'.repeat(43),
    };
    const read = new Set<string>();
    const secrets = new Proxy(values, {
      get: (target, name) => {
        if (typeof name === 'string') read.add(name);
        return typeof name === 'string' ? target[name] : undefined;
      },
    });
    expect(readConfig(secrets)).toMatchObject({ status: 'ready' });
    const listed = [...Object.keys(SECRET_SOURCES), ...Object.keys(DERIVED_SECRETS)];
    expect([...read].filter((name) => !listed.includes(name))).toEqual([]);
  });
});

describe('licence and policies', () => {
  it('MIT in LICENSE and package.json; SECURITY.md says how to report; CHANGELOG.md has an Unreleased section', () => {
    expect(readFileSync('LICENSE', 'utf8')).toMatch(/^MIT License\n/);
    expect(pkg.license).toBe('MIT');
    expect(readFileSync('SECURITY.md', 'utf8')).toMatch(/## Reporting a vulnerability/);
    expect(readFileSync('CHANGELOG.md', 'utf8')).toMatch(/## \[Unreleased\]/);
  });
});

describe('.githooks/commit-msg', () => {
  const dir = mkdtempSync(join(tmpdir(), 'commit-msg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** The hook's exit code and message for a commit message. */
  const hook = (message: string) => {
    const file = join(dir, 'COMMIT_EDITMSG');
    writeFileSync(file, message);
    const run = spawnSync('sh', ['.githooks/commit-msg', file], { encoding: 'utf8' });
    return { status: run.status, stderr: run.stderr.trim() };
  };

  it('takes a subject of 72 characters with the why in the body after a blank line, and git comments', () => {
    expect(hook(`${'a'.repeat(72)}\n\nWhy it changed.\n# a git comment line that is longer than seventy-two characters, which is fine\n`)).toEqual({
      status: 0,
      stderr: '',
    });
  });

  it('refuses a subject of 73 characters, and a body without the blank line, saying what to do', () => {
    expect(hook(`${'a'.repeat(73)}\n`)).toEqual({ status: 1, stderr: 'commit-msg: the subject is 73 characters; keep it to 72 and put the why in the body' });
    expect(hook('Subject\nbody at once\n')).toEqual({ status: 1, stderr: 'commit-msg: leave a blank line between the subject and the body' });
  });
});
