// The local Auth0 Actions runtime for post-login Actions: load Action code, log users in through it, read what happened.
// One runtime stands for one tenant's post-login trigger: its cache is shared by every Action and instance loaded here.
import type { TenantState } from '../state.ts';
import type { Fetch } from './context.ts';
import { EXECUTION_LIMIT_MS, SECRET_LIMITS } from '../../actions/auth0-limits.ts';
import { ActionsCache } from './cache.ts';
import type { LoginRequest } from './event.ts';
import { executeFlow, resumeFlow, startFlow, type ContinueRequest, type FlowAction, type FlowResult, type LoginResult, type SuspendedFlow } from './execute.ts';
import type { ActionDependency } from '../actions-store.ts';
import { CompiledAction } from './load.ts';

export type { ActionDependency } from '../actions-store.ts';
export type { LoginIdentity } from '../login-identity.ts';
export type { LoginRequest } from './event.ts';
export type {
  ContinueRequest,
  ExecutionReport,
  FailureKind,
  FlowResult,
  LoginFailure,
  LoginResult,
  LoginSuccess,
  StepReport,
  SuspendedFlow,
} from './execute.ts';
export type { HttpCall } from './context.ts';
export { ActionsCache } from './cache.ts';

export interface ActionsRuntimeOptions {
  state: TenantState;
  /**
   * The Action's global `fetch`. Default: `globalThis.fetch` as it is at each call (msw in-process intercepts it);
   * over loopback HTTP pass `routedFetch(domain, baseUrl)`. Calls are counted per login either way.
   */
  fetch?: Fetch;
  /** The clock for cache expiry and `last_login`. Default: the tenant's clock (`state.now()`). */
  now?: () => Date;
  /** The execution time limit. Default 20 s, Auth0's; tests lower it rather than wait. */
  timeoutMs?: number;
  /** The life of an `api.cache` entry set without ttl or expires_at: 15 min (older docs and types) by default, 24 h in the current API reference. */
  cacheDefaultTtlMs?: number;
  /**
   * Whether a flow resumed at /continue finds `api.cache` empty. Auth0's cache is "not guaranteed" for "a user returning from
   * a redirect action", whose later Actions may run "on a separate instance with a different cache state"
   * (customize/actions/limitations.mdx, "Cached data"). Asked at each resumption, so a tenant setting can change it; default
   * false (the cache kept), which Auth0 allows but does not promise: tests of anything that must survive a redirect turn it on.
   */
  dropCacheOnResume?: () => boolean;
}

export interface LoadOptions {
  /** Shown in compile errors and used as the module's file name. Default `action`. */
  name?: string;
  /** `event.secrets`. Auth0's limits apply: at most 30, names ≤ 128 characters, values ≤ 4096 characters. */
  secrets?: Record<string, string>;
  /** npm packages the Action may `require` besides Node built-ins, resolved from this project's node_modules. */
  dependencies?: ActionDependency[];
}

/** One loaded Action: one warm instance whose module state persists across its logins. */
export interface LoadedAction {
  readonly name: string;
  /** Logs a user in through this Action alone (a flow of one). Rejects only when the tenant has no such user or identity. */
  login(request: LoginRequest): Promise<LoginResult>;
  /** A cold instance of the same code: module-level code runs again, module state starts fresh; the cache is shared. */
  newInstance(): LoadedAction;
}

export interface ActionsRuntime {
  /** Compiles `code` (CommonJS JavaScript exporting `onExecutePostLogin`); throws when it does not compile. */
  load(code: string, options?: LoadOptions): LoadedAction;
  /**
   * Logs a user in through `actions` (loaded by this runtime) in order, as Auth0 runs the Actions bound to a trigger:
   * one transaction, one time limit, setPrimaryUser once, metadata written once at the end, and each Action seeing in
   * `event.user` the metadata earlier ones set. Rejects only when the tenant has no such user or identity, or an Action
   * was loaded by another runtime.
   */
  loginThrough(actions: readonly LoadedAction[], request: LoginRequest): Promise<FlowResult>;
  /** Like loginThrough, but an Action's api.redirect.sendUserTo suspends the flow when the request has `canRedirect`. */
  startLogin(actions: readonly LoadedAction[], request: LoginRequest): Promise<FlowResult | SuspendedFlow>;
  /** Resumes a suspended login (/continue): onContinuePostLogin of the Action that redirected, then the rest of the flow. */
  continueLogin(suspended: SuspendedFlow, http: ContinueRequest): Promise<FlowResult | SuspendedFlow>;
  /** The trigger's `api.cache`; `cache.clear()` simulates Auth0 evicting it. */
  readonly cache: ActionsCache;
}

export function createActionsRuntime(options: ActionsRuntimeOptions): ActionsRuntime {
  const { state } = options;
  const now = options.now ?? (() => state.now());
  const timeoutMs = options.timeoutMs ?? EXECUTION_LIMIT_MS;
  const fetch = (): Fetch => options.fetch ?? globalThis.fetch;
  const cache = new ActionsCache(() => now().getTime(), options.cacheDefaultTtlMs);

  const env = { state, cache, timeoutMs, now };
  /** What runs each LoadedAction this runtime made; a LoadedAction of another runtime is not in it. */
  const flowActions = new WeakMap<LoadedAction, FlowAction>();
  const flowActionOf = (action: LoadedAction): FlowAction => {
    const found = flowActions.get(action);
    if (!found) throw new Error(`the Action ${action.name} was loaded by another runtime: load it with this one`);
    return found;
  };

  const loaded = (compiled: CompiledAction, secrets: Readonly<Record<string, string>>): LoadedAction => {
    const flowAction: FlowAction = { name: compiled.name, instance: compiled.instance(fetch), secrets };
    const action: LoadedAction = {
      name: compiled.name,
      login: (request) => executeFlow([flowAction], request, env),
      newInstance: () => loaded(compiled, secrets),
    };
    flowActions.set(action, flowAction);
    return action;
  };

  return {
    cache,
    load(code, loadOptions = {}) {
      const name = loadOptions.name ?? 'action';
      const secrets = checkedSecrets(name, loadOptions.secrets ?? {});
      return loaded(new CompiledAction(code, name, loadOptions.dependencies ?? []), secrets);
    },
    loginThrough: async (actions, request) => executeFlow(actions.map(flowActionOf), request, env),
    startLogin: async (actions, request) => startFlow(actions.map(flowActionOf), request, env),
    continueLogin: async (suspended, http) => {
      if (options.dropCacheOnResume?.() === true) cache.clear();
      return resumeFlow(suspended, http, env);
    },
  };
}

/** A frozen copy of the secrets after Auth0's limits (customize/actions/limitations.mdx, "Secrets"); errors name, never show, a value. */
function checkedSecrets(action: string, secrets: Record<string, string>): Readonly<Record<string, string>> {
  const entries = Object.entries(secrets);
  if (entries.length > SECRET_LIMITS.count) throw new Error(`Action ${action}: ${entries.length} secrets, Auth0 allows at most ${SECRET_LIMITS.count}`);
  for (const [name, value] of entries) {
    if (name.length > SECRET_LIMITS.name)
      throw new Error(`Action ${action}: the secret name ${name.slice(0, 32)}… is longer than ${SECRET_LIMITS.name} characters`);
    if (typeof value !== 'string') throw new Error(`Action ${action}: the secret ${name} is not a string; secrets are strings`);
    if (value.length > SECRET_LIMITS.value) throw new Error(`Action ${action}: the value of secret ${name} is longer than ${SECRET_LIMITS.value} characters`);
  }
  return Object.freeze({ ...secrets });
}
