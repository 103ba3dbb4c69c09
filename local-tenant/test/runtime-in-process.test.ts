// An Action run by the local Actions runtime reaches the local tenant's Management API with fetch, in-process and over loopback HTTP.
import { describe, expect, it } from 'vitest';
import { createActionsRuntime, type LoginResult } from '../runtime/index.ts';
import { DATABASE, useHttpTenant, useInProcessTenant, type TestTenant } from '../../test/support/tenant.ts';

/** Links the login account under the oldest other account with its verified email, reusing its token through api.cache. */
const LINKING_ACTION = `
const base = 'https://' + 'DOMAIN';
exports.onExecutePostLogin = async (event, api) => {
  let token = api.cache.get('mgmt')?.value;
  if (!token) {
    const response = await fetch(base + '/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: event.secrets.CLIENT_ID, client_secret: event.secrets.CLIENT_SECRET, audience: base + '/api/v2/' }),
    });
    token = (await response.json()).access_token;
    api.cache.set('mgmt', token, { ttl: 60 * 60 * 1000 });
  }
  const headers = { authorization: 'Bearer ' + token, 'content-type': 'application/json' };
  const found = await (await fetch(base + '/api/v2/users-by-email?email=' + encodeURIComponent(event.user.email), { headers })).json();
  const primary = found.filter((u) => u.user_id !== event.user.user_id && u.email_verified).sort((a, b) => a.created_at.localeCompare(b.created_at))[0];
  if (!primary) return;
  const [identity] = event.user.identities;
  const linked = await fetch(base + '/api/v2/users/' + encodeURIComponent(primary.user_id) + '/identities', {
    method: 'POST', headers, body: JSON.stringify({ provider: identity.provider, user_id: identity.user_id }),
  });
  if (linked.status !== 201) throw new Error('link failed with ' + linked.status);
  console.log('linked ' + event.user.user_id + ' under ' + primary.user_id);
  api.authentication.setPrimaryUser(primary.user_id);
};`;

/** Two accounts with one verified email: a database one (older) and a Google one, and the Action loaded for the tenant. */
function scenario({ tenant, client }: TestTenant, fetch?: typeof globalThis.fetch) {
  const { state } = tenant;
  const primary = state.createUser({ connection: DATABASE, email: 'ann@x.io', email_verified: true, created_at: '2020-01-01T00:00:00.000Z' });
  const google = state.createUser({ connection: 'google-oauth2', email: 'ann@x.io', email_verified: true, created_at: '2024-01-01T00:00:00.000Z' });
  const runtime = createActionsRuntime({ state, timeoutMs: 5_000, ...(fetch ? { fetch } : {}) });
  const action = runtime.load(LINKING_ACTION.replace('DOMAIN', tenant.domain), {
    name: 'linking',
    secrets: { CLIENT_ID: client.client_id, CLIENT_SECRET: client.client_secret },
  });
  return { primary, google, action, googleIdentity: { provider: 'google-oauth2', user_id: google.identities[0]!.user_id } };
}

function methods(result: LoginResult): string[] {
  return result.httpCalls.map((call) => `${call.method} ${new URL(call.url).pathname}`);
}

describe('an Action calling the Management API of the local tenant', () => {
  const inProcess = useInProcessTenant();

  it('links in-process through msw, logs the user in as the primary, and counts its HTTP calls', async () => {
    const { tenant } = inProcess();
    const { primary, google, action, googleIdentity } = scenario(inProcess());
    const first = await action.login({ userId: google.user_id });
    expect(first).toMatchObject({ outcome: 'success', subject: primary.user_id, logs: [`linked ${google.user_id} under ${primary.user_id}`] });
    expect(methods(first)).toEqual(['POST /oauth/token', 'GET /api/v2/users-by-email', `POST /api/v2/users/${encodeURIComponent(primary.user_id)}/identities`]);
    expect(tenant.state.getUser(google.user_id)).toBeUndefined();

    // The Google identity is now a secondary: logging in with it again starts as the primary, and the token is cached.
    const again = await action.newInstance().login({ identity: googleIdentity });
    expect(again).toMatchObject({ outcome: 'success', eventUserId: primary.user_id, subject: primary.user_id });
    expect(methods(again)).toEqual(['GET /api/v2/users-by-email']);
  });
});

describe('over loopback HTTP', () => {
  const http = useHttpTenant();

  it('reaches the tenant through the routed fetch it is given', async () => {
    const { primary, google, action } = scenario(http(), http().fetch);
    const result = await action.login({ userId: google.user_id });
    expect(result).toMatchObject({ outcome: 'success', subject: primary.user_id });
    expect(result.httpCalls.map((call) => call.url.startsWith(`https://${http().tenant.domain}/`))).toEqual([true, true, true]);
  });
});
