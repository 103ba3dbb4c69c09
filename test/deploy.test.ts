// `npm run deploy` against the local tenant, in-process and over loopback HTTP: create, update, idempotent rerun, bindings, secrets, failures.
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAction, type BuiltAction } from '../scripts/lib/build-action.ts';
import { deployCommand, deploySpec, type DeployDeps } from '../scripts/lib/deploy/command.ts';
import { planDeploy, type CurrentAction, type CurrentBinding } from '../scripts/lib/deploy/plan.ts';
import type { Env } from '../scripts/lib/env.ts';
import type { ActionsStore, LocalTenant } from '../local-tenant/index.ts';
import { quiet, runCli, type Run } from './support/cli.ts';
import { deployEnv, deployOtherAction } from './support/deploy.ts';
import { createTestTenant, spedUpClock, useHttpTenant, useInProcessTenant, type TestTenant } from './support/tenant.ts';

const DEPLOYER_SCOPES = ['read:actions', 'create:actions', 'update:actions', 'read:connections'];
const CLIENT_SCOPES = ['create:clients', 'read:clients', 'read:client_keys', 'create:client_grants', 'read:client_grants'];

let built: BuiltAction;
beforeAll(async () => {
  built = await buildAction();
});

/** The tenant's clock runs this much faster: its default 4 s builds and 1.5 s deploys take 80 ms and 30 ms of a test. */
const CLOCK_FACTOR = 50;

function withDeployer(scopes: string[] = [...DEPLOYER_SCOPES, ...CLIENT_SCOPES]): () => TestTenant {
  return () => {
    const made = createTestTenant({ now: spedUpClock(CLOCK_FACTOR) });
    made.tenant.state.addClient({ name: 'deployer', scopes });
    return made;
  };
}

/** Runs the deploy command as the CLI does (flag parsing, exit codes, output), capturing what it prints. */
function deploy(env: Env, argv: string[] = [], deps: Partial<DeployDeps> = {}): Promise<Run> {
  return runCli(deploySpec, deployCommand({ env, build: async () => built, progressStream: quiet, pollIntervalMs: 10, ...deps }), argv);
}

function bound(store: ActionsStore): string[] {
  return store.bindingsOf('post-login').map((b) => b.action.name);
}

function writes(tenant: LocalTenant): number {
  return (
    tenant.requests.count({ method: 'POST', route: '/api/v2/actions/actions' }) +
    tenant.requests.count({ method: 'PATCH', route: '/api/v2/actions/actions/:id' }) +
    tenant.requests.count({ method: 'POST', route: '/api/v2/actions/actions/:id/deploy' }) +
    tenant.requests.count({ method: 'PATCH', route: '/api/v2/actions/triggers/:triggerId/bindings' })
  );
}

describe('deploy (in-process tenant)', () => {
  const get = useInProcessTenant(withDeployer());

  it('creates, builds, deploys and binds the Action; a second run changes nothing on the tenant and says so', async () => {
    const { tenant, client } = get();
    const store = tenant.actions;
    const first = await deploy(deployEnv(tenant, client));
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('Action "auto-link": created');
    expect(first.stdout).toContain('built and deployed as version 1');
    const [action] = store.list();
    expect(action).toMatchObject({ name: 'auto-link', runtime: 'node22', supported_triggers: [{ id: 'post-login', version: 'v3' }] });
    expect(action!.code.startsWith(built.code)).toBe(true);
    expect(bound(store)).toEqual(['auto-link']);
    expect(store.boundActions('post-login')[0]!.secrets).toEqual({
      AUTH0_DOMAIN: tenant.domain,
      AUTH0_CLIENT_ID: client.client_id,
      AUTH0_CLIENT_SECRET: client.client_secret,
    });

    const writesBefore = writes(tenant);
    const second = await deploy(deployEnv(tenant, client));
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('is up to date (version 1 deployed, bound 1st of 1 in post-login): nothing changed on the tenant');
    expect(writes(tenant)).toBe(writesBefore);
    expect(store.versions(action!.id)).toHaveLength(1);
  });

  it('updates when the code or a secret value changes, and never shows a secret value', async () => {
    const { tenant, client } = get();
    const store = tenant.actions;
    await deploy(deployEnv(tenant, client));
    // The secret is rotated on the tenant first: the deploy checks the Action's credentials against it.
    client.client_secret = 'a-rotated-secret-value-0123456789';
    const changedSecret = await deploy(deployEnv(tenant, client, { LINK_MODE: 'dry-run', ACTION_CLIENT_SECRET: 'a-rotated-secret-value-0123456789' }), [
      '--json',
    ]);
    expect(changedSecret.code).toBe(0);
    const report = JSON.parse(changedSecret.stdout);
    expect(report).toMatchObject({ ok: true, changed: true, action: { step: 'update', version: 2 }, secrets: { added: ['LINK_MODE'], dropped: [] } });
    const newCode = await deploy(deployEnv(tenant, client, { LINK_MODE: 'dry-run', ACTION_CLIENT_SECRET: 'a-rotated-secret-value-0123456789' }), [], {
      build: async () => ({ ...built, code: `${built.code}\n// next release\n` }),
    });
    expect(newCode.stdout).toContain('updated (code or secret values changed), built and deployed as version 3');
    const action = store.list()[0]!;
    for (const text of [changedSecret.stdout, newCode.stdout, newCode.stderr, action.code]) {
      expect(text).not.toContain('a-rotated-secret-value-0123456789');
      expect(text).not.toContain(client.client_secret);
    }
    expect(store.boundActions('post-login')[0]!.secrets).toMatchObject({ LINK_MODE: 'dry-run', AUTH0_CLIENT_SECRET: 'a-rotated-secret-value-0123456789' });
  });

  it("keeps other Actions' bindings, order and display names, placing this one first, last, at n or after another", async () => {
    const { tenant, client } = get();
    const store = tenant.actions;
    await deployOtherAction(store, 'mfa');
    await deployOtherAction(store, 'claims');
    store.setBindings('post-login', [
      { ref: { type: 'action_name', value: 'mfa' }, display_name: 'Require MFA' },
      { ref: { type: 'action_name', value: 'claims' } },
    ]);
    expect((await deploy(deployEnv(tenant, client))).stdout).toContain('post-login flow: mfa → claims  ⇒  auto-link → mfa → claims');
    expect(bound(store)).toEqual(['auto-link', 'mfa', 'claims']);
    expect((await deploy(deployEnv(tenant, client), ['--position', 'last'])).code).toBe(0);
    expect(bound(store)).toEqual(['mfa', 'claims', 'auto-link']);
    await deploy(deployEnv(tenant, client), ['--after', 'mfa']);
    expect(bound(store)).toEqual(['mfa', 'auto-link', 'claims']);
    const again = await deploy(deployEnv(tenant, client), ['--position', '2']);
    expect(again.stdout).toContain('nothing changed on the tenant');
    expect(store.bindingsOf('post-login').map((b) => b.display_name)).toEqual(['Require MFA', 'auto-link', 'claims']);
    const missing = await deploy(deployEnv(tenant, client), ['--after', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--after nope: no other Action of that name is bound to post-login (bound: mfa, claims)');
  });

  it('on a failed build prints the build errors, exits 1 and binds nothing', async () => {
    const { tenant, client } = get();
    const store = tenant.actions;
    await deployOtherAction(store, 'mfa');
    store.setBindings('post-login', [{ ref: { type: 'action_name', value: 'mfa' } }]);
    store.failBuilds([{ id: 'npm_install_failed', msg: 'could not install dependency left-pad@9.9.9' }]);
    const run = await deploy(deployEnv(tenant, client));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the Action failed to build on the tenant');
    expect(run.stderr).toContain('npm_install_failed: could not install dependency left-pad@9.9.9');
    expect(run.stderr).toContain('Nothing was deployed or bound.');
    expect(bound(store)).toEqual(['mfa']);
    store.failBuilds(undefined);
    const retry = await deploy(deployEnv(tenant, client));
    expect(retry.stdout).toContain('updated (the last build failed), built and deployed as version 1');
    expect(bound(store)).toEqual(['auto-link', 'mfa']);
  });

  it('says the new version is deployed when only the bindings write failed, and that the bindings were not changed', async () => {
    const { tenant, client } = get();
    const store = tenant.actions;
    await deployOtherAction(store, 'mfa');
    store.setBindings('post-login', [{ ref: { type: 'action_name', value: 'mfa' } }]);
    tenant.faults.fail({ method: 'PATCH', path: '/api/v2/actions/triggers/:triggerId/bindings', status: 400 });
    const run = await deploy(deployEnv(tenant, client));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('writing the post-login bindings failed: Auth0 answered 400');
    expect(run.stderr).toContain('version 1 is deployed; the post-login bindings were not changed');
    expect(run.stderr).not.toContain('the post-login flow was not changed');
    expect(store.versions(store.list().find((a) => a.name === 'auto-link')!.id)).toHaveLength(1);
    expect(bound(store)).toEqual(['mfa']);
    const rerun = await deploy(deployEnv(tenant, client));
    expect(rerun.code).toBe(0);
    expect(bound(store)).toEqual(['auto-link', 'mfa']);
  });

  it('refuses to drop a secret the configuration does not set, naming it, unless --allow-drop-secrets', async () => {
    const { tenant, client } = get();
    const store = tenant.actions;
    await deploy(deployEnv(tenant, client, { TRUSTED_CONNECTIONS: 'Username-Password-Authentication,google-oauth2', PRIMARY_CONNECTION: 'google-oauth2' }));
    const refused = await deploy(deployEnv(tenant, client, { PRIMARY_CONNECTION: 'google-oauth2' }), [], {
      build: async () => ({ ...built, code: `${built.code}\n// v2\n` }),
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('has secret TRUSTED_CONNECTIONS that the configuration does not set');
    expect(refused.stderr).toContain('--allow-drop-secrets');
    expect(store.versions(store.list()[0]!.id)).toHaveLength(1);
    const dropped = await deploy(deployEnv(tenant, client, { PRIMARY_CONNECTION: 'google-oauth2' }), ['--allow-drop-secrets']);
    expect(dropped.code).toBe(0);
    expect(dropped.stdout).toContain('(dropped: TRUSTED_CONNECTIONS)');
    expect(Object.keys(store.boundActions('post-login')[0]!.secrets).sort()).toEqual([
      'AUTH0_CLIENT_ID',
      'AUTH0_CLIENT_SECRET',
      'AUTH0_DOMAIN',
      'PRIMARY_CONNECTION',
    ]);
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    const { tenant, client } = get();
    const store = tenant.actions;
    await deployOtherAction(store, 'mfa');
    store.setBindings('post-login', [{ ref: { type: 'action_name', value: 'mfa' } }]);
    const run = await deploy(deployEnv(tenant, client), ['--dry-run', '--position', 'last']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Dry run: nothing was changed.');
    expect(run.stdout).toContain('Action "auto-link": create (no Action of that name on the tenant)');
    expect(run.stdout).toContain('post-login flow: mfa  ⇒  mfa → auto-link');
    expect(writes(tenant)).toBe(0);
    expect(store.list().length).toBe(1);
  });

  it('--rollback redeploys the previous version; the next deploy deploys the configuration again', async () => {
    const { tenant, client } = get();
    const store = tenant.actions;
    await deploy(deployEnv(tenant, client));
    await deploy(deployEnv(tenant, client), [], { build: async () => ({ ...built, code: `${built.code}\n// v2\n` }) });
    const id = store.list()[0]!.id;
    const rollback = await deploy(deployEnv(tenant, client), ['--rollback']);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toContain('rolled back from version 2 to the code of version 1 (deployed as version 3)');
    expect(store.boundActions('post-login')[0]!.code.includes('// v2')).toBe(false);
    expect(bound(store)).toEqual(['auto-link']);
    const forward = await deploy(deployEnv(tenant, client), [], { build: async () => ({ ...built, code: `${built.code}\n// v2\n` }) });
    expect(forward.stdout).toContain('deployed its draft (the draft has changes that are not deployed), built and deployed as version 4');
    expect(store.versions(id)[0]!.code.includes('// v2')).toBe(true);
  });

  it('names a missing scope, a wrong client secret and missing credentials, exiting 1', async () => {
    const { tenant, client } = get();
    const limited = tenant.state.addClient({ name: 'limited', scopes: ['read:actions', 'update:actions', 'read:connections'] });
    const noCreate = await deploy({ ...deployEnv(tenant, client), AUTH0_CLIENT_ID: limited.client_id, AUTH0_CLIENT_SECRET: limited.client_secret });
    expect(noCreate.code).toBe(1);
    expect(noCreate.stderr).toMatch(/403: Insufficient scope, expected any of: create:actions; grant create:actions to the application/);
    const wrong = await deploy({ ...deployEnv(tenant, client), AUTH0_CLIENT_SECRET: 'not-the-secret' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('401: Unauthorized; check AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET');
    expect(wrong.stderr).not.toContain('not-the-secret');
    const missing = await deploy({ AUTH0_DOMAIN: tenant.domain });
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toContain('needs AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET');
    const noActionSecret = await deploy({ ...deployEnv(tenant, client), ACTION_CLIENT_SECRET: '' });
    expect(noActionSecret.stderr).toContain("the Action's secret AUTH0_CLIENT_SECRET is missing: set ACTION_CLIENT_SECRET");
    expect(tenant.actions.list().length).toBe(0);
  });

  it("checks the Action's own credentials before writing anything, naming the wrong one or the missing scopes", async () => {
    const { tenant, client } = get();
    const noGrant = tenant.state.addClient({ name: 'no grant', scopes: [] });
    const readOnly = tenant.state.addClient({ name: 'read only', scopes: ['read:users', 'read:clients'] });
    const cases: Array<[Env, string]> = [
      [{ ACTION_CLIENT_ID: 'no-such-client' }, 'ACTION_CLIENT_ID no-such-client is not an application of this tenant'],
      [
        { ACTION_CLIENT_SECRET: 'not-the-secret-of-the-action-client' },
        `ACTION_CLIENT_SECRET is wrong: the tenant refused it for the application ${client.client_id}`,
      ],
      [
        { ACTION_CLIENT_ID: readOnly.client_id, ACTION_CLIENT_SECRET: readOnly.client_secret },
        `ACTION_CLIENT_ID ${readOnly.client_id} is not granted update:users delete:sessions delete:grants on the Management API`,
      ],
      [
        { ACTION_CLIENT_ID: noGrant.client_id, ACTION_CLIENT_SECRET: noGrant.client_secret },
        'is not granted read:users update:users delete:sessions delete:grants on the Management API',
      ],
    ];
    for (const [extra, message] of cases) {
      for (const argv of [[], ['--dry-run']]) {
        const run = await deploy(deployEnv(tenant, client, extra), argv);
        expect(run.code).toBe(1);
        expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining(message)]);
        expect(run.stderr).toContain('Nothing was changed.');
        expect(run.stderr).not.toContain('not-the-secret');
      }
    }
    const written = Object.keys(tenant.requests.byRoute()).filter((route) => !route.startsWith('GET ') && route !== 'POST /oauth/token');
    expect(written).toEqual([]);
    expect(tenant.actions.list()).toEqual([]);
  });

  it('waits for the deployed version to go live before binding it, showing the time waited', async () => {
    const { tenant, client } = get();
    const store = tenant.actions;
    // 20 s on the tenant's clock (0.4 s here): long enough that the first poll always finds the version not yet live.
    store.setDeployDelay(20_000);
    let progress = '';
    const stream = Object.assign(new Writable({ write: (chunk, _encoding, done) => ((progress += String(chunk)), done()) }), { isTTY: false });
    const first = await deploy(deployEnv(tenant, client), [], { progressStream: stream as unknown as NodeJS.WriteStream });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(progress).toMatch(/waiting for the Action to build: \d+s/);
    expect(progress).toMatch(/waiting for version 1 to go live: \d+s, deployed: false/);
    expect(bound(store)).toEqual(['auto-link']);

    // A version that never goes live: the deploy gives up within its bound and leaves the flow as it was.
    store.setDeployDelay(Infinity);
    const stuck = await deploy(deployEnv(tenant, client), ['--force'], { liveTimeoutMs: 150 });
    expect(stuck.code).toBe(1);
    expect(stuck.stderr).toContain('version 2 was deployed but was still not live after 0s; the post-login bindings were not changed');
    expect(store.boundActions('post-login')[0]!.versionNumber).toBe(1);
  });

  it('gives up on a build that does not finish within --build-timeout, deploying and binding nothing', async () => {
    const { tenant, client } = get();
    const store = tenant.actions;
    store.setBuildDelay(Infinity);
    const run = await deploy(deployEnv(tenant, client), ['--build-timeout', '0.2']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/the Action was still "(pending|building)" after 0s: nothing was deployed or bound/);
    expect(store.versions(store.list()[0]!.id)).toEqual([]);
    expect(bound(store)).toEqual([]);
  });

  it('--create-client makes a least-privilege application for the Action once, and reuses it', async () => {
    const { tenant } = get();
    const env = deployEnv(tenant, tenant.state.listClients()[0]!, { ACTION_CLIENT_ID: '', ACTION_CLIENT_SECRET: '' });
    const first = await deploy(env, ['--create-client', '--json']);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.client).toMatchObject({ name: 'auto-link Action', created: true, grantCreated: true });
    const app = tenant.state.client(report.client.clientId)!;
    expect(app.scopes).toEqual(['read:users', 'update:users', 'delete:sessions', 'delete:grants']);
    expect(tenant.actions.boundActions('post-login')[0]!.secrets).toMatchObject({
      AUTH0_CLIENT_ID: app.client_id,
      AUTH0_CLIENT_SECRET: app.client_secret,
    });
    expect(first.stdout).not.toContain(app.client_secret);
    const second = await deploy(env, ['--create-client']);
    expect(second.stdout).toContain('is up to date');
    expect(second.stdout).toContain(`Action application "auto-link Action": reused (client id ${app.client_id})`);
    expect(tenant.state.listClients().filter((c) => c.name === 'auto-link Action')).toHaveLength(1);
  });

  it("--create-client lists applications without their secrets and reads only the reused application's secret", async () => {
    const { tenant } = get();
    const env = deployEnv(tenant, tenant.state.listClients()[0]!, { ACTION_CLIENT_ID: '', ACTION_CLIENT_SECRET: '' });
    expect((await deploy(env, ['--create-client'])).code).toBe(0);
    const answers: Array<{ path: string; body: string }> = [];
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      if (path.startsWith('/api/v2/clients')) answers.push({ path, body: await response.clone().text() });
      return response;
    };
    const reused = await deploy(env, ['--create-client', '--json'], { fetch: recording });
    expect(reused.code).toBe(0);
    const app = tenant.state.listClients().find((c) => c.name === 'auto-link Action')!;
    const reads = answers.filter((a) => a.body.includes('client_secret'));
    expect(reads).toEqual([{ path: `/api/v2/clients/${app.client_id}`, body: JSON.stringify({ client_secret: app.client_secret }) }]);
    expect(answers.filter((a) => a.path === '/api/v2/clients').length).toBeGreaterThan(0);
  });
});

describe('deploy over loopback HTTP (AUTH0_BASE_URL)', () => {
  const get = useHttpTenant(withDeployer(DEPLOYER_SCOPES));

  it('deploys through the routed SDK, then a rerun changes nothing', async () => {
    const { tenant, client, server } = get();
    const env = deployEnv(tenant, client, { AUTH0_BASE_URL: server.url });
    expect((await deploy(env)).stdout).toContain('built and deployed as version 1');
    expect((await deploy(env)).stdout).toContain('nothing changed on the tenant');
    expect(bound(tenant.actions)).toEqual(['auto-link']);
  });

  it('runs as `npm run deploy` does: a child process that exits 0 with a JSON result, and 1 with one error line', async () => {
    const { tenant, client, server } = get();
    const env = deployEnv(tenant, client, { AUTH0_BASE_URL: server.url });
    const ok = await child(env, ['--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      ok: true,
      changed: true,
      action: { name: 'auto-link', step: 'create', version: 1 },
      bindings: { after: ['auto-link'] },
    });
    const bad = await child({ ...env, AUTH0_CLIENT_SECRET: 'wrong' }, []);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

function child(env: Env, argv: string[]): Promise<Omit<Run, 'json'>> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['scripts/deploy.ts', ...argv], { env: { PATH: process.env.PATH, ...env }, cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('deploy planner', () => {
  const action: CurrentAction = {
    id: 'act_1',
    name: 'auto-link',
    code: '',
    runtime: 'node22',
    secretNames: ['A'],
    status: 'built',
    allChangesDeployed: true,
    deployedVersion: { id: 'v1', number: 1 },
    supportedTriggers: [{ id: 'post-login', version: 'v3' }],
  };
  const bindings: CurrentBinding[] = [
    { actionId: 'x', actionName: 'x', displayName: 'X' },
    { actionId: 'act_1', actionName: 'auto-link', displayName: 'mine' },
  ];
  const options = { position: { kind: 'first' as const }, allowDropSecrets: false, force: false };

  it('plans no change only when code, secrets, runtime, trigger, deployment and place all match', () => {
    const desired = { name: 'auto-link', secretNames: ['A'], codeAndSecretsUnchanged: true };
    const placed = planDeploy(action, [bindings[1]!, bindings[0]!], desired, options);
    expect(placed).toMatchObject({ action: 'none', changes: false, bindings: { changed: false } });
    expect(planDeploy({ ...action, runtime: 'node18' }, [], desired, options)).toMatchObject({ action: 'update', reasons: ['runtime node18 → node22'] });
    expect(planDeploy({ ...action, allChangesDeployed: false }, [], desired, options).action).toBe('deploy');
    expect(planDeploy(action, bindings, desired, options).bindings).toMatchObject({
      changed: true,
      after: ['auto-link', 'x'],
      write: [
        { ref: { type: 'action_id', value: 'act_1' }, display_name: 'mine' },
        { ref: { type: 'action_id', value: 'x' }, display_name: 'X' },
      ],
    });
    expect(planDeploy(action, bindings, desired, { ...options, position: { kind: 'index', index: 9 } }).bindings.changed).toBe(false);
  });

  it('refuses to drop secrets unasked and binds a new Action by name', () => {
    const desired = { name: 'auto-link', secretNames: ['B'], codeAndSecretsUnchanged: false };
    expect(planDeploy(action, [], desired, options).refusal).toMatch(/has secret A that the configuration does not set/);
    expect(planDeploy(action, [], desired, { ...options, allowDropSecrets: true }).refusal).toBeUndefined();
    const fresh = planDeploy(undefined, [], desired, options);
    expect(fresh).toMatchObject({ action: 'create', bindings: { write: [{ ref: { type: 'action_name', value: 'auto-link' } }] } });
  });
});
