// One login that needs a check: find the accounts sharing its email, plan with the policy, then record, link and mark.
// Order matters: the audit record (with the metadata Auth0 discards on link) is written on the primary BEFORE any link,
// the login user's own link comes first, and setPrimaryUser is called only once that link exists.
import type { Config } from './config.ts';
import { foldEmail } from './email.ts';
import { CHECKED_KEY, checkedMark, PENDING_KEY, type LinkedBy } from './link-record.ts';
import { endSessionsBeforeLink, linkIdentity, preLinkMetadata, USER_FIELDS, type LinkFailure } from './link-protocol.ts';
import { createManagementClient, ManagementApiError, type ManagementClient } from './management-client.ts';
import type { Outcome } from './outcome.ts';
import { confirmCandidates, isNeverReason, loggingIn, pairAnswer, planLogin, signedInBeforeReset, type PolicyOptions } from './policy.ts';
import { rateLimitedUntil } from './rate-limit-note.ts';
import { redirectBlocker, sendOffer } from './confirm-offer.ts';
import { connectionKind } from './strategies.ts';
import type { Metadata, PostLoginApi, PostLoginEvent, User } from './types.ts';

export interface FlowDeps {
  fetch: typeof fetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** Runs the check for an eligible, unchecked login user. Throws on failure; the caller turns that into an outcome. */
export async function checkLogin(event: PostLoginEvent, api: PostLoginApi, config: Config, deps: FlowDeps): Promise<Outcome> {
  const startedAt = deps.now();
  // Another execution met a 429 it could not wait out: no lookup until then; unmarked, so a later login checks.
  const limitedUntil = rateLimitedUntil(api.cache, startedAt);
  if (limitedUntil !== undefined) return { kind: 'rate-limited', seconds: Math.ceil((limitedUntil - startedAt) / 1000) };
  const now = new Date(startedAt);
  const dryRun = config.mode === 'dry-run';
  const client = clientFor(config, api, deps);
  const email = event.user.email!;
  const candidates = await findCandidates(client, event.user, email);
  const options = { trust: config.trust, primaryConnection: config.primaryConnection };
  const plan = planLogin<User>(event.user, candidates, options);
  // A reset is evidence only for sign-ins after it: a session from before it may be whoever chose the password, so it
  // neither links silently nor proves the mailbox for an offer (the login side's evidence is what makes most offers).
  const self = candidates.find((c) => c.user_id === event.user.user_id) ?? event.user;
  // Not for already-linked: the login must still move to the holder, or Auth0 fails it.
  if (plan.kind !== 'already-linked' && signedInBeforeReset(self, event.authentication?.methods)) {
    return { kind: 'stale-session' };
  }
  const confirm = plan.kind === 'already-linked' ? [] : confirmCandidates<User>(event.user, candidates, options);
  const redirect = confirm.length > 0 ? redirectBlocker(event, config) : undefined;
  // Confirmation first: /continue re-reads the accounts and links the proven one (the silent ones at a later login).
  if (confirm.length > 0 && redirect === undefined && !dryRun) return await sendOffer(event, api, config.linkPage!, confirm);

  switch (plan.kind) {
    case 'none':
      if (confirm.length > 0) {
        // Without a page nothing will ever change for this user: mark it. A page that this login cannot reach asks later.
        if (redirect === 'no linking page' && !dryRun) api.user.setAppMetadata(CHECKED_KEY, checkedMark(email, now));
        // A login that cannot be sent there (prompt=none, a password grant) is followed by more of its kind: they skip
        // the lookup until an interactive login asks (auto-link.ts). Free: applied at the end of the flow.
        else if (!dryRun) api.user.setAppMetadata(PENDING_KEY, checkedMark(email, now));
        return { kind: 'confirm-unavailable', count: confirm.length, why: dryRun ? 'dry-run' : redirect! };
      }
      if (plan.reason !== 'alone') {
        // The person's unlink holds until they link it again on the page (then it is linked): its next logins need no lookup.
        // So does a risk sign of the login's own with no other account to link at all: the others' own logins find it.
        const settled = plan.reason === 'unlinked-by-person' || (!isNeverReason(plan.reason) && pendingPairs(event.user, candidates, options) === 0);
        if (settled && !dryRun) api.user.setAppMetadata(CHECKED_KEY, checkedMark(email, now));
        return { kind: 'ineligible', reason: plan.reason };
      }
      // No HTTP: applied by Auth0 at the end of the flow. Safe because setPrimaryUser is not called in this execution.
      if (!dryRun) api.user.setAppMetadata(CHECKED_KEY, checkedMark(email, now));
      // Accounts that only their own login can offer (this login cannot prove them) are linked from that side.
      return { kind: 'alone', dryRun, elsewhere: pendingPairs(event.user, candidates, options) };
    case 'already-linked':
      // Also in dry-run: something else linked this identity while the login ran, the event's user is gone, and Auth0
      // fails the login unless it moves to the holder. Moving the login changes nothing in the tenant.
      api.authentication.setPrimaryUser(plan.primary.user_id);
      if (!dryRun) api.idToken.setCustomClaim(config.claimName, [event.user.user_id]);
      return { kind: 'already-linked', primary: plan.primary.user_id, dryRun };
    case 'link': {
      const login = plan.secondaries.find((s) => s.user_id === event.user.user_id);
      // The login user's link first: the login can then end on the primary even if a later link fails.
      const ordered = login ? [login, ...plan.secondaries.filter((s) => s !== login)] : plan.secondaries;
      if (dryRun) return { kind: 'would-link', primary: plan.primary.user_id, secondaries: ordered.map((s) => s.user_id), setPrimaryUser: plan.setPrimaryUser };
      return await linkAll(client, api, config, { primary: plan.primary, secondaries: ordered, by: 'action' }, event, now);
    }
  }
}

/**
 * How many other accounts of the email could still be linked with the login user, but not from this login: pairs that are
 * not `never`. Zero means nothing could ever be linked as the accounts stand; a pair that is only waiting (a confirm
 * nobody can prove from here) keeps a login with a risk sign unmarked, so it looks again.
 */
function pendingPairs(user: User, candidates: readonly User[], options: PolicyOptions): number {
  const login = loggingIn(candidates.find((c) => c.user_id === user.user_id) ?? user);
  return candidates.filter((c) => c.user_id !== login.user_id && pairAnswer(login, c, options.trust).answer !== 'never').length;
}

/** The Action's Management API client for one execution: every call within the time budget from now. */
export function clientFor(config: Config, api: PostLoginApi, deps: FlowDeps): ManagementClient {
  return createManagementClient({
    domain: config.domain,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    deadline: deps.now() + config.timeBudgetMs,
    cache: api.cache,
    fetch: deps.fetch,
    now: deps.now,
    sleep: deps.sleep,
  });
}

/**
 * users-by-email is case-sensitive: ask for the email as given and lower-cased (Auth0 stores its own connections'
 * emails lower-cased). When neither finds another account, one case-insensitive search finds a twin whose IdP kept
 * capitals (`Ann@X.io` for the login `ann@x.io`). The search is eventually consistent, so it comes second: the exact,
 * immediately consistent lookups alone settle races between concurrent first logins.
 */
export async function findCandidates(client: ManagementClient, user: User, email: string): Promise<User[]> {
  const lower = foldEmail(email);
  const lists = await Promise.all((lower === email ? [email] : [email, lower]).map((e) => client.usersByEmail(e, USER_FIELDS)));
  const byId = new Map<string, User>();
  for (const found of lists.flat()) if (!byId.has(found.user_id)) byId.set(found.user_id, found);
  if ([...byId.keys()].every((id) => id === user.user_id)) {
    for (const found of await client.searchByEmail(email, USER_FIELDS)) if (!byId.has(found.user_id)) byId.set(found.user_id, found);
  }
  return [...byId.values()];
}

/** Links to make into one primary, who makes them, and what else the pre-link write carries. */
export interface LinkBatch {
  primary: User;
  secondaries: User[];
  by: LinkedBy;
  extraMetadata?: Metadata;
}

/** The pre-link write, the links (the login user's first), then setPrimaryUser and the claim as the links allow. */
export async function linkAll(
  client: ManagementClient,
  api: PostLoginApi,
  config: Config,
  batch: LinkBatch,
  event: PostLoginEvent,
  now: Date,
): Promise<Outcome> {
  const { primary, secondaries } = batch;
  const loginUserId = event.user.user_id;
  // Sessions first: whoever chose a password account's password may still be signed in with it. A failure here throws
  // before anything is written, so the link waits for a later login.
  await endSessionsBeforeLink([primary, ...secondaries], client, config.endSessions);
  // An account whose link then fails stays unmarked, so its own next login retries.
  await client.patchAppMetadata(primary.user_id, { ...preLinkMetadata(primary, secondaries, batch.by, now), ...batch.extraMetadata });
  const linked: string[] = [];
  let error: unknown;
  try {
    for (const secondary of secondaries) {
      await linkOne(client, primary, secondary, secondary.user_id === loginUserId ? loginConnectionId(secondary, event) : undefined);
      linked.push(secondary.user_id);
    }
  } catch (caught) {
    error = caught;
  }
  const loginIsSecondary = loginUserId !== primary.user_id;
  const onPrimary = !loginIsSecondary || linked.includes(loginUserId);
  if (loginIsSecondary && onPrimary) api.authentication.setPrimaryUser(primary.user_id);
  if (onPrimary && linked.length > 0) api.idToken.setCustomClaim(config.claimName, linked);
  return { kind: 'linked', primary: primary.user_id, linked, planned: secondaries.length, endsOn: onPrimary ? primary.user_id : loginUserId, error };
}

/** Time allowed past the budget for the one read that settles an ambiguous link (still far below Auth0's 20 s). */
export const READ_BACK_GRACE_MS = 1500;

/**
 * Links one account with the link protocol. After an answer that leaves the link open, the login must end on the
 * primary if the link exists, or Auth0 fails it for a user that is gone: the read-back may run past the budget.
 */
async function linkOne(client: ManagementClient, primary: User, secondary: User, connectionId: string | undefined): Promise<void> {
  const identity = secondary.identities[0]!;
  const result = await linkIdentity(identity, {
    link: () => client.link(primary.user_id, identity, connectionId),
    readIdentities: async () =>
      (await client.getUser(primary.user_id, ['user_id', 'identities'], { graceMs: READ_BACK_GRACE_MS }).catch(() => undefined))?.identities,
    failureOf,
  });
  if (!result.linked) throw result.error;
}

/**
 * The connection id to link the login user with: Auth0 documents `connection_id` as needed to pick among several
 * database connections. The event names the login's connection for free, so it is sent when the login user's main
 * identity is a database identity on that connection; other accounts would need a connections read (Known limitations).
 */
function loginConnectionId(loginUser: User, event: PostLoginEvent): string | undefined {
  const main = loginUser.identities[0]!;
  return connectionKind(main.provider) === 'database' && main.connection === event.connection.name ? event.connection.id : undefined;
}

/** What the Action's client saw of a failed link; a rate-limit give-up is an answer (429) that no link was made. */
function failureOf(error: unknown): LinkFailure | undefined {
  if (!(error instanceof ManagementApiError)) return undefined;
  return { status: error.failure === 'timeout' || error.failure === 'network' ? undefined : error.status, message: error.apiMessage };
}
