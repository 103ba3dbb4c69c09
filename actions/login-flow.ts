// One login that needs a check: find the accounts sharing its email, plan with the policy, then offer, mark or link.
import type { Config } from './config.ts';
import { redirectBlocker, sendOffer } from './confirm-offer.ts';
import { CHECKED_KEY, checkedMark, PENDING_KEY } from './link-record.ts';
import { clientFor, findCandidates, linkAll, type FlowDeps } from './link-steps.ts';
import type { Outcome } from './outcome.ts';
import { confirmCandidates, isNeverReason, loggingIn, pairAnswer, planLogin, signedInBeforeReset, type PolicyOptions } from './policy.ts';
import { rateLimitedUntil } from './rate-limit-note.ts';
import type { PostLoginApi, PostLoginEvent, User } from './types.ts';

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
