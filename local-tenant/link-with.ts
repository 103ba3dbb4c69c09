// The link endpoint's `link_with` mode: a signed-in user links another account they just signed in to, by sending
// that account's ID token; checked here, then linked by the one link implementation (TenantState.link).
import type { Identity } from '../actions/types.ts';
import { ApiError } from './api-error.ts';
import { IdTokenError } from './auth/signing-keys.ts';
import { jsonType } from './request-input.ts';
import type { TenantState, TokenGrant } from './state.ts';

/** The body properties of the other mode; the reference says they "must not be sent" with link_with. */
const OTHER_MODE = ['provider', 'user_id', 'connection_id'] as const;

/**
 * `POST /api/v2/users/{primaryId}/identities {link_with}`: the ID token must be RS256-signed by this tenant, unexpired,
 * and issued to the application the caller's access token was issued to (its `aud` equal to the token's `azp`)
 * (manage-users/user-accounts/user-account-linking/link-user-accounts.mdx; the Management API reference's
 * "link_with: JWT for the secondary account being linked"). The guard has already checked that a user's token is for
 * `primaryId` with update:current_user_identities. Returns the primary's identities.
 *
 * Auth0's error bodies for a refused link_with token are not on public record: the 400s below are named guesses (a
 * request body that cannot be honoured), each saying what was wrong.
 */
export async function linkWith(state: TenantState, grant: TokenGrant, primaryId: string, body: Record<string, unknown>): Promise<Identity[]> {
  const extra = OTHER_MODE.filter((key) => body[key] !== undefined);
  if (extra.length > 0) {
    throw new ApiError(400, `Payload validation error: 'link_with' must be sent alone, without ${extra.join(', ')}.`, 'invalid_body');
  }
  if (typeof body.link_with !== 'string' || body.link_with === '') {
    throw new ApiError(
      400,
      `Payload validation error: 'Expected type string but found type ${jsonType(body.link_with)}' on property link_with.`,
      'invalid_body',
    );
  }
  let subject: unknown;
  try {
    ({ sub: subject } = await state.signingKeys.verifyIdToken(body.link_with, { audience: grant.clientId }));
  } catch (error) {
    if (error instanceof IdTokenError) throw new ApiError(400, `link_with is not a usable ID token: ${REASONS[error.code]}.`, 'invalid_body');
    throw error;
  }
  const separator = typeof subject === 'string' ? subject.indexOf('|') : -1;
  if (typeof subject !== 'string' || separator <= 0) throw new ApiError(400, 'link_with is not a usable ID token: its sub names no user.', 'invalid_body');
  return state.link(primaryId, { provider: subject.slice(0, separator), user_id: subject.slice(separator + 1) });
}

const REASONS: Record<IdTokenError['code'], string> = {
  invalid: 'it was not signed by this tenant with RS256, or is malformed',
  expired: 'it has expired; sign in to the other account again',
  audience: 'its aud is not the application (azp) of the access token that sends it; get both from the same application',
};
