// The Action's build: one CommonJS file under Auth0's 100 kB that requires only Node built-ins, and the `npm run build` CLI.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionBuildError, buildAction, formatSize } from '../scripts/lib/build-action.ts';
import { ACTION_SIZE_LIMIT } from '../actions/auth0-limits.ts';
import { createActionsRuntime, TenantState } from '../local-tenant/index.ts';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auto-link-build-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function entry(name: string, source: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, source);
  return path;
}

describe('buildAction', () => {
  it('bundles the Action into CommonJS under 100 kB that requires nothing and loads in the Actions runtime', async () => {
    const built = await buildAction();
    expect(built.bytes).toBe(Buffer.byteLength(built.code));
    expect(built.bytes).toBeLessThan(ACTION_SIZE_LIMIT);
    expect(built.limitBytes).toBe(ACTION_SIZE_LIMIT);
    // node:crypto seals the token the Action keeps in api.cache; a built-in, so nothing to deploy with it.
    expect(built.requires).toEqual(['node:crypto']);
    expect(built.code).not.toMatch(/\bimport\s*[{(*]|\bexport\s+(const|function|default)/);
    const state = new TenantState();
    state.addConnection({ name: 'db', strategy: 'auth0' });
    const user = state.createUser({ connection: 'db', email: 'a@x.io', email_verified: true });
    const result = await createActionsRuntime({ state })
      .load(built.code, { secrets: { LINK_MODE: 'off' } })
      .login({ userId: user.user_id });
    expect(result).toMatchObject({ outcome: 'success', subject: user.user_id, httpCalls: [], logs: [] });
  });

  it('minifies on request', async () => {
    const [plain, minified] = await Promise.all([buildAction(), buildAction({ minify: true })]);
    expect(minified.bytes).toBeLessThan(plain.bytes);
  });

  it('fails above the size limit, saying by how much', async () => {
    await expect(buildAction({ limitBytes: 1000 })).rejects.toThrow(/the bundle is [\d.]+ kB, over Auth0's 1 kB limit/);
  });

  it('fails when the bundle would require something at run time', async () => {
    const dynamic = await entry('dynamic.ts', "export const onExecutePostLogin = async () => { const name = ['left', 'pad'].join('-'); require(name); };\n");
    await expect(buildAction({ entry: dynamic })).rejects.toThrow(ActionBuildError);
    await expect(buildAction({ entry: dynamic })).rejects.toThrow(/computed module name/);
  });

  it('fails when the entry does not export an async onExecutePostLogin', async () => {
    const sync = await entry('sync.ts', 'export function onExecutePostLogin() {}\n');
    await expect(buildAction({ entry: sync })).rejects.toThrow(/does not export an async onExecutePostLogin/);
  });

  it('reports esbuild errors as build errors', async () => {
    const broken = await entry('broken.ts', 'export const onExecutePostLogin = async () => {\n');
    await expect(buildAction({ entry: broken })).rejects.toThrow(/esbuild failed/);
  });

  it('formats sizes in decimal kilobytes', () => {
    expect([formatSize(9_849), formatSize(100_000)]).toEqual(['9.8 kB', '100 kB']);
  });
});

describe('npm run build', () => {
  const script = join(import.meta.dirname, '..', 'scripts', 'build.ts');

  it('writes the bundle and prints its size against the limit', async () => {
    const out = join(dir, 'out', 'auto-link.js');
    const { stdout } = await run(process.execPath, [script, '--out', out]);
    const written = await readFile(out, 'utf8');
    expect(stdout.trim()).toMatch(new RegExp(`auto-link\\.js ${formatSize(Buffer.byteLength(written)).replace('.', '\\.')} \\(limit 100 kB\\)$`));
  });

  it('prints JSON with --json', async () => {
    const out = join(dir, 'json', 'auto-link.js');
    const { stdout } = await run(process.execPath, [script, '--out', out, '--json', '--minify']);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, file: out, limitBytes: ACTION_SIZE_LIMIT, requires: ['node:crypto'] });
  });

  it('exits 2 on a usage error', async () => {
    await expect(run(process.execPath, [script, '--bogus'])).rejects.toMatchObject({ code: 2 });
  });
});
