// The post-login Action: links the account logging in with the other accounts sharing its verified email, never failing the login.
// Zero HTTP calls unless the user is eligible and not yet checked for its email; every failure is one log line.
import { describeInvalid, readConfig } from './config.ts';
import { isChecked } from './link-record.ts';
import { checkLogin, type FlowDeps } from './login-flow.ts';
import { logLine, type Outcome } from './outcome.ts';
import { eligibility } from './policy.ts';
import { UNVERIFIED_LOGIN_KEY, unverifiedLoginMark } from './risk-signs.ts';
import type { PostLoginApi, PostLoginEvent } from './types.ts';

const QUIET: Outcome = { kind: 'quiet' };

export const onExecutePostLogin = async (event: PostLoginEvent, api: PostLoginApi): Promise<void> => {
  const deps: FlowDeps = {
    // Looked up at call time: the runtime hands each module its `fetch`, and tests may replace the global one.
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  const line = logLine(await execute(event, api, deps));
  if (line !== undefined) console.log(line);
};

/** Every gate that needs no HTTP, then the check; anything thrown becomes an outcome, so the login always continues. */
async function execute(event: PostLoginEvent, api: PostLoginApi, deps: FlowDeps): Promise<Outcome> {
  try {
    if (event.transaction?.protocol === 'oauth2-refresh-token') return QUIET;
    const read = readConfig(event.secrets ?? {});
    if (read.status === 'off') return QUIET;
    if (read.status === 'invalid') return { kind: 'invalid-config', description: describeInvalid(read) };
    if (isChecked(event.user)) return QUIET;
    const verdict = eligibility(event.user, read.config.trust);
    if (!verdict.eligible) {
      // A login while the email is unverified is a risk sign for later links of this account, recorded for free.
      const mark = verdict.reason === 'unverified' && read.config.mode === 'link' ? unverifiedLoginMark(event.user, new Date()) : undefined;
      if (mark) api.user.setAppMetadata(UNVERIFIED_LOGIN_KEY, mark);
      return { kind: 'ineligible', reason: verdict.reason };
    }
    return await checkLogin(event, api, read.config, deps);
  } catch (error) {
    return { kind: 'failed', error };
  }
}
