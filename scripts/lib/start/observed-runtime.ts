// The Actions runtime npm start shares with the tenant's real sign-in, watched: what the Action logged and called in the
// logins that went over HTTP, which the table reports as it does for the logins replayed in process.
import type { ActionsRuntime, FlowResult, SuspendedFlow } from '../../../local-tenant/index.ts';

export interface ObservedRuntime {
  runtime: ActionsRuntime;
  /** The logs and HTTP calls of every flow that ended since the last take, across its suspensions; then forgets them. */
  take(): { logs: string[]; httpCalls: number };
}

export function observeRuntime(runtime: ActionsRuntime): ObservedRuntime {
  let ended: FlowResult[] = [];
  // A suspended flow's steps go on in the result of its /continue, which holds them all.
  const watch = (result: FlowResult | SuspendedFlow): FlowResult | SuspendedFlow => {
    if (result.outcome !== 'redirect') ended.push(result);
    return result;
  };
  return {
    runtime: {
      ...runtime,
      startLogin: async (actions, request) => watch(await runtime.startLogin(actions, request)),
      continueLogin: async (suspended, http) => watch(await runtime.continueLogin(suspended, http)),
    },
    take() {
      const flows = ended;
      ended = [];
      return { logs: flows.flatMap((flow) => flow.logs), httpCalls: flows.reduce((sum, flow) => sum + flow.httpCalls.length, 0) };
    },
  };
}
