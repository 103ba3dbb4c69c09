// The Actions runtime the confirm-path bench gives the tenant's real sign-in, watched per user: the requests the Action made
// on the execution of a login and on its /continue, kept apart (observed-runtime.ts adds them up, which this bench must not).
import type { ActionsRuntime, FlowResult, HttpCall, SuspendedFlow } from '../../../local-tenant/index.ts';

/** One user's executions since the last take: each login's first execution, and each resumption on /continue. */
export interface Executions {
  logins: HttpCall[][];
  continues: HttpCall[][];
}

export interface WatchedRuntime {
  runtime: ActionsRuntime;
  /** What ran for `userId` (the login user, `event.user.user_id` at the start), then forgets it. */
  take(userId: string): Executions;
}

export function watchExecutions(runtime: ActionsRuntime): WatchedRuntime {
  const byUser = new Map<string, Executions>();
  const of = (userId: string): Executions => {
    let found = byUser.get(userId);
    if (!found) byUser.set(userId, (found = { logins: [], continues: [] }));
    return found;
  };
  // A suspended flow's steps go on in its resumption's result, which holds them all: /continue's are those after.
  const calls = (result: FlowResult | SuspendedFlow): HttpCall[] =>
    result.outcome === 'redirect' ? result.steps.flatMap((s) => s.httpCalls) : result.httpCalls;
  const userOf = (result: FlowResult | SuspendedFlow): string => (result.outcome === 'redirect' ? result.run.user.user_id : result.eventUserId);
  return {
    runtime: {
      ...runtime,
      startLogin: async (actions, request) => {
        const result = await runtime.startLogin(actions, request);
        of(userOf(result)).logins.push(calls(result));
        return result;
      },
      continueLogin: async (suspended, http) => {
        const before = calls(suspended).length;
        const result = await runtime.continueLogin(suspended, http);
        of(suspended.run.user.user_id).continues.push(calls(result).slice(before));
        return result;
      },
    },
    take(userId) {
      const found = of(userId);
      byUser.delete(userId);
      return found;
    },
  };
}
