// Across a redirect: api.transaction.setMetadata is kept and its limits hold, api.cache may be gone, event.request is the
// /continue request for every later Action, and the time limit starts afresh.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DATABASE_CONNECTION as DB } from '../connection-names.ts';
import { TenantState } from '../state.ts';
import { createActionsRuntime, type ActionsRuntimeOptions, type FlowResult, type SuspendedFlow } from '../runtime/index.ts';

function setUp(options: Partial<ActionsRuntimeOptions> = {}) {
  const state = new TenantState({ domain: 'acme.local' });
  state.addConnection({ name: DB, strategy: 'auth0' });
  const ann = state.createUser({ connection: DB, email: 'ann@x.io', email_verified: true });
  const runtime = createActionsRuntime({ state, timeoutMs: 1_000, ...options });
  return { state, ann, runtime };
}

const INTERACTIVE = { canRedirect: true, protocol: 'oidc-basic-profile', ip: '10.0.0.1', userAgent: 'first-browser' } as const;
const CONTINUE = { method: 'POST', query: { state: 's' }, body: { answer: 'yes' }, ip: '10.0.0.2', userAgent: 'continue-request' };

function suspended(result: FlowResult | SuspendedFlow): SuspendedFlow {
  if (result.outcome !== 'redirect') throw new Error(`expected a redirect, got ${result.outcome}`);
  return result;
}

function succeeded(result: FlowResult | SuspendedFlow) {
  if (result.outcome !== 'success') throw new Error(`expected a success, got ${result.outcome === 'failure' ? result.reason : 'a redirect'}`);
  return result;
}

describe('api.transaction.setMetadata', () => {
  it('shows at once in event.transaction.metadata, reaches later Actions and onContinuePostLogin, and null removes a key', async () => {
    const { runtime, ann } = setUp();
    const first = runtime.load(
      `exports.onExecutePostLogin = async (event, api) => {
        api.transaction.setMetadata('offer', 'abc');
        api.transaction.setMetadata('n', 12);
        api.transaction.setMetadata('gone', true);
        api.idToken.setCustomClaim('seen_at_once', event.transaction.metadata.offer);
        api.redirect.sendUserTo('https://page.example/confirm');
      };
      exports.onContinuePostLogin = async (event, api) => {
        api.idToken.setCustomClaim('after_redirect', JSON.stringify(event.transaction.metadata));
        api.transaction.setMetadata('gone', null);
      };`,
      { name: 'first' },
    );
    const second = runtime.load(
      `exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('later_action', JSON.stringify(event.transaction.metadata)); };`,
      { name: 'second' },
    );
    const redirect = suspended(await runtime.startLogin([first, second], { ...INTERACTIVE, userId: ann.user_id }));
    const done = succeeded(await runtime.continueLogin(redirect, CONTINUE));
    expect(done.idTokenClaims).toEqual({
      seen_at_once: 'abc',
      after_redirect: JSON.stringify({ offer: 'abc', n: 12, gone: true }),
      later_action: JSON.stringify({ offer: 'abc', n: 12 }),
    });
  });

  it('throws past Auth0 limits: a key over 64 characters, a value over 8 KB or not a string/number/boolean, 16 KB in all', async () => {
    const { runtime, ann } = setUp();
    const attempt = async (call: string) => {
      const action = runtime.load(`exports.onExecutePostLogin = async (event, api) => { ${call} };`);
      const result = await action.login({ userId: ann.user_id });
      return result.outcome === 'failure' ? result.reason : 'ok';
    };
    expect(await attempt(`api.transaction.setMetadata('k'.repeat(64), 'v');`)).toBe('ok');
    expect(await attempt(`api.transaction.setMetadata('k'.repeat(65), 'v');`)).toMatch(/longer than 64 characters/);
    expect(await attempt(`api.transaction.setMetadata('k', 'v'.repeat(8 * 1024 + 1));`)).toMatch(/larger than 8192 bytes/);
    expect(await attempt(`api.transaction.setMetadata('k', { a: 1 });`)).toMatch(/string, a number or a boolean/);
    expect(await attempt(`api.transaction.setMetadata('k', 2 ** 60);`)).toMatch(/not a safe number/);
    expect(await attempt(`for (const k of ['a', 'b']) api.transaction.setMetadata(k, 'v'.repeat(8000));`)).toBe('ok');
    expect(await attempt(`for (const k of ['a', 'b', 'c']) api.transaction.setMetadata(k, 'v'.repeat(8000));`)).toMatch(/over the 16384 allowed/);
  });
});

describe('resuming at /continue', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives every Action after /continue the /continue request as event.request', async () => {
    const { runtime, ann } = setUp();
    const capture = (claim: string) =>
      `api.idToken.setCustomClaim('${claim}', { ip: event.request.ip, ua: event.request.user_agent, body: event.request.body });`;
    const first = runtime.load(
      `exports.onExecutePostLogin = async (event, api) => { api.redirect.sendUserTo('https://page.example/'); };
       exports.onContinuePostLogin = async (event, api) => { ${capture('continued')} };`,
      { name: 'first' },
    );
    const second = runtime.load(`exports.onExecutePostLogin = async (event, api) => { ${capture('later')} };`, { name: 'second' });
    const redirect = suspended(
      await runtime.startLogin([first, second], { ...INTERACTIVE, userId: ann.user_id, http: { method: 'GET', query: {}, body: { first: 1 } } }),
    );
    const done = succeeded(await runtime.continueLogin(redirect, CONTINUE));
    const fresh = { ip: '10.0.0.2', ua: 'continue-request', body: { answer: 'yes' } };
    expect(done.idTokenClaims).toEqual({ continued: fresh, later: fresh });
  });

  it('drops api.cache entries across the redirect when the tenant says so, and keeps transaction metadata either way', async () => {
    for (const drop of [false, true]) {
      const { runtime, ann } = setUp({ dropCacheOnResume: () => drop });
      const action = runtime.load(
        `exports.onExecutePostLogin = async (event, api) => {
          api.cache.set('offer', 'abc', { ttl: 60_000 });
          api.transaction.setMetadata('offer', 'abc');
          api.redirect.sendUserTo('https://page.example/');
        };
        exports.onContinuePostLogin = async (event, api) => {
          api.idToken.setCustomClaim('cache', api.cache.get('offer')?.value ?? null);
          api.idToken.setCustomClaim('metadata', event.transaction.metadata.offer);
        };`,
      );
      const done = succeeded(await runtime.continueLogin(suspended(await runtime.startLogin([action], { ...INTERACTIVE, userId: ann.user_id })), CONTINUE));
      expect(done.idTokenClaims).toEqual({ cache: drop ? null : 'abc', metadata: 'abc' });
    }
  });

  it('times the execution before the redirect and the one after it separately', async () => {
    // The test's clock: the runtime times executions with performance.now() and setTimeout, and the Action's code
    // (compiled in this context) waits with the same setTimeout.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { runtime, ann } = setUp({ timeoutMs: 150 });
    const action = runtime.load(
      `const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
       exports.onExecutePostLogin = async (event, api) => { await wait(90); api.redirect.sendUserTo('https://page.example/'); };
       exports.onContinuePostLogin = async (event, api) => { await wait(90); };`,
    );
    const started = runtime.startLogin([action], { ...INTERACTIVE, userId: ann.user_id });
    await vi.advanceTimersByTimeAsync(90);
    const redirect = suspended(await started);
    // 90 ms of 150 are used; were they counted after /continue too, the limit would fall 30 ms into the next 90.
    const resumed = runtime.continueLogin(redirect, CONTINUE);
    await vi.advanceTimersByTimeAsync(90);
    expect(succeeded(await resumed).subject).toBe(ann.user_id);
  });
});
