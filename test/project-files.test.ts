// The files an admin expects next to the code: the CI workflow (valid YAML, calling only commands that exist), .env.example
// (parseable, naming only settings the scripts read), the licence and the security policy.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseDotenv } from '../scripts/lib/env.ts';

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
    expect(runs.map((r) => r.trim())).toEqual(expect.arrayContaining(['npm ci', 'npm test', 'npm run typecheck', 'npm run format:check']));
  });

  it('pins its actions to a major version and takes Node from .nvmrc, which matches package.json engines', () => {
    for (const step of steps.filter((s) => s.uses)) expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
    const setup = steps.find((s) => s.uses?.startsWith('actions/setup-node'));
    expect(setup?.with?.['node-version-file']).toBe('.nvmrc');
    const major = readFileSync('.nvmrc', 'utf8').trim();
    expect(pkg.engines.node).toContain(`>=${major}.`);
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
});

describe('licence and policies', () => {
  it('MIT in LICENSE and package.json; SECURITY.md says how to report; CHANGELOG.md has an Unreleased section', () => {
    expect(readFileSync('LICENSE', 'utf8')).toMatch(/^MIT License\n/);
    expect(pkg.license).toBe('MIT');
    expect(readFileSync('SECURITY.md', 'utf8')).toMatch(/## Reporting a vulnerability/);
    expect(readFileSync('CHANGELOG.md', 'utf8')).toMatch(/## \[Unreleased\]/);
  });
});
