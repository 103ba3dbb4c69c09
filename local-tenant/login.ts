// A login on the local tenant: the deployed versions of the Actions bound to post-login run in binding order, with their secrets, as one flow of the runtime harness.
import type { ActionsStore } from './actions-store.ts';
import type { ActionsRuntime, FlowResult, LoadedAction, LoginRequest, StepReport, SuspendedFlow } from './runtime/index.ts';

/** A bound Action that ran, with its deployed version. */
export type FlowStep = StepReport & { version: number };

export type FlowLogin = FlowResult<FlowStep>;

/** Warm instances per runtime and deployed version: Auth0 reuses an instance across logins until a new version is deployed. */
const instances = new WeakMap<ActionsRuntime, Map<string, LoadedAction>>();

/**
 * Logs a user in through the post-login flow as it is deployed now, as one transaction (runtime.loginThrough): the login
 * stops at the first Action that fails it, as Auth0's does. With no Action bound the login succeeds as the identity's owner.
 */
export async function loginThroughFlow(actions: ActionsStore, runtime: ActionsRuntime, request: LoginRequest): Promise<FlowLogin> {
  const bound = actions.boundActions('post-login');
  const loaded = bound.map((b) => instanceOf(runtime, b.versionId, () => runtime.load(b.code, { name: b.name, secrets: b.secrets })));
  const result = await runtime.loginThrough(loaded, request);
  return { ...result, steps: result.steps.map((step, index) => ({ ...step, version: bound[index]!.versionNumber })) };
}

function instanceOf(runtime: ActionsRuntime, versionId: string, load: () => LoadedAction): LoadedAction {
  let loaded = instances.get(runtime);
  if (!loaded) {
    loaded = new Map();
    instances.set(runtime, loaded);
  }
  let instance = loaded.get(versionId);
  if (!instance) {
    instance = load();
    loaded.set(versionId, instance);
  }
  return instance;
}

/**
 * Starts a real login (the Authentication API's) through the post-login flow as it is deployed now: with `canRedirect`
 * an Action's api.redirect.sendUserTo suspends it, and continueLoginThroughFlow resumes it on /continue.
 */
export async function startLoginThroughFlow(actions: ActionsStore, runtime: ActionsRuntime, request: LoginRequest): Promise<FlowResult | SuspendedFlow> {
  const bound = actions.boundActions('post-login');
  const loaded = bound.map((b) => instanceOf(runtime, b.versionId, () => runtime.load(b.code, { name: b.name, secrets: b.secrets })));
  return runtime.startLogin(loaded, request);
}
