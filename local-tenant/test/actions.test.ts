// The local tenant's Actions and applications endpoints through the unmodified SDK: build states, deploy, versions, bindings, secrets, grants.
import { describe, expect, it } from 'vitest';
import type { ManagementClient } from 'auth0';
import { ActionsStore, DEFAULT_BUILD_DELAY_MS, DEFAULT_DEPLOY_DELAY_MS } from '../actions-store.ts';
import { loginThroughFlow } from '../login.ts';
import { createActionsRuntime } from '../runtime/index.ts';
import { createTestTenant, DATABASE, managementClient, useInProcessTenant } from '../../test/support/tenant.ts';

const ACTIONS_ADMIN = ['read:actions', 'create:actions', 'update:actions'];
const CODE = 'exports.onExecutePostLogin = async (event, api) => {};';
const POST_LOGIN = [{ id: 'post-login' as const, version: 'v3' }];

const get = useInProcessTenant(() => {
  const made = createTestTenant();
  // These tests are about shapes and rules: builds and deploys take effect at once, except where a test sets a delay.
  made.tenant.actions.setBuildDelay(0);
  made.tenant.actions.setDeployDelay(0);
  made.tenant.state.addClient({ name: 'admin', scopes: [...ACTIONS_ADMIN, 'create:clients', 'read:clients', 'create:client_grants', 'read:client_grants'] });
  return made;
});

function admin(): ManagementClient {
  const { tenant } = get();
  return managementClient(
    tenant,
    tenant.state.listClients().find((c) => c.name === 'admin')!,
  );
}

/** An Action created and deployed (this file's store builds and deploys at once). */
async function deployed(m: ManagementClient, name: string, code = CODE): Promise<string> {
  const action = await m.actions.create({ name, supported_triggers: POST_LOGIN, code, runtime: 'node22' });
  await m.actions.deploy(action.id!);
  return action.id!;
}

async function boundNames(m: ManagementClient): Promise<string[]> {
  const names: string[] = [];
  for await (const binding of await m.actions.triggers.bindings.list('post-login', { per_page: 50 })) names.push(binding.action!.name!);
  return names;
}

describe('actions', () => {
  it('builds a draft pending → building → built, refuses to deploy it before, and deploys it as version 1', async () => {
    const m = admin();
    const { tenant } = get();
    tenant.actions.setBuildDelay(DEFAULT_BUILD_DELAY_MS);
    // On a clock the test moves, so that a slow machine cannot skip a state.
    let now = Date.now();
    tenant.state.setClock(() => new Date(now));
    const created = await m.actions.create({ name: 'a', supported_triggers: POST_LOGIN, code: CODE });
    expect(created).toMatchObject({ name: 'a', runtime: 'node22', status: 'pending', all_changes_deployed: false });
    await expect(m.actions.deploy(created.id!)).rejects.toMatchObject({
      statusCode: 400,
      body: { message: "A draft must be in the 'built' state before it can be deployed." },
    });
    now += 1000;
    expect((await m.actions.get(created.id!)).status).toBe('building');
    now += DEFAULT_BUILD_DELAY_MS - 1000;
    expect((await m.actions.get(created.id!)).status).toBe('built');
    const version = await m.actions.deploy(created.id!);
    // A real tenant's version names its Action in `action`, with no action_id (go-auth0 recording TestActionManager_Deploy).
    expect(version).toMatchObject({ number: 1, deployed: true, status: 'built', action: { id: created.id } });
    expect(await m.actions.get(created.id!)).toMatchObject({ all_changes_deployed: true, deployed_version: { number: 1 } });
  });

  it('answers a deploy with 200 and a version not yet live, and refuses to bind the Action until it is', async () => {
    const m = admin();
    const { tenant } = get();
    const store = tenant.actions;
    store.setDeployDelay(DEFAULT_DEPLOY_DELAY_MS);
    // On a clock the test moves: the answer and the refusal come before the version is live, however slow the machine.
    let now = Date.now();
    tenant.state.setClock(() => new Date(now));
    const created = await m.actions.create({ name: 'slow', supported_triggers: POST_LOGIN, code: CODE });
    const answer = await m.actions.deploy(created.id!).withRawResponse();
    expect(answer.rawResponse.status).toBe(200);
    expect(answer.data).toMatchObject({ number: 1, deployed: false });
    expect(await m.actions.get(created.id!)).not.toHaveProperty('deployed_version');
    const bind = () => m.actions.triggers.bindings.updateMany('post-login', { bindings: [{ ref: { type: 'action_name', value: 'slow' } }] });
    await expect(bind()).rejects.toMatchObject({
      statusCode: 400,
      body: { message: 'Trying to create a binding for an action that has not been deployed yet.' },
    });
    now += DEFAULT_DEPLOY_DELAY_MS;
    expect(await m.actions.versions.get(created.id!, answer.data.id!)).toMatchObject({ deployed: true });
    expect((await bind()).bindings!.map((b) => b.action!.name)).toEqual(['slow']);
  });

  it('has Auth0-like delays by default: builds take seconds and a deploy goes live later', () => {
    const store = new ActionsStore();
    const action = store.create({ name: 'd', supported_triggers: POST_LOGIN, code: CODE });
    expect(store.status(action)).toBe('pending');
    expect(DEFAULT_BUILD_DELAY_MS).toBeGreaterThanOrEqual(2000);
    expect(DEFAULT_DEPLOY_DELAY_MS).toBeGreaterThanOrEqual(1000);
  });

  it('fails a build of code that does not compile, or on demand, and reports the errors on the draft', async () => {
    const m = admin();
    const broken = await m.actions.create({ name: 'broken', supported_triggers: POST_LOGIN, code: 'exports.x = ;' });
    expect((await m.actions.get(broken.id!)).status).toBe('failed');
    expect((await m.actions.versions.get(broken.id!, 'draft')).errors![0]!.msg).toMatch(/SyntaxError/);
    get().tenant.actions.failBuilds([{ id: 'npm_install', msg: 'could not install left-pad@0.0.0' }]);
    const failing = await m.actions.create({ name: 'failing', supported_triggers: POST_LOGIN, code: CODE });
    expect((await m.actions.versions.get(failing.id!, 'draft')).errors).toEqual([{ id: 'npm_install', msg: 'could not install left-pad@0.0.0' }]);
    await expect(m.actions.deploy(failing.id!)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('answers secrets by name only, and a PATCH with secrets replaces the whole set', async () => {
    const m = admin();
    const created = await m.actions.create({
      name: 's',
      supported_triggers: POST_LOGIN,
      code: CODE,
      secrets: [
        { name: 'A', value: 'alpha-value' },
        { name: 'B', value: 'beta-value' },
      ],
    });
    expect(JSON.stringify(created)).not.toMatch(/alpha-value|beta-value/);
    expect(created.secrets!.map((s) => Object.keys(s).sort())).toEqual([
      ['name', 'updated_at'],
      ['name', 'updated_at'],
    ]);
    const updated = await m.actions.update(created.id!, { secrets: [{ name: 'C', value: 'gamma' }] });
    expect(updated.secrets!.map((s) => s.name)).toEqual(['C']);
    expect((await m.actions.update(created.id!, { code: CODE })).secrets!.map((s) => s.name)).toEqual(['C']);
    await m.actions.deploy(created.id!);
    expect(get().tenant.actions.boundActions('post-login')).toEqual([]);
  });

  it('finds an Action by exact name and trigger, and keeps names unique', async () => {
    const m = admin();
    await m.actions.create({ name: 'auto-link', supported_triggers: POST_LOGIN, code: CODE });
    await m.actions.create({ name: 'auto-link-2', supported_triggers: [{ id: 'post-user-registration', version: 'v2' }], code: CODE });
    expect((await m.actions.list({ actionName: 'auto-link' })).data.map((a) => a.name)).toEqual(['auto-link']);
    expect((await m.actions.list({ triggerId: 'post-login' })).data.map((a) => a.name)).toEqual(['auto-link']);
    await expect(m.actions.create({ name: 'auto-link', supported_triggers: POST_LOGIN, code: CODE })).rejects.toMatchObject({ statusCode: 409 });
  });

  it('rolls back by deploying a copy of an earlier version as a new version, leaving the draft alone', async () => {
    const m = admin();
    const id = await deployed(m, 'r', `${CODE}\n// one`);
    await m.actions.update(id, { code: `${CODE}\n// two` });
    await m.actions.deploy(id);
    const versions = [];
    for await (const v of await m.actions.versions.list(id, { per_page: 50 })) versions.push(v);
    expect(versions.map((v) => [v.number, v.deployed])).toEqual([
      [2, true],
      [1, false],
    ]);
    const copy = await m.actions.versions.deploy(id, versions[1]!.id!);
    expect(copy).toMatchObject({ number: 3, deployed: true, code: `${CODE}\n// one` });
    expect(await m.actions.get(id)).toMatchObject({ code: `${CODE}\n// two`, all_changes_deployed: false });
  });
});

describe('post-login bindings', () => {
  it('replaces the whole list in the order given, by action_id or action_name, keeping binding ids', async () => {
    const m = admin();
    const a = await deployed(m, 'a');
    await deployed(m, 'b');
    const first = await m.actions.triggers.bindings.updateMany('post-login', {
      bindings: [
        { ref: { type: 'action_id', value: a }, display_name: 'A' },
        { ref: { type: 'action_name', value: 'b' }, display_name: 'B' },
      ],
    });
    expect(first.bindings!.map((b) => [b.display_name, b.action!.name, b.trigger_id])).toEqual([
      ['A', 'a', 'post-login'],
      ['B', 'b', 'post-login'],
    ]);
    const second = await m.actions.triggers.bindings.updateMany('post-login', { bindings: [{ ref: { type: 'action_name', value: 'b' } }] });
    expect(second.bindings!.map((b) => [b.id, b.display_name])).toEqual([[first.bindings![1]!.id, 'B']]);
    expect(await boundNames(m)).toEqual(['b']);
  });

  it('refuses an Action that was never deployed, an unknown one, and the same Action twice', async () => {
    const m = admin();
    const draft = await m.actions.create({ name: 'draft', supported_triggers: POST_LOGIN, code: CODE });
    await expect(m.actions.triggers.bindings.updateMany('post-login', { bindings: [{ ref: { type: 'action_id', value: draft.id! } }] })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(m.actions.triggers.bindings.updateMany('post-login', { bindings: [{ ref: { type: 'action_name', value: 'nope' } }] })).rejects.toMatchObject({
      statusCode: 404,
    });
    await deployed(m, 'x');
    const twice = { bindings: [{ ref: { type: 'action_name' as const, value: 'x' } }, { ref: { type: 'action_name' as const, value: 'x' } }] };
    await expect(m.actions.triggers.bindings.updateMany('post-login', twice)).rejects.toMatchObject({ statusCode: 400 });
    expect(await boundNames(m)).toEqual([]);
  });

  it('gives the runtime the deployed versions in binding order with their secret values', async () => {
    const m = admin();
    const created = await m.actions.create({ name: 'z', supported_triggers: POST_LOGIN, code: CODE, secrets: [{ name: 'K', value: 'v1' }] });
    await m.actions.deploy(created.id!);
    await m.actions.update(created.id!, { secrets: [{ name: 'K', value: 'v2' }] });
    await deployed(m, 'y');
    await m.actions.triggers.bindings.updateMany('post-login', {
      bindings: [{ ref: { type: 'action_name', value: 'y' } }, { ref: { type: 'action_name', value: 'z' } }],
    });
    const bound = get().tenant.actions.boundActions('post-login');
    expect(bound.map((b) => [b.name, b.versionNumber, b.secrets])).toEqual([
      ['y', 1, {}],
      ['z', 1, { K: 'v1' }],
    ]);
  });
});

describe('scopes', () => {
  it('needs read:actions to read, create:actions to create and deploy, update:actions to update and bind', async () => {
    const { tenant } = get();
    await deployed(admin(), 'existing');
    const reader = managementClient(tenant, tenant.state.addClient({ name: 'reader', scopes: ['read:actions'] }));
    expect((await reader.actions.list({})).data.map((a) => [a.name, a.supported_triggers?.[0]?.id])).toEqual([['existing', 'post-login']]);
    await expect(reader.actions.create({ name: 'n', supported_triggers: POST_LOGIN })).rejects.toMatchObject({
      statusCode: 403,
      body: { message: 'Insufficient scope, expected any of: create:actions' },
    });
    await expect(reader.actions.triggers.bindings.updateMany('post-login', { bindings: [] })).rejects.toMatchObject({
      statusCode: 403,
      body: { message: 'Insufficient scope, expected any of: update:actions' },
    });
  });
});

describe('applications and grants', () => {
  it('creates an M2M application whose grant lets it get a token with exactly the granted scopes', async () => {
    const m = admin();
    const { tenant } = get();
    const app = await m.clients.create({ name: 'the Action', app_type: 'non_interactive' });
    expect(app).toMatchObject({ name: 'the Action', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    const appClient = tenant.state.client(app.client_id!)!;
    await expect(managementClient(tenant, appClient).users.list({})).rejects.toMatchObject({ statusCode: 403 });
    const grant = await m.clientGrants.create({ client_id: app.client_id!, audience: tenant.audience, scope: ['read:users', 'update:users'] });
    expect(grant).toMatchObject({ client_id: app.client_id, audience: tenant.audience, scope: ['read:users', 'update:users'] });
    const user = tenant.state.createUser({ connection: DATABASE, email: 'granted@x.io', email_verified: true });
    expect((await managementClient(tenant, appClient).users.list({})).data.map((u) => u.user_id)).toEqual([user.user_id]);
    await expect(managementClient(tenant, appClient).actions.list({})).rejects.toMatchObject({ statusCode: 403 });
    expect((await m.clientGrants.list({ client_id: app.client_id! })).data.map((g) => g.id)).toEqual([grant.id]);
    await expect(m.clientGrants.create({ client_id: app.client_id!, audience: tenant.audience, scope: ['read:users'] })).rejects.toMatchObject({
      statusCode: 409,
    });
  });

  it('shows a client secret only on create and to read:client_keys', async () => {
    const m = admin();
    const { tenant } = get();
    const app = await m.clients.create({ name: 'keys' });
    expect(typeof app.client_secret).toBe('string');
    const listed = (await m.clients.list({ per_page: 50 })).data.find((c) => c.client_id === app.client_id)!;
    expect(listed.client_secret).toBeUndefined();
    const keyReader = managementClient(tenant, tenant.state.addClient({ name: 'key reader', scopes: ['read:client_keys'] }));
    expect((await keyReader.clients.get(app.client_id!)).client_secret).toBe(app.client_secret);
    expect(await keyReader.clients.get(app.client_id!, { fields: 'client_secret', include_fields: true })).toEqual({ client_secret: app.client_secret });
    const clientReader = managementClient(tenant, tenant.state.addClient({ name: 'client reader', scopes: ['read:clients'] }));
    expect(await clientReader.clients.get(app.client_id!, { fields: 'client_secret', include_fields: true })).toEqual({});
  });

  it("keeps a web application's login settings on the client /authorize reads; a PATCH sets the fields it names and needs update:clients", async () => {
    const m = admin();
    const { tenant } = get();
    const app = await m.clients.create({ name: 'web', app_type: 'regular_web', callbacks: ['https://a.example/cb'], grant_types: ['authorization_code'] });
    // No token_endpoint_auth_method in the answer when none was set, as on Auth0; the secret is still required to sign in.
    expect(app).toMatchObject({ app_type: 'regular_web', callbacks: ['https://a.example/cb'] });
    expect(app).not.toHaveProperty('token_endpoint_auth_method');
    await expect(m.clients.update(app.client_id!, { callbacks: ['x'] })).rejects.toMatchObject({ statusCode: 403 });
    const updater = managementClient(tenant, tenant.state.addClient({ name: 'updater', scopes: ['update:clients'] }));
    const patched = await updater.clients.update(app.client_id!, {
      callbacks: ['https://a.example/cb', 'https://b.example/cb'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(patched).toMatchObject({
      callbacks: ['https://a.example/cb', 'https://b.example/cb'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(patched.client_secret).toBeUndefined();
    expect(tenant.state.client(app.client_id!)).toMatchObject({
      callbacks: ['https://a.example/cb', 'https://b.example/cb'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    await expect(updater.clients.update(app.client_id!, { grant_types: 'authorization_code' as unknown as string[] })).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});

describe('logins through the post-login flow', () => {
  const claim = (tag: string): string =>
    `let runs = 0;\nexports.onExecutePostLogin = async (event, api) => { runs += 1; api.idToken.setCustomClaim('${tag}', [event.secrets.K, runs]); };`;

  it('runs the deployed versions of the bound Actions in binding order with their secrets, on warm instances', async () => {
    const m = admin();
    const { tenant } = get();
    const user = tenant.state.createUser({ connection: DATABASE, email: 'u@x.io', email_verified: true });
    const runtime = createActionsRuntime({ state: tenant.state, timeoutMs: 2000 });
    const none = await loginThroughFlow(tenant.actions, runtime, { userId: user.user_id });
    expect(none).toMatchObject({ outcome: 'success', subject: user.user_id, steps: [], httpCalls: [] });

    const first = await m.actions.create({ name: 'first', supported_triggers: POST_LOGIN, code: claim('first'), secrets: [{ name: 'K', value: 'one' }] });
    await m.actions.deploy(first.id!);
    const second = await m.actions.create({ name: 'second', supported_triggers: POST_LOGIN, code: claim('second'), secrets: [{ name: 'K', value: 'two' }] });
    await m.actions.deploy(second.id!);
    await m.actions.update(second.id!, { code: 'exports.onExecutePostLogin = async () => { throw new Error("draft only"); };' });
    await m.actions.triggers.bindings.updateMany('post-login', {
      bindings: [{ ref: { type: 'action_name', value: 'second' } }, { ref: { type: 'action_name', value: 'first' } }],
    });

    const login = async () => loginThroughFlow(tenant.actions, runtime, { userId: user.user_id });
    const a = await login();
    const b = await login();
    for (const [result, runs] of [
      [a, 1],
      [b, 2],
    ] as const) {
      expect(result.outcome === 'success' && result.idTokenClaims).toEqual({ second: ['two', runs], first: ['one', runs] });
      expect(result.steps.map((s) => [s.action, s.version])).toEqual([
        ['second', 1],
        ['first', 1],
      ]);
    }
  });

  it('stops at the first Action that fails the login', async () => {
    const m = admin();
    const { tenant } = get();
    const user = tenant.state.createUser({ connection: DATABASE, email: 'v@x.io', email_verified: true });
    await deployed(m, 'deny', 'exports.onExecutePostLogin = async (event, api) => { api.access.deny("no"); };');
    await deployed(m, 'after');
    await m.actions.triggers.bindings.updateMany('post-login', {
      bindings: [{ ref: { type: 'action_name', value: 'deny' } }, { ref: { type: 'action_name', value: 'after' } }],
    });
    const result = await loginThroughFlow(tenant.actions, createActionsRuntime({ state: tenant.state, timeoutMs: 2000 }), { userId: user.user_id });
    expect(result).toMatchObject({ outcome: 'failure', reason: 'denied: no', failedAction: 'deny' });
    expect(result.steps.map((s) => s.action)).toEqual(['deny']);
  });

  /** Binds `actions` (name → code, secret P = `primary`) to post-login in this order. */
  async function bindFlow(actions: Record<string, string>, primary = ''): Promise<void> {
    const m = admin();
    for (const [name, code] of Object.entries(actions)) {
      const made = await m.actions.create({ name, supported_triggers: POST_LOGIN, code, secrets: [{ name: 'P', value: primary }] });
      await m.actions.deploy(made.id!);
    }
    await m.actions.triggers.bindings.updateMany('post-login', {
      bindings: Object.keys(actions).map((value) => ({ ref: { type: 'action_name' as const, value } })),
    });
  }

  it('runs the bound Actions as one transaction: later Actions see the metadata earlier ones set, written once at the end', async () => {
    const { tenant } = get();
    const user = tenant.state.createUser({ connection: DATABASE, email: 'w@x.io', email_verified: true, app_metadata: { kept: true } });
    await bindFlow({
      first:
        'exports.onExecutePostLogin = async (event, api) => { api.user.setAppMetadata("from_first", 1); api.idToken.setCustomClaim("tx_first", event.transaction.id); };',
      second: `exports.onExecutePostLogin = async (event, api) => {
        const stored = await (await fetch("https://tenant.local/stored")).json();
        api.idToken.setCustomClaim("seen", event.user.app_metadata);
        api.idToken.setCustomClaim("stored", stored);
        api.idToken.setCustomClaim("tx_second", event.transaction.id);
        api.idToken.setCustomClaim("count", event.stats.logins_count);
        api.user.setAppMetadata("from_second", 2);
      };`,
    });
    // What the tenant holds while the second Action runs, as a Management API read would show it.
    const fetch = async () => Response.json(tenant.state.getUser(user.user_id)!.app_metadata);
    const result = await loginThroughFlow(tenant.actions, createActionsRuntime({ state: tenant.state, timeoutMs: 2000, fetch }), { userId: user.user_id });
    if (result.outcome !== 'success') throw new Error(result.reason);
    const claims = result.idTokenClaims;
    expect(claims.seen).toEqual({ kept: true, from_first: 1 });
    expect(claims.stored).toEqual({ kept: true });
    expect(claims.tx_second).toBe(claims.tx_first);
    expect(claims.count).toBe(1);
    expect(result.appMetadataApplied).toEqual({ from_first: 1, from_second: 2 });
    expect(tenant.state.getUser(user.user_id)).toMatchObject({ logins_count: 1, app_metadata: { kept: true, from_first: 1, from_second: 2 } });
  });

  it('checks setPrimaryUser once, after the last Action; only the calling Action loses its metadata, later ones write to the new primary', async () => {
    const { tenant } = get();
    const primary = tenant.state.createUser({ connection: DATABASE, email: 'p@x.io', email_verified: true });
    const google = tenant.state.createUser({ connection: 'google-oauth2', email: 'p@x.io', email_verified: true });
    const identity = { provider: 'google-oauth2', user_id: google.identities[0]!.user_id };
    await bindFlow(
      {
        switcher:
          'exports.onExecutePostLogin = async (event, api) => { api.user.setAppMetadata("lost", 1); api.authentication.setPrimaryUser(event.secrets.P); api.user.setUserMetadata("lost_after", 1); };',
        linker: 'exports.onExecutePostLogin = async (event, api) => { await fetch("https://tenant.local/link"); api.user.setAppMetadata("kept", 2); };',
      },
      primary.user_id,
    );
    const fetch = async () => {
      tenant.state.link(primary.user_id, identity);
      return new Response(null, { status: 201 });
    };
    const result = await loginThroughFlow(tenant.actions, createActionsRuntime({ state: tenant.state, timeoutMs: 2000, fetch }), { identity });
    expect(result).toMatchObject({ outcome: 'success', subject: primary.user_id, appMetadataApplied: { kept: 2 }, userMetadataApplied: undefined });
    expect(result.steps.map((s) => s.action)).toEqual(['switcher', 'linker']);
    expect(tenant.state.getUser(primary.user_id)).toMatchObject({ app_metadata: { kept: 2 }, user_metadata: {} });
  });

  it('refuses a second setPrimaryUser in a later Action of the same flow', async () => {
    const { tenant } = get();
    const primary = tenant.state.createUser({ connection: DATABASE, email: 'q@x.io', email_verified: true });
    const google = tenant.state.createUser({ connection: 'google-oauth2', email: 'q@x.io', email_verified: true });
    const identity = { provider: 'google-oauth2', user_id: google.identities[0]!.user_id };
    tenant.state.link(primary.user_id, identity);
    const switcher = 'exports.onExecutePostLogin = async (event, api) => { api.authentication.setPrimaryUser(event.secrets.P); };';
    await bindFlow({ one: switcher, two: switcher }, primary.user_id);
    const result = await loginThroughFlow(tenant.actions, createActionsRuntime({ state: tenant.state, timeoutMs: 2000 }), { identity });
    expect(result).toMatchObject({
      outcome: 'failure',
      kind: 'error',
      failedAction: 'two',
      reason: 'error: api.authentication.setPrimaryUser can be called once per transaction',
    });
  });
});
