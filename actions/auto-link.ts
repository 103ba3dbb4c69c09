// The post-login Action: links the account logging in with the other accounts sharing its verified email, never failing the login.
// Silently where the policy sees no risk; else, with a linking page, once the person proves the other account (/continue).
// Zero HTTP calls unless the user is eligible and not yet checked for its email; every failure is one log line.
import { describeInvalid, readConfig, type Config } from './config.ts';
import { continueLogin } from './confirm-continue.ts';
import { redirectBlocker } from './confirm-offer.ts';
import { isDeclined } from './decline-memory.ts';
import { isChecked, isPending } from './link-record.ts';
import type { FlowDeps } from './link-steps.ts';
import { checkLogin } from './login-flow.ts';
import { logLine, type Outcome } from './outcome.ts';
import { eligibility, isNeverReason, loggingIn } from './policy.ts';
import { UNVERIFIED_LOGIN_KEY, unverifiedLoginMark } from './risk-signs.ts';
import type { PostLoginApi, PostLoginEvent } from './types.ts';

const QUIET: Outcome = { kind: 'quiet' };

function flowDeps(): FlowDeps {
  return {
    // Looked up at call time: the runtime hands each module its `fetch`, and tests may replace the global one.
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

export const onExecutePostLogin = async (event: PostLoginEvent, api: PostLoginApi): Promise<void> => {
  const line = logLine(await guarded(event, (config) => execute(event, api, config, flowDeps())));
  if (line !== undefined) console.log(line);
};

/** /continue after the linking page: the proof is checked and the proven account linked, or nothing happens. */
export const onContinuePostLogin = async (event: PostLoginEvent, api: PostLoginApi): Promise<void> => {
  const line = logLine(await guarded(event, (config) => (isLinkPage(event, config) ? Promise.resolve(QUIET) : continueLogin(event, api, config, flowDeps()))));
  if (line !== undefined) console.log(line);
};

/** The gates both handlers share; anything thrown becomes an outcome, so the login always continues. */
async function guarded(event: PostLoginEvent, run: (config: Config) => Promise<Outcome>): Promise<Outcome> {
  try {
    if (event.transaction?.protocol === 'oauth2-refresh-token') return QUIET;
    const read = readConfig(event.secrets ?? {});
    if (read.status === 'off') return QUIET;
    if (read.status === 'invalid') return { kind: 'invalid-config', description: describeInvalid(read) };
    return await run(read.config);
  } catch (error) {
    return { kind: 'failed', error };
  }
}

/** The Management API scope that lets a user's own access token link any identity it signs in to into its user. */
export const IDENTITIES_SCOPE = 'update:current_user_identities';

/**
 * Removes update:current_user_identities from the access token of every application but the linking page (and those in
 * LINK_WITH_CLIENTS). Such a token lives 24 hours and cannot be revoked: held by whoever chose a password account's
 * password before the owner reset it, it would link their own identity into the account after the owner's link, a
 * backdoor no ended session closes. The linking page asks for it only after a fresh sign-in, for minutes.
 */
function keepIdentityScopeToLinkingPage(event: PostLoginEvent, api: PostLoginApi, config: Config): void {
  if (!event.transaction?.requested_scopes?.includes(IDENTITIES_SCOPE)) return;
  const client = event.client?.client_id;
  if (isLinkPage(event, config) || (client !== undefined && config.linkWithClients.has(client))) return;
  api.accessToken.removeScope(IDENTITIES_SCOPE);
}

/** The linking page's own sign-ins: no lookup and no redirect, nothing that could interfere with its transaction. */
function isLinkPage(event: PostLoginEvent, config: Config): boolean {
  return config.linkPageClientId !== undefined && event.client?.client_id === config.linkPageClientId;
}

/** Every gate that needs no HTTP, then the check. */
async function execute(event: PostLoginEvent, api: PostLoginApi, config: Config, deps: FlowDeps): Promise<Outcome> {
  // A login while the email is unverified is a risk sign for later links of this account, recorded for free, on every
  // login the Action sees, the linking page's own sign-ins and sign-ups included: skipping it anywhere would let a
  // pre-registration through that door leave no trace.
  const unverified = typeof event.user.email === 'string' && event.user.email !== '' && event.user.email_verified !== true;
  const mark = unverified && config.mode === 'link' ? unverifiedLoginMark(event.user, new Date(deps.now())) : undefined;
  if (mark) api.user.setAppMetadata(UNVERIFIED_LOGIN_KEY, mark);
  keepIdentityScopeToLinkingPage(event, api, config);
  if (isLinkPage(event, config) || isChecked(event.user) || isDeclined(event.user, deps.now())) return QUIET;
  // Only the person can link this user's accounts, and this login cannot take them to the page: nothing to look up.
  if (isPending(event.user) && redirectBlocker(event, config) !== undefined) return QUIET;
  const verdict = eligibility(loggingIn(event.user), config.trust);
  if (!verdict.eligible) {
    // A risk sign of the login user's own leaves only confirmed links, which need a page this login can reach.
    if (isNeverReason(verdict.reason) || redirectBlocker(event, config) !== undefined) return { kind: 'ineligible', reason: verdict.reason };
  }
  return await checkLogin(event, api, config, deps);
}
