// A login on the local tenant: the deployed versions of the Actions bound to post-login run in binding order, with their secrets, through the runtime harness.
import { actionsStoreOf } from './actions-store.ts';
import type { ActionsRuntime, LoadedAction, LoginRequest, LoginResult } from './runtime/index.ts';
import { resolveLogin } from './runtime/event.ts';
import type { TenantState } from './state.ts';

export interface FlowStep {
  action: string;
  version: number;
  result: LoginResult;
}

export type FlowLogin =
  | { outcome: 'success'; subject: string; steps: FlowStep[]; httpCalls: number }
  | { outcome: 'failure'; reason: string; failedAction: string; steps: FlowStep[]; httpCalls: number };

/** Warm instances per runtime and deployed version: Auth0 reuses an instance across logins until a new version is deployed. */
const instances = new WeakMap<ActionsRuntime, Map<string, LoadedAction>>();

/**
 * Logs a user in through the post-login flow as it is deployed now. The login stops at the first Action that fails it,
 * as Auth0's does. With no Action bound the login succeeds as the identity's owner. Each Action runs as one execution
 * of the harness, so with several bound each counts the login in logins_count (one Action is bound in this project).
 */
export async function loginThroughFlow(state: TenantState, runtime: ActionsRuntime, request: LoginRequest): Promise<FlowLogin> {
  const steps: FlowStep[] = [];
  let subject = resolveLogin(state, request).user.user_id;
  for (const bound of actionsStoreOf(state).boundActions('post-login')) {
    const result = await instanceOf(runtime, bound.versionId, () => runtime.load(bound.code, { name: bound.name, secrets: bound.secrets })).login(request);
    steps.push({ action: bound.name, version: bound.versionNumber, result });
    if (result.outcome === 'failure') return { outcome: 'failure', reason: result.reason, failedAction: bound.name, steps, httpCalls: callsOf(steps) };
    subject = result.subject;
  }
  return { outcome: 'success', subject, steps, httpCalls: callsOf(steps) };
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

function callsOf(steps: FlowStep[]): number {
  return steps.reduce((sum, step) => sum + step.result.httpCalls.length, 0);
}
