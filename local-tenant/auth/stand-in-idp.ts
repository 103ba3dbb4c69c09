// The local stand-in for an enterprise identity provider's own side (not Auth0's, and labelled so): its sign-in page at
// /local/idp/{connection} issues a signed stand-in "SAMLResponse" for an identity, which a browser posts to Auth0's ACS
// (POST /login/callback?connection=…). Like a SAML response it is bound to the connection, signed (HMAC with a key of the
// tenant, standing for the IdP's certificate), valid 5 minutes, and carries the identity, not the browser: whoever holds
// it can post it from any browser (login CSRF). Replays within its life are accepted, the less forgiving guess (Auth0's
// replay handling of IdP-initiated responses is not published). A connection option makes the stand-in sign in without
// prompting: `options.localStandIn.signInWithoutPrompt: {user_id, email?, email_verified?, name?}` (an attacker-run IdP).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Connection, User } from '../../actions/types.ts';
import type { RouteGroup } from '../route.ts';
import type { TenantState } from '../state.ts';
import { hidden, html, page, readForm } from './html.ts';

/** What the stand-in IdP asserts about the person. */
export interface StandInProfile {
  user_id: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

/** How long a stand-in response is accepted after it is issued (SAML's NotOnOrAfter; 5 minutes is the local tenant's choice). */
export const ASSERTION_LIFETIME_MS = 5 * 60 * 1000;

const IDENTITY_ID = /^[A-Za-z0-9._@-]{1,64}$/;
const keys = new WeakMap<TenantState, Buffer>();

/** The profile the connection's stand-in IdP signs in as without asking, when it is configured to. */
export function signInWithoutPrompt(state: TenantState, connection: string): StandInProfile | undefined {
  const standIn = state.connectionOptions(connection)?.localStandIn as { signInWithoutPrompt?: StandInProfile } | undefined;
  const profile = standIn?.signInWithoutPrompt;
  return profile && typeof profile.user_id === 'string' && IDENTITY_ID.test(profile.user_id) ? profile : undefined;
}

/** The user holding the identity, created with the IdP's profile on its first login (as a first federated login does). */
export function standInOwner(state: TenantState, connection: Connection, profile: StandInProfile): User {
  const found = state.ownerOfIdentity(connection.strategy, profile.user_id);
  if (found) return found;
  const email = profile.email?.trim();
  return state.createUser({
    connection: connection.name,
    id: profile.user_id,
    ...(email ? { email, email_verified: profile.email_verified === true } : {}),
    ...(profile.name ? { name: profile.name } : {}),
  });
}

/** A signed stand-in response for `profile` on `connection`. */
export function issueAssertion(state: TenantState, connection: string, profile: StandInProfile): string {
  const now = state.now().getTime();
  const body = Buffer.from(
    JSON.stringify({ connection, ...profile, iat: now, exp: now + ASSERTION_LIFETIME_MS, id: randomBytes(12).toString('hex') }),
  ).toString('base64url');
  return `${body}.${sign(state, body)}`;
}

/** The profile a stand-in response asserts, when it is signed by this tenant's stand-in for `connection` and still valid. */
export function verifyAssertion(state: TenantState, connection: string, response: string): StandInProfile | undefined {
  const [body, signature, extra] = response.split('.');
  if (!body || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(sign(state, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as StandInProfile & { connection: string; exp: number };
  if (claims.connection !== connection || claims.exp <= state.now().getTime()) return undefined;
  const { user_id, email, email_verified, name } = claims;
  return {
    user_id,
    ...(email === undefined ? {} : { email }),
    ...(email_verified === undefined ? {} : { email_verified }),
    ...(name === undefined ? {} : { name }),
  };
}

function sign(state: TenantState, body: string): string {
  let key = keys.get(state);
  if (!key) {
    key = randomBytes(32);
    keys.set(state, key);
  }
  return createHmac('sha256', key).update(body).digest('base64url');
}

/** Enterprise connections the stand-in IdP plays: SAML, the one protocol Auth0 accepts IdP-initiated responses from. */
function samlConnection(state: TenantState, name: string | undefined): Connection | undefined {
  const connection = name === undefined ? undefined : state.connection(name);
  return connection?.strategy === 'samlp' ? connection : undefined;
}

export const standInIdpRoutes: RouteGroup = [
  {
    method: 'GET',
    path: '/local/idp/:connection',
    scopes: 'none',
    handle({ params, state }) {
      const connection = samlConnection(state, params.connection);
      if (!connection) return page('Local stand-in identity provider', html`<p class="error" id="error">No SAML connection of that name.</p>`, 404);
      return page(
        `Local stand-in IdP of ${connection.name}`,
        html`<p class="local">
            This page stands in for the identity provider of the SAML connection <strong>${connection.name}</strong> (IdP-initiated sign-in). Nothing is sent to
            a real IdP.
          </p>
          <form method="post" action="/local/idp/${encodeURIComponent(connection.name)}" id="idp-sign-in">
            <label>Id at the provider <input name="user_id" /></label><label>Email <input name="email" type="email" /></label>
            <label><input name="email_verified" type="checkbox" value="true" style="width:auto" /> the provider says the email is verified</label>
            <button type="submit">Sign in at the IdP</button>
          </form>`,
      );
    },
  },
  {
    method: 'POST',
    path: '/local/idp/:connection',
    scopes: 'none',
    async handle({ params, request, state }) {
      const connection = samlConnection(state, params.connection);
      if (!connection) return page('Local stand-in identity provider', html`<p class="error" id="error">No SAML connection of that name.</p>`, 404);
      const form = await readForm(request);
      const userId = (form.user_id ?? '').trim();
      if (!IDENTITY_ID.test(userId))
        return page('Local stand-in identity provider', html`<p class="error" id="error">Give the identity an id (letters, digits, . _ @ -).</p>`, 400);
      const response = issueAssertion(state, connection.name, {
        user_id: userId,
        ...(form.email ? { email: form.email.trim() } : {}),
        email_verified: form.email_verified === 'true',
        ...(form.name ? { name: form.name } : {}),
      });
      // A real IdP posts this form by script; the local tenant's pages have none, so the person presses the button.
      return page(
        `Local stand-in IdP of ${connection.name}`,
        html`<p class="local">The stand-in IdP signed you in and hands the response to Auth0.</p>
          <form method="post" action="/login/callback?connection=${encodeURIComponent(connection.name)}" id="saml-post">
            ${hidden('SAMLResponse', response)} <button type="submit">Continue to the application</button>
          </form>`,
      );
    },
  },
];
