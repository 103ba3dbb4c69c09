// The baseline Action (baseline-action.js) written with the `auth0` SDK's ManagementClient as an Action dependency, as
// community examples do (gist jozefhruska/daed673268cfb91956f2b2a060059cc6 requires "auth0" in the Action): what
// `npm run bench` measures for cold start — loading the SDK and its first execution — against this project's bundle.
// A new client per execution, as in those examples, so every execution asks for a token.
const { ManagementClient } = require('auth0');

exports.onExecutePostLogin = async (event, api) => {
  if (!event.user.email || !event.user.email_verified) return;
  const management = new ManagementClient({
    domain: event.secrets.AUTH0_DOMAIN,
    clientId: event.secrets.AUTH0_CLIENT_ID,
    clientSecret: event.secrets.AUTH0_CLIENT_SECRET,
  });

  const found = await management.users.listUsersByEmail({ email: event.user.email });
  const others = found.filter((u) => u.email_verified && u.user_id !== event.user.user_id);
  if (others.length > 1) throw new Error('[!] Multiple user profiles already exist - cannot select base profile to link with');
  if (others.length === 0) return;

  const original = others[0];
  const { provider, user_id: providerUserId } = event.user.identities[0];
  await management.users.identities.link(original.user_id, { provider, user_id: String(providerUserId) });
  api.authentication.setPrimaryUser(original.user_id);
};
