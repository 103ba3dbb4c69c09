// The usual approach to automatic account linking, as public examples write it: the baseline `npm run bench` compares against.
// Lookup, filter and link follow Auth0's own sample rule "Link Accounts with Same Email Address while Merging Metadata"
// (github.com/auth0/rules, src/rules/link-users-by-email-with-metadata.js): GET /api/v2/users-by-email with the login
// email, keep the verified users other than the login user, fail the login when more than one remains, link the login
// identity under the one found. Ported to an Action as community examples do it (gist jozefhruska/daed673268cfb91956f2b2a060059cc6,
// community.auth0.com/t/136797): a client_credentials token fetched on every execution (Rules had `auth0.accessToken`
// for free; Actions do not), then api.authentication.setPrimaryUser (support.auth0.com, "Account Linking in Actions -
// How to Keep the User Logged In"). The sample's two metadata PATCHes before the link are left out: they would only add
// calls to the baseline's count. Secrets use this project's names, so both Actions run with the same secrets.
exports.onExecutePostLogin = async (event, api) => {
  if (!event.user.email || !event.user.email_verified) return;
  const base = `https://${event.secrets.AUTH0_DOMAIN}`;

  const tokenResponse = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: event.secrets.AUTH0_CLIENT_ID,
      client_secret: event.secrets.AUTH0_CLIENT_SECRET,
      audience: `${base}/api/v2/`,
    }),
  });
  if (tokenResponse.status !== 200) throw new Error(`token request failed with ${tokenResponse.status}`);
  const { access_token: token } = await tokenResponse.json();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  const search = await fetch(`${base}/api/v2/users-by-email?email=${encodeURIComponent(event.user.email)}`, { headers });
  if (search.status !== 200) throw new Error(`users-by-email failed with ${search.status}`);
  const others = (await search.json()).filter((u) => u.email_verified && u.user_id !== event.user.user_id);
  if (others.length > 1) throw new Error('[!] Multiple user profiles already exist - cannot select base profile to link with');
  if (others.length === 0) return;

  const original = others[0];
  const { provider, user_id: providerUserId } = event.user.identities[0];
  const linked = await fetch(`${base}/api/v2/users/${encodeURIComponent(original.user_id)}/identities`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ provider, user_id: String(providerUserId) }),
  });
  if (linked.status >= 400) throw new Error(`Error linking account: ${linked.status}`);
  api.authentication.setPrimaryUser(original.user_id);
};
