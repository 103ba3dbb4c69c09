// The shapes the go-auth0 recordings settled (test/conformance/), through public entries: the unmodified `auth0` SDK and
// HTTP. Users without metadata, Auth0's profile defaults, link answers, binding summaries, applications, JWT access tokens, search.
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { managementClient, managementToken, useHttpTenant, DATABASE } from '../../test/support/tenant.ts';

const current = useHttpTenant();

function sdk() {
  const { tenant, client, fetch } = current();
  return managementClient(tenant, client, { fetch });
}

describe('users as Auth0 answers them', () => {
  it('leaves out empty metadata, fills name, nickname and picture, and /userinfo carries them', async () => {
    const { tenant } = current();
    const user = tenant.state.createUser({ connection: DATABASE, email: 'chuck@example.com', email_verified: true, password: 'pw-Chuck-1' });
    const read = await sdk().users.get(user.user_id);
    expect(read).not.toHaveProperty('app_metadata');
    expect(read).not.toHaveProperty('user_metadata');
    expect(read).toMatchObject({
      name: 'chuck@example.com',
      nickname: 'chuck',
      picture: expect.stringMatching(/^https:\/\/s\.gravatar\.com\/avatar\/[0-9a-f]{32}\?s=480&r=pg&d=.*ch\.png$/),
    });
    // Metadata set, then emptied again: the key goes away again.
    await sdk().users.update(user.user_id, { app_metadata: { plan: 'pro' } });
    expect(await sdk().users.get(user.user_id)).toMatchObject({ app_metadata: { plan: 'pro' } });
    expect(await sdk().users.update(user.user_id, { app_metadata: {} })).not.toHaveProperty('app_metadata');
    const found = await sdk().users.listUsersByEmail({ email: 'chuck@example.com' });
    expect(found[0]).not.toHaveProperty('app_metadata');

    tenant.state.authentication.defaultDirectory = DATABASE;
    const web = tenant.state.addClient({ name: 'web', scopes: [], grant_types: ['password'], app_type: 'regular_web' });
    const { fetch } = current();
    const token = await fetch(`https://${tenant.domain}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        username: 'chuck@example.com',
        password: 'pw-Chuck-1',
        client_id: web.client_id,
        client_secret: web.client_secret,
        scope: 'openid profile email',
      }),
    });
    const { access_token } = (await token.json()) as { access_token: string };
    const info = await fetch(`https://${tenant.domain}/userinfo`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(await info.json()).toMatchObject({ sub: user.user_id, name: 'chuck@example.com', nickname: 'chuck', picture: read.picture });
  });

  it('answers a link with profileData on both identities and no name in either; a username search finds by username', async () => {
    const { tenant } = current();
    const primary = tenant.state.createUser({ connection: DATABASE, email: 'a@x.io', email_verified: true, username: 'ann' });
    const secondary = tenant.state.createUser({ connection: 'google-oauth2', email: 'a@x.io', email_verified: true, name: 'Ann' });
    const identities = await sdk().users.identities.link(primary.user_id, { provider: 'google-oauth2', user_id: secondary.identities[0]!.user_id });
    expect(identities.map((i) => i.profileData)).toEqual([expect.objectContaining({ email: 'a@x.io' }), expect.objectContaining({ email: 'a@x.io' })]);
    for (const identity of identities) expect(identity.profileData).not.toHaveProperty('name');
    // Read after the search index delay: search is eventually consistent.
    const later = new Date(Date.now() + 60_000);
    tenant.state.setClock(() => later);
    const page = await sdk().users.list({ q: 'username:"ann"', search_engine: 'v3' });
    expect(page.data.map((u) => u.user_id)).toEqual([primary.user_id]);
    await expect(sdk().users.list({ q: 'username:ann*', search_engine: 'v3' })).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('Actions as Auth0 answers them', () => {
  it('a binding embeds an Action summary with current_version and deployed_version; an unknown Action is Auth0 404', async () => {
    const { tenant } = current();
    tenant.state.client(current().client.client_id)!.scopes.push('create:actions', 'read:actions', 'update:actions');
    tenant.actions.setBuildDelay(0);
    tenant.actions.setDeployDelay(0);
    const created = await sdk().actions.create({
      name: 'a',
      supported_triggers: [{ id: 'post-login', version: 'v3' }],
      code: 'exports.onExecutePostLogin = async () => {};',
    });
    await sdk().actions.deploy(created.id!);
    await sdk().actions.triggers.bindings.updateMany('post-login', { bindings: [{ ref: { type: 'action_id', value: created.id! } }] });
    const bindings = [];
    for await (const binding of await sdk().actions.triggers.bindings.list('post-login')) bindings.push(binding);
    const summary = bindings[0]!.action as unknown as Record<string, unknown>;
    expect(summary).toMatchObject({
      id: created.id,
      name: 'a',
      all_changes_deployed: false,
      current_version: { number: 1, status: 'BUILT' },
      deployed_version: { number: 1, deployed: true },
    });
    expect(summary).not.toHaveProperty('code');
    expect(summary.deployed_version).not.toHaveProperty('action');
    expect(await sdk().actions.get(created.id!)).toMatchObject({ all_changes_deployed: true, current_version: { number: 1 } });
    const missing = await fetch404(`/api/v2/actions/actions/00000000-0000-4000-8000-000000000000`);
    expect(missing).toEqual({ statusCode: 404, error: 'Not Found', message: 'That action does not exist.' });
  });
});

async function fetch404(path: string): Promise<unknown> {
  const { tenant, client, fetch } = current();
  const token = await managementToken(tenant, client, fetch);
  const response = await fetch(`https://${tenant.domain}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(404);
  return response.json();
}

describe('applications and tokens as Auth0 answers them', () => {
  it('an application made without app_type has none, the four default grants and Auth0 defaults; an update answers the secret', async () => {
    const { tenant } = current();
    tenant.state.client(current().client.client_id)!.scopes.push('create:clients', 'update:clients', 'read:client_keys');
    const made = await sdk().clients.create({ name: 'plain' });
    expect(made).not.toHaveProperty('app_type');
    expect(made).not.toHaveProperty('callbacks');
    expect(made).toMatchObject({
      grant_types: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
      jwt_configuration: { lifetime_in_seconds: 36000 },
      sso_disabled: false,
    });
    const updated = await sdk().clients.update(made.client_id!, { description: 'd' });
    expect(updated).toMatchObject({ description: 'd', client_secret: made.client_secret });
  });

  it('Management API access tokens are RS256 JWTs the tenant signed, with iss, sub, aud, azp, scope and exp', async () => {
    const { tenant, client, fetch } = current();
    const token = await managementToken(tenant, client, fetch);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    const jwks = (await (await fetch(`https://${tenant.domain}/.well-known/jwks.json`)).json()) as Parameters<typeof createLocalJWKSet>[0];
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: `https://${tenant.domain}/`, audience: tenant.audience });
    expect(payload).toMatchObject({
      sub: `${client.client_id}@clients`,
      azp: client.client_id,
      scope: 'read:users update:users delete:sessions delete:grants',
      gty: 'client-credentials',
    });
    expect(payload.exp! - payload.iat!).toBe(86_400);
  });
});
