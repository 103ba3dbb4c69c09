// `npm run export`: the deploy-cli export round-trips through the real auth0-deploy-cli (a0deploy) into the local tenant —
// merged into a0deploy's own export of the tenant, another team's Action and binding survive, and a second import leaves
// the tenant as it was; the YAML format keeps the file's other content; the Terraform module parses as HCL.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildAction, type BuiltAction } from '../scripts/lib/build-action.ts';
import { exportCommand, exportSpec } from '../scripts/lib/export/command.ts';
import { routedFetch } from '../scripts/lib/routed-fetch.cjs';
import { createActionsRuntime, type LocalTenant, loginThroughFlow } from '../local-tenant/index.ts';
import { loadSeedFile } from '../scripts/lib/seed-file.ts';
import { tempDir } from './support/backfill.ts';
import { runCli } from './support/cli.ts';
import { deployOtherAction } from './support/deploy.ts';
import { addPageApp } from './support/link-page.ts';
import { createTestTenant, spedUpClock, useHttpTenant } from './support/tenant.ts';

let built: BuiltAction;
beforeAll(async () => {
  built = await buildAction();
});

const exportTo = (argv: string[], env: Record<string, string> = {}) => runCli(exportSpec, exportCommand({ env, build: async () => built }), argv);

const A0DEPLOY = resolve('node_modules/auth0-deploy-cli/lib/index.js');
const PRELOAD = resolve('scripts/lib/routed-fetch-preload.cjs');

/** How docs/pipelines.md tells a pipeline to derive LINK_SECRET from the page application's client secret (never on a command line). */
const DERIVE_LINK_SECRET = `node -e 'process.stdout.write(require("crypto").createHmac("sha256", process.env.LINK_PAGE_CLIENT_SECRET).update("auto-link link secret v1").digest("base64url"))'`;

/** Runs the real a0deploy with a hermetic config (--env false), pointed at the local tenant by the fetch preload. */
function a0deploy(args: string[], env: { domain: string; baseUrl: string }): Promise<{ code: number | null; out: string }> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, [A0DEPLOY, ...args, '--env', 'false'], {
      env: { PATH: process.env.PATH, NODE_OPTIONS: `--require ${PRELOAD}`, AUTH0_DOMAIN: env.domain, AUTH0_BASE_URL: env.baseUrl },
    });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    proc.on('error', reject);
    proc.on('close', (code) => resolvePromise({ code, out }));
  });
}

/** What an import must leave unchanged: each Action's code, runtime, secret names and deployed code, and the bindings. */
function tenantState(tenant: LocalTenant) {
  const store = tenant.actions;
  return {
    actions: store.list().map((a) => ({
      name: a.name,
      runtime: a.runtime,
      code: a.code,
      secrets: a.secrets.map((s) => s.name).sort(),
      deployedCode: store.deployedVersion(a)?.code,
    })),
    postLogin: store.bindingsOf('post-login').map((b) => `${b.action.name} (${b.display_name})`),
  };
}

/** Another team's Action, bound on post-login once it is live. */
async function deployOtherTeamsAction(tenant: LocalTenant): Promise<void> {
  await deployOtherAction(tenant.actions, 'mfa-guard');
  tenant.actions.setBindings('post-login', [{ ref: { type: 'action_name', value: 'mfa-guard' }, display_name: 'MFA guard' }]);
}

describe('npm run export --format directory, imported by the real auth0-deploy-cli', () => {
  const get = useHttpTenant(() => {
    // Auth0's build and deploy times on a clock 50 times faster, as deploy.test.ts: the import meets real-looking waits.
    const made = createTestTenant({ now: spedUpClock(50) });
    made.tenant.state.addClient({ name: 'deployer', scopes: ['read:actions', 'create:actions', 'update:actions'] });
    return made;
  });

  it('merges into a0deploy’s own export, imports with the keywords filled, keeps the other Action, and a second import changes nothing', async () => {
    const { tenant, server, client } = get();
    await deployOtherTeamsAction(tenant);
    // Confirmed linking on, as with npm run deploy: the page's application exists, and people still have accounts to link.
    const pageBase = 'http://127.0.0.1:9';
    const page = addPageApp(tenant, pageBase);
    await loadSeedFile(tenant.state, 'local-tenant/seeds/pending.json');
    const deployer = tenant.state.listClients().find((c) => c.name === 'deployer')!;
    const dir = tempDir();
    const config = join(dir, 'config.json');
    expect(readFileSync('docs/pipelines.md', 'utf8')).toContain(DERIVE_LINK_SECRET);
    const derived = spawnSync('bash', ['-c', DERIVE_LINK_SECRET], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, LINK_PAGE_CLIENT_SECRET: page.client_secret },
    });
    expect(derived.status, derived.stderr).toBe(0);
    const secrets = {
      AUTO_LINK_AUTH0_DOMAIN: tenant.domain,
      AUTO_LINK_AUTH0_CLIENT_ID: client.client_id,
      AUTO_LINK_AUTH0_CLIENT_SECRET: client.client_secret,
      AUTO_LINK_LINK_PAGE_URL: `${pageBase}/link`,
      AUTO_LINK_LINK_PAGE_CLIENT_ID: page.client_id,
      AUTO_LINK_LINK_SECRET: derived.stdout,
    };
    writeFileSync(
      config,
      JSON.stringify({
        AUTH0_DOMAIN: tenant.domain,
        AUTH0_CLIENT_ID: deployer.client_id,
        AUTH0_CLIENT_SECRET: deployer.client_secret,
        AUTH0_INCLUDED_ONLY: ['actions', 'triggers'],
        AUTH0_ALLOW_DELETE: true,
        AUTH0_KEYWORD_REPLACE_MAPPINGS: secrets,
      }),
    );
    const target = { domain: tenant.domain, baseUrl: server.url };
    const repo = join(dir, 'tenant');

    const exported = await a0deploy(['export', '-c', config, '--format', 'directory', '--output_folder', repo], target);
    expect(exported.code, exported.out).toBe(0);
    expect(JSON.parse(readFileSync(join(repo, 'triggers', 'triggers.json'), 'utf8'))).toEqual({
      'post-login': [{ action_name: 'mfa-guard', display_name: 'MFA guard' }],
    });

    const run = await exportTo(['--format', 'directory', '--out', repo, '--json'], { LINK_PAGE_URL: 'set in the pipeline; only the name is read' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ ok: true, postLogin: ['auto-link', 'mfa-guard'] });
    const file = readFileSync(join(repo, 'actions', 'auto-link.json'), 'utf8');
    expect(file).not.toContain(client.client_secret);
    expect(JSON.parse(file).secrets).toEqual([
      { name: 'AUTH0_DOMAIN', value: '##AUTO_LINK_AUTH0_DOMAIN##' },
      { name: 'AUTH0_CLIENT_ID', value: '##AUTO_LINK_AUTH0_CLIENT_ID##' },
      { name: 'AUTH0_CLIENT_SECRET', value: '##AUTO_LINK_AUTH0_CLIENT_SECRET##' },
      { name: 'LINK_PAGE_URL', value: '##AUTO_LINK_LINK_PAGE_URL##' },
      { name: 'LINK_PAGE_CLIENT_ID', value: '##AUTO_LINK_LINK_PAGE_CLIENT_ID##' },
      { name: 'LINK_SECRET', value: '##AUTO_LINK_LINK_SECRET##' },
    ]);

    const first = await a0deploy(['import', '-c', config, '--input_file', repo], target);
    expect(first.code, first.out).toBe(0);
    const store = tenant.actions;
    const ours = store.list().find((a) => a.name === 'auto-link')!;
    expect(Object.fromEntries(ours.secrets.map((s) => [s.name, s.value]))).toEqual({
      AUTH0_DOMAIN: tenant.domain,
      AUTH0_CLIENT_ID: client.client_id,
      AUTH0_CLIENT_SECRET: client.client_secret,
      LINK_PAGE_URL: `${pageBase}/link`,
      LINK_PAGE_CLIENT_ID: page.client_id,
      LINK_SECRET: derived.stdout,
    });
    expect(store.deployedVersion(ours)?.code).toBe(built.code);

    // The imported Action links as the deployed one does: Gina's Google login links her older database account.
    const runtime = createActionsRuntime({ state: tenant.state, fetch: routedFetch(tenant.domain, server.url), timeoutMs: 10_000 });
    const login = await loginThroughFlow(store, runtime, { identity: { provider: 'google-oauth2', user_id: '108800112233445566770' } });
    if (login.outcome !== 'success') throw new Error(login.reason);
    expect(login.idTokenClaims['https://auto-link/linked']).toEqual(['google-oauth2|108800112233445566770']);
    const after = tenantState(tenant);
    expect(after.postLogin).toEqual(['auto-link (auto-link)', 'mfa-guard (MFA guard)']);
    expect(after.actions.map((a) => a.name).sort()).toEqual(['auto-link', 'mfa-guard']);

    const second = await a0deploy(['import', '-c', config, '--input_file', repo], target);
    expect(second.code, second.out).toBe(0);
    expect(tenantState(tenant)).toEqual(after);
  }, 600_000);
});

describe('npm run export --format yaml', () => {
  it('adds the Action and its binding to an existing tenant.yaml, keeping its other content and comments', async () => {
    const dir = tempDir();
    const file = join(dir, 'tenant.yaml');
    writeFileSync(
      file,
      [
        '# managed by the platform team',
        'actions:',
        '  - name: mfa-guard',
        '    code: ./actions/mfa-guard/code.js',
        '    runtime: node22',
        '    deployed: true',
        '    supported_triggers:',
        '      - id: post-login',
        '        version: v3',
        'triggers:',
        '  post-login:',
        '    - action_name: mfa-guard',
        '      display_name: MFA guard',
        '  credentials-exchange: []',
        'tenant:',
        '  friendly_name: Acme',
        '',
      ].join('\n'),
    );
    const run = await exportTo(['--format', 'yaml', '--out', file, '--position', 'last'], { TRUSTED_CONNECTIONS: 'google-oauth2' });
    expect(run.code, run.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# managed by the platform team');
    const yaml = parseYaml(text) as { actions: Array<{ name: string; code: string; secrets?: unknown }>; triggers: Record<string, unknown>; tenant: unknown };
    expect(yaml.tenant).toEqual({ friendly_name: 'Acme' });
    expect(yaml.actions.map((a) => a.name)).toEqual(['mfa-guard', 'auto-link']);
    expect(yaml.actions[1]!.secrets).toContainEqual({ name: 'TRUSTED_CONNECTIONS', value: '##AUTO_LINK_TRUSTED_CONNECTIONS##' });
    expect(yaml.triggers).toEqual({
      'post-login': [
        { action_name: 'mfa-guard', display_name: 'MFA guard' },
        { action_name: 'auto-link', display_name: 'auto-link' },
      ],
      'credentials-exchange': [],
    });
    expect(readFileSync(join(dir, yaml.actions[1]!.code), 'utf8')).toBe(built.code);
    expect(text).not.toContain('google-oauth2');

    const again = await exportTo(['--format', 'yaml', '--out', file, '--position', 'last']);
    expect(again.code).toBe(0);
    expect((parseYaml(readFileSync(file, 'utf8')) as { actions: unknown[] }).actions).toHaveLength(2);
  });
});

describe('npm run export --format terraform (Terraform itself cannot be installed here: the HCL is checked with a parser)', () => {
  it('writes auth0_action with the bundle as code and deploy = true, sensitive variables, and a non-exclusive binding', async () => {
    const dir = join(tempDir(), 'infra');
    const run = await exportTo(['--format', 'terraform', '--out', dir, '--json'], { LINK_MODE: 'dry-run' });
    expect(run.code, run.stderr).toBe(0);
    const tf = readFileSync(join(dir, 'auto-link.tf'), 'utf8');
    expect(readFileSync(join(dir, 'auto-link.js'), 'utf8')).toBe(built.code);
    const hcl = (await parseHcl('auto-link.tf', tf)) as {
      resource: Record<string, Record<string, Array<Record<string, unknown>>>>;
      variable: Record<string, Array<{ sensitive: boolean }>>;
    };
    const action = hcl.resource.auth0_action!.auto_link![0]!;
    expect(action).toMatchObject({ name: 'auto-link', runtime: 'node22', deploy: true, code: '${file("${path.module}/auto-link.js")}' });
    expect(action.supported_triggers).toEqual([{ id: 'post-login', version: 'v3' }]);
    expect((action.secrets as Array<{ name: string; value: string }>).map((s) => [s.name, s.value])).toEqual([
      ['AUTH0_DOMAIN', '${var.auto_link_auth0_domain}'],
      ['AUTH0_CLIENT_ID', '${var.auto_link_auth0_client_id}'],
      ['AUTH0_CLIENT_SECRET', '${var.auto_link_auth0_client_secret}'],
      ['LINK_MODE', '${var.auto_link_link_mode}'],
    ]);
    expect(Object.values(hcl.variable).every(([v]) => v!.sensitive === true)).toBe(true);
    expect(hcl.resource.auth0_trigger_action!.auto_link![0]).toMatchObject({ trigger: 'post-login', action_id: '${auth0_action.auto_link.id}' });
    expect(hcl.resource.auth0_trigger_actions).toBeUndefined();
    expect(tf).not.toContain('dry-run');
  });

  it('refuses --position (the provider cannot place a binding) and a --out that is a file, before building', async () => {
    const dir = tempDir();
    const position = await exportTo(['--format', 'terraform', '--out', dir, '--position', 'first']);
    expect(position.code).toBe(2);
    expect(position.stderr).toContain('auth0_trigger_action appends to post-login');
    mkdirSync(join(dir, 'x'));
    writeFileSync(join(dir, 'file.tf'), '');
    const file = await exportTo(['--format', 'directory', '--out', join(dir, 'file.tf')]);
    expect(file.code).toBe(1);
    expect(file.stderr).toContain('is a file: the directory format writes a folder');
    const format = await exportTo(['--format', 'zip', '--out', dir]);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be directory, yaml or terraform, got "zip"');
  });
});
