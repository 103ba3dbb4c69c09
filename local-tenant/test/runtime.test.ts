// The local Actions runtime runs post-login Action code as Auth0 does: module state, login outcomes, linking, metadata timing, logs, require.
import { describe, expect, it } from 'vitest';
import { DATABASE_CONNECTION as DB } from '../connection-names.ts';
import { TenantState } from '../state.ts';
import { createActionsRuntime, type ActionsRuntimeOptions, type LoginResult } from '../runtime/index.ts';

function tenant() {
  const state = new TenantState({ domain: 'acme.local' });
  state.addConnection({ name: DB, strategy: 'auth0' });
  state.addConnection({ name: 'google-oauth2', strategy: 'google-oauth2' });
  const ann = state.createUser({ connection: DB, email: 'ann@x.io', email_verified: true, app_metadata: { plan: 'pro', keep: 1 } });
  const google = state.createUser({ connection: 'google-oauth2', email: 'ann@x.io', email_verified: true });
  return { state, ann, google, googleIdentity: { provider: 'google-oauth2', user_id: google.identities[0]!.user_id } };
}

function runtime(state: TenantState, options: Partial<ActionsRuntimeOptions> = {}) {
  return createActionsRuntime({ state, timeoutMs: 1_000, ...options });
}

/** An Action whose handler body is `body`. */
function action(body: string, moduleLevel = ''): string {
  return `${moduleLevel}\nexports.onExecutePostLogin = async (event, api) => {\n${body}\n};`;
}

function failure(result: LoginResult) {
  if (result.outcome !== 'failure') throw new Error(`expected a failure, got success as ${result.subject}`);
  return result;
}

function success(result: LoginResult) {
  if (result.outcome !== 'success') throw new Error(`expected a success, got ${result.reason}`);
  return result;
}

describe('loading Action code', () => {
  it('runs module-level code once per instance, keeps its state across logins, and starts afresh in a new instance', async () => {
    const { state, ann } = tenant();
    const code = action('count += 1; api.idToken.setCustomClaim("count", count);', 'let count = 0; console.log("init");');
    const first = runtime(state).load(code);
    const a = success(await first.login({ userId: ann.user_id }));
    const b = success(await first.login({ userId: ann.user_id }));
    expect([a.idTokenClaims.count, b.idTokenClaims.count]).toEqual([1, 2]);
    expect(a.logs).toEqual(['init']);
    expect(b.logs).toEqual([]);
    const cold = first.newInstance();
    const c = success(await cold.login({ userId: ann.user_id }));
    expect(c.idTokenClaims.count).toBe(1);
    expect(c.logs).toEqual(['init']);
  });

  it('lets the Action require Node built-ins and declared dependencies only', async () => {
    const { state, ann } = tenant();
    const rt = runtime(state);
    const builtins = success(
      await rt
        .load(action('api.idToken.setCustomClaim("n", require("node:crypto").randomBytes(4).length + require("util").format("%d", 1).length);'))
        .login({ userId: ann.user_id }),
    );
    expect(builtins.idTokenClaims.n).toBe(5);
    const undeclared = failure(await rt.load(action('require("fast-check");')).login({ userId: ann.user_id }));
    expect(undeclared.kind).toBe('error');
    expect(undeclared.reason).toMatch(/^error: Cannot find module 'fast-check'/);
    const relative = failure(await rt.load(action('require("./helper");')).login({ userId: ann.user_id }));
    expect(relative.reason).toMatch(/^error: Cannot find module '\.\/helper'/);
    const declared = rt.load(action('api.idToken.setCustomClaim("t", typeof require("fast-check").integer);'), {
      dependencies: [{ name: 'fast-check', version: '4.11.0' }],
    });
    expect(success(await declared.login({ userId: ann.user_id })).idTokenClaims.t).toBe('function');
  });

  it('refuses code that does not compile, and fails logins of a handler that is not async', async () => {
    const { state, ann } = tenant();
    const rt = runtime(state);
    expect(() => rt.load('exports.onExecutePostLogin = async (event, api) => {', { name: 'broken' })).toThrow(/Action broken does not compile/);
    const sync = failure(await rt.load('exports.onExecutePostLogin = function (event, api) {};').login({ userId: ann.user_id }));
    expect(sync.reason).toMatch(/^error: Invalid function signature for the "onExecutePostLogin" handler/);
  });

  it('fails every login of an instance whose module-level code threw', async () => {
    const { state, ann } = tenant();
    const broken = runtime(state).load(action('', 'if (!globalThis.__never) throw new Error("boot failed");'));
    expect(failure(await broken.login({ userId: ann.user_id })).reason).toBe('error: boot failed');
    expect(failure(await broken.login({ userId: ann.user_id })).reason).toBe('error: boot failed');
  });

  it('checks secrets against Auth0 limits without showing their values', () => {
    const { state } = tenant();
    const rt = runtime(state);
    const tooMany = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`S${i}`, 'v']));
    expect(() => rt.load(action(''), { secrets: tooMany })).toThrow(/31 secrets, Auth0 allows at most 30/);
    let message = '';
    try {
      rt.load(action(''), { secrets: { TOKEN: `hunter2${'x'.repeat(4096)}` } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/secret TOKEN is longer than 4096/);
    expect(message).not.toContain('hunter2');
  });
});

describe('the event', () => {
  it("describes the user owning the login identity, the identity's connection, and the request", async () => {
    const { state, ann, googleIdentity } = tenant();
    state.link(ann.user_id, googleIdentity);
    state.addClient({ client_id: 'spa', name: 'Storefront', scopes: [] });
    const seen = runtime(state).load(action('api.idToken.setCustomClaim("event", event);'), { secrets: { API_KEY: 'k' } });
    const result = success(await seen.login({ identity: googleIdentity, clientId: 'spa', ip: '203.0.113.9', roles: ['admin'] }));
    const event = result.idTokenClaims.event as Record<string, any>;
    expect(result.eventUserId).toBe(ann.user_id);
    expect(result.subject).toBe(ann.user_id);
    expect(event.user.user_id).toBe(ann.user_id);
    expect(event.user.identities.map((i: { provider: string }) => i.provider)).toEqual(['auth0', 'google-oauth2']);
    expect(event.connection).toEqual({ id: state.connection('google-oauth2')!.id, name: 'google-oauth2', strategy: 'google-oauth2', metadata: {} });
    expect(event.secrets).toEqual({ API_KEY: 'k' });
    expect(event.stats.logins_count).toBe(1);
    expect(event.transaction.protocol).toBe('oidc-basic-profile');
    expect(event.request.ip).toBe('203.0.113.9');
    expect(event.tenant.id).toBe('acme');
    expect(event.client).toMatchObject({ client_id: 'spa', name: 'Storefront' });
    expect(event.authorization.roles).toEqual(['admin']);
  });

  it('gives a copy of the user with both metadata objects present', async () => {
    const { state, ann } = tenant();
    const bare = state.createUser({ connection: DB, email: 'bare@x.io' });
    delete bare.app_metadata;
    const rt = runtime(state).load(
      action(
        'event.user.app_metadata.plan = "hacked"; event.user.identities.pop(); api.idToken.setCustomClaim("meta", [event.user.app_metadata, event.user.user_metadata]);',
      ),
    );
    expect(success(await rt.login({ userId: bare.user_id })).idTokenClaims.meta).toEqual([{ plan: 'hacked' }, {}]);
    await rt.login({ userId: ann.user_id });
    expect(state.getUser(ann.user_id)).toMatchObject({ app_metadata: { plan: 'pro' }, identities: [{ provider: 'auth0' }] });
  });

  it('counts logins but not refresh-token exchanges, which it marks by protocol', async () => {
    const { state, ann } = tenant();
    const rt = runtime(state).load(action('api.idToken.setCustomClaim("seen", [event.stats.logins_count, event.transaction.protocol]);'));
    expect(success(await rt.login({ userId: ann.user_id })).idTokenClaims.seen).toEqual([1, 'oidc-basic-profile']);
    expect(success(await rt.login({ userId: ann.user_id })).idTokenClaims.seen).toEqual([2, 'oidc-basic-profile']);
    expect(success(await rt.login({ userId: ann.user_id, protocol: 'oauth2-refresh-token' })).idTokenClaims.seen).toEqual([2, 'oauth2-refresh-token']);
    expect(state.getUser(ann.user_id)!.logins_count).toBe(2);
  });

  it('rejects a login the tenant cannot serve with a message saying what to pass', async () => {
    const { state, ann, googleIdentity } = tenant();
    const rt = runtime(state).load(action(''));
    await expect(rt.login({ userId: 'auth0|nobody' })).rejects.toThrow(/auth0\|nobody does not exist/);
    await expect(rt.login({ identity: { provider: 'github', user_id: '1' } })).rejects.toThrow(/no user has the identity github\|1/);
    await expect(rt.login({ userId: ann.user_id, identity: googleIdentity })).rejects.toThrow(/belongs to google-oauth2\|/);
  });
});

describe('login outcomes', () => {
  it('fails on an uncaught error, with its message', async () => {
    const { state, ann } = tenant();
    const result = failure(await runtime(state).load(action('throw new Error("boom");')).login({ userId: ann.user_id }));
    expect(result).toMatchObject({ kind: 'error', reason: 'error: boom' });
  });

  it('fails on deny, and still writes the metadata the Action set, as Auth0 documents', async () => {
    const { state, ann } = tenant();
    const result = failure(
      await runtime(state).load(action('api.user.setAppMetadata("flag", true); api.access.deny("not today");')).login({ userId: ann.user_id }),
    );
    expect(result).toMatchObject({ kind: 'denied', reason: 'denied: not today', appMetadataApplied: { flag: true } });
    expect(state.getUser(ann.user_id)!.app_metadata).toMatchObject({ flag: true });
  });

  it('fails an Action that runs past the time limit, and ignores what it does afterwards', async () => {
    const { state, ann } = tenant();
    const g = globalThis as { releaseSlowAction?: () => void };
    const rt = runtime(state, { timeoutMs: 20 });
    const slow = rt.load(
      action(
        'await new Promise((resolve) => { globalThis.releaseSlowAction = resolve; }); api.cache.set("late", "v"); api.user.setAppMetadata("late", true); console.log("late");',
      ),
    );
    const result = failure(await slow.login({ userId: ann.user_id }));
    expect(result).toMatchObject({ kind: 'timeout', reason: 'timeout', logs: [] });
    g.releaseSlowAction!();
    await new Promise((resolve) => setImmediate(resolve));
    delete g.releaseSlowAction;
    expect(state.getUser(ann.user_id)!.app_metadata).not.toHaveProperty('late');
    expect(rt.cache.get('late')).toBeUndefined();
  });

  it('applies setAppMetadata and setUserMetadata once, at the end, as a top-level merge where null removes a key', async () => {
    const { state, ann } = tenant();
    // The fetch reads the tenant mid-execution, as a Management API call would.
    const fetch = async () => Response.json(state.getUser(ann.user_id)!.app_metadata);
    const code = action(`
      api.user.setAppMetadata("plan", { tier: "gold" });
      api.user.setAppMetadata("keep", null);
      api.user.setUserMetadata("theme", "dark");
      const during = await (await fetch("https://acme.local/api/v2/users/x")).json();
      api.idToken.setCustomClaim("during", during);`);
    const result = success(await runtime(state, { fetch }).load(code).login({ userId: ann.user_id }));
    expect(result.idTokenClaims.during).toEqual({ plan: 'pro', keep: 1 });
    expect(result.appMetadataApplied).toEqual({ plan: { tier: 'gold' }, keep: null });
    expect(state.getUser(ann.user_id)).toMatchObject({ app_metadata: { plan: { tier: 'gold' } }, user_metadata: { theme: 'dark' } });
    expect(state.getUser(ann.user_id)!.app_metadata).not.toHaveProperty('keep');
  });
});

describe('several Actions as one flow', () => {
  it('lets a later Action drop, with undefined, a metadata key an earlier one set, so that it is never written', async () => {
    const { state, ann } = tenant();
    const rt = runtime(state);
    const first = rt.load(action('api.user.setAppMetadata("transient", "for the next Action"); api.user.setAppMetadata("stays", 1);'), { name: 'first' });
    const second = rt.load(action('api.idToken.setCustomClaim("read", event.user.app_metadata.transient); api.user.setAppMetadata("transient", undefined);'), {
      name: 'second',
    });
    const result = success(await rt.loginThrough([first, second], { userId: ann.user_id }));
    expect(result.idTokenClaims.read).toBe('for the next Action');
    expect(result.appMetadataApplied).toEqual({ stays: 1 });
    expect(state.getUser(ann.user_id)!.app_metadata).toEqual({ plan: 'pro', keep: 1, stays: 1 });
  });

  it('runs only Actions loaded by the same runtime', async () => {
    const { state, ann } = tenant();
    const other = runtime(state).load(action(''), { name: 'elsewhere' });
    await expect(runtime(state).loginThrough([other], { userId: ann.user_id })).rejects.toThrow('the Action elsewhere was loaded by another runtime');
  });
});

describe('setPrimaryUser', () => {
  const linkThenSwitch = action(`
    api.user.setAppMetadata("lost", true);
    api.user.setUserMetadata("lost", true);
    api.authentication.setPrimaryUser(event.secrets.PRIMARY);`);

  it('switches the subject to a primary that holds the login identity as a secondary, discarding the metadata set', async () => {
    const { state, ann, googleIdentity } = tenant();
    state.link(ann.user_id, googleIdentity);
    const result = success(
      await runtime(state)
        .load(linkThenSwitch, { secrets: { PRIMARY: ann.user_id } })
        .login({ identity: googleIdentity }),
    );
    expect(result.subject).toBe(ann.user_id);
    expect(result.appMetadataApplied).toBeUndefined();
    expect(state.getUser(ann.user_id)!.app_metadata).not.toHaveProperty('lost');
    expect(state.getUser(ann.user_id)!.user_metadata).not.toHaveProperty('lost');
  });

  it('checks the tenant as it is when the Action ends: a link made during the Action counts', async () => {
    const { state, ann, google, googleIdentity } = tenant();
    const fetch = async () => {
      state.link(ann.user_id, googleIdentity);
      return new Response(null, { status: 201 });
    };
    const code = action(
      'await fetch("https://acme.local/api/v2/users/p/identities", { method: "post" }); api.authentication.setPrimaryUser(event.secrets.PRIMARY);',
    );
    const result = success(
      await runtime(state, { fetch })
        .load(code, { secrets: { PRIMARY: ann.user_id } })
        .login({ userId: google.user_id }),
    );
    expect(result).toMatchObject({
      eventUserId: google.user_id,
      subject: ann.user_id,
      httpCalls: [{ method: 'POST', url: 'https://acme.local/api/v2/users/p/identities' }],
    });
  });

  it('fails when the login identity is not a secondary identity of the named user', async () => {
    const { state, ann, google, googleIdentity } = tenant();
    const notLinked = failure(
      await runtime(state)
        .load(linkThenSwitch, { secrets: { PRIMARY: ann.user_id } })
        .login({ identity: googleIdentity }),
    );
    expect(notLinked).toMatchObject({ kind: 'setPrimaryUser', reason: `setPrimaryUser: identity not among secondaries of ${ann.user_id}` });
    const itself = failure(
      await runtime(state)
        .load(linkThenSwitch, { secrets: { PRIMARY: google.user_id } })
        .login({ identity: googleIdentity }),
    );
    expect(itself.reason).toBe(`setPrimaryUser: identity not among secondaries of ${google.user_id}`);
    expect(state.getUser(ann.user_id)!.app_metadata).not.toHaveProperty('lost');
  });

  it('can be called once per transaction', async () => {
    const { state, ann, googleIdentity } = tenant();
    state.link(ann.user_id, googleIdentity);
    const twice = action('api.authentication.setPrimaryUser(event.secrets.PRIMARY); api.authentication.setPrimaryUser(event.secrets.PRIMARY);');
    const result = failure(
      await runtime(state)
        .load(twice, { secrets: { PRIMARY: ann.user_id } })
        .login({ identity: googleIdentity }),
    );
    expect(result).toMatchObject({ kind: 'error', reason: 'error: api.authentication.setPrimaryUser can be called once per transaction' });
  });

  it('without it, a login whose user the Action linked away under another primary fails', async () => {
    const { state, ann, google, googleIdentity } = tenant();
    const fetch = async () => {
      state.link(ann.user_id, googleIdentity);
      return new Response(null, { status: 201 });
    };
    const result = failure(await runtime(state, { fetch }).load(action('await fetch("https://acme.local/link");')).login({ userId: google.user_id }));
    expect(result.kind).toBe('userGone');
    expect(result.reason).toContain(`${google.user_id} no longer exists (its identity is now under ${ann.user_id})`);
  });
});

describe('what an execution records', () => {
  it('keeps 256 characters of console output per execution, not per line, one entry a line', async () => {
    const { state, ann } = tenant();
    const loaded = runtime(state).load(
      action('console.error("two\\nlines"); console.info("%s=%d", "n", 3); console.log("x".repeat(300)); console.log("gone");'),
    );
    const result = success(await loaded.login({ userId: ann.user_id }));
    expect(result.logs).toEqual(['two', 'lines', 'n=3', 'x'.repeat(256 - 11)]);
    expect(result.logs.join('').length).toBe(256);
    expect(result.logCharsDropped).toBe(300 - 245 + 4);
    // The budget is each execution's: the next login starts with all of it.
    expect(success(await loaded.login({ userId: ann.user_id })).logs[0]).toBe('two');
  });

  it('keeps the logs and HTTP calls of concurrent logins on one instance apart', async () => {
    const { state, ann, google } = tenant();
    // Each call waits for the other login's: both have started and called before either ends.
    let arrived = 0;
    let bothCalled!: () => void;
    const both = new Promise<void>((resolve) => (bothCalled = resolve));
    const fetch = async () => {
      if ((arrived += 1) === 2) bothCalled();
      await both;
      return new Response('ok');
    };
    const code = action(
      'console.log("start " + event.user.user_id); await fetch("https://acme.local/" + event.user.user_id); console.log("end " + event.user.user_id);',
    );
    const one = runtime(state, { fetch }).load(code);
    const [a, b] = await Promise.all([one.login({ userId: ann.user_id }), one.login({ userId: google.user_id })]);
    expect(a.logs).toEqual([`start ${ann.user_id}`, `end ${ann.user_id}`]);
    expect(b.logs).toEqual([`start ${google.user_id}`, `end ${google.user_id}`]);
    expect(a.httpCalls).toEqual([{ method: 'GET', url: `https://acme.local/${ann.user_id}` }]);
    expect(b.httpCalls).toEqual([{ method: 'GET', url: `https://acme.local/${google.user_id}` }]);
  });

  it('counts calls made through a fetch captured at module level too', async () => {
    const { state, ann } = tenant();
    const fetch = async () => new Response('ok');
    const code = action(
      'await get("https://acme.local/a"); await get(new URL("https://acme.local/b")); await get(new Request("https://acme.local/c", { method: "PATCH" }));',
      'const get = fetch;',
    );
    const result = success(await runtime(state, { fetch }).load(code).login({ userId: ann.user_id }));
    expect(result.httpCalls).toEqual([
      { method: 'GET', url: 'https://acme.local/a' },
      { method: 'GET', url: 'https://acme.local/b' },
      { method: 'PATCH', url: 'https://acme.local/c' },
    ]);
  });
});
