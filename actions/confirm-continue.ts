// Confirmed linking on /continue (onContinuePostLogin): verify the page's proof, remember a decline, or link the proven
// account once the accounts, re-read, still allow it. Each refusal is an outcome: the login goes on as it was.
import type { Config } from './config.ts';
import { linkKeys, offeredIds } from './confirm-offer.ts';
import { DECLINED_KEY, declineRecord } from './decline-memory.ts';
import { LinkTokenError, readProofClaims, type ProofClaims } from './link-page-tokens.ts';
import { clientFor, findCandidates, linkAll, type FlowDeps } from './link-steps.ts';
import type { Outcome } from './outcome.ts';
import { confirmCandidates, loggingIn, pairAnswer, signedInBeforeReset, splitPrimary } from './policy.ts';
import type { PostLoginApi, PostLoginEvent, User } from './types.ts';

/** What the application is told when the person said the sign-in was not theirs (api.access.deny's reason). */
export const NOT_ME_DENIAL = 'The person at the browser did not start this sign-in.';

/** The form field the page posts the proof in. */
export const PROOF_PARAMETER = 'link_proof';

/** Handles the return from the linking page. Throws only on a failure of the API itself; the caller makes it an outcome. */
export async function continueLogin(event: PostLoginEvent, api: PostLoginApi, config: Config, deps: FlowDeps): Promise<Outcome> {
  const page = config.linkPage;
  if (!page) return { kind: 'proof-refused', why: 'no linking page configured' };
  const verified = await verifyProof(event, api, config, page.secret, deps.now());
  if ('why' in verified) return { kind: 'proof-refused', why: verified.why };
  const { proof } = verified;
  // The one list a proof may name: what this transaction offered, kept server-side across the redirect.
  const offered = offeredIds(event);
  const now = new Date(deps.now());
  if (proof.decision !== 'link') {
    // Free: applied at the end of the flow, and no setPrimaryUser is called in this execution to discard it.
    if (config.mode === 'link') api.user.setAppMetadata(DECLINED_KEY, declineRecord(proof.decision, now, page.laterDays, offered ?? []));
    // The person at the browser did not start this sign-in: someone else's account was signed in there (login CSRF).
    // Ending it keeps the browser out of that account; the decline above keeps it from being offered again.
    if (proof.not_me === true) {
      api.access.deny(NOT_ME_DENIAL);
      return { kind: 'declined', decision: 'not-me' };
    }
    return { kind: 'declined', decision: proof.decision };
  }
  const proven = proof.proven!;
  // No record of the offer is no offer: a proof alone never links (fail closed).
  if (!offered) return { kind: 'proof-refused', why: 'this transaction made no offer' };
  if (!offered.includes(proven)) return { kind: 'proof-refused', why: 'the proven account was not offered' };
  if (config.mode !== 'link') return { kind: 'proof-refused', why: 'LINK_MODE is dry-run' };
  return await linkProven(event, api, config, deps, proven, now);
}

/** validateToken (signature with the proof key, expiry, state) and the claims (typ, iss, sub = the login user). */
async function verifyProof(
  event: PostLoginEvent,
  api: PostLoginApi,
  config: Config,
  secret: string,
  nowMs: number,
): Promise<{ proof: ProofClaims } | { why: string }> {
  const { proofKey } = await linkKeys(secret);
  let payload: unknown;
  try {
    payload = api.redirect.validateToken({ secret: proofKey, tokenParameterName: PROOF_PARAMETER });
  } catch {
    // Its message may carry token material: only say what kind of check failed.
    return { why: 'bad signature, expired, or not for this transaction' };
  }
  try {
    return { proof: readProofClaims(payload, { issuer: config.domain, user: event.user.user_id, nowSeconds: Math.floor(nowMs / 1000) }) };
  } catch (error) {
    if (error instanceof LinkTokenError) return { why: error.code };
    throw error;
  }
}

/**
 * Re-reads the accounts and re-runs the policy: the proven account must still share the verified email and be one the
 * policy offers the login user now (or one it would link silently).
 */
async function linkProven(event: PostLoginEvent, api: PostLoginApi, config: Config, deps: FlowDeps, proven: string, now: Date): Promise<Outcome> {
  const client = clientFor(config, api, deps);
  const candidates = await findCandidates(client, event.user, event.user.email!);
  const login = candidates.find((c) => c.user_id === event.user.user_id);
  const other = candidates.find((c) => c.user_id === proven);
  if (!login || !other) return { kind: 'proof-refused', why: 'the accounts changed since the offer' };
  if (signedInBeforeReset(login, event.authentication?.methods)) return { kind: 'stale-session' };
  const answer = pairAnswer(loggingIn(login), other, config.trust).answer;
  if (answer === 'never') return { kind: 'proof-refused', why: 'the proven account is no longer eligible' };
  if (answer === 'confirm' && !confirmCandidates<User>(login, candidates, { trust: config.trust }).includes(other)) {
    return { kind: 'proof-refused', why: 'the proven account is not one the policy offers' };
  }
  const { primary, secondaries } = splitPrimary([login, other], config.primaryConnection);
  // No sign is cleared by a proof: a sign only ever asks for confirmation, and erasing one could only ever favour an attacker.
  return await linkAll(client, api, config, { primary, secondaries, by: 'confirmed' }, event, now);
}
