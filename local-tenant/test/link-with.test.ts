// A user's own access token on the local tenant's Management API: its own user only, and the link endpoint's
// link_with mode, which links an account the user signed in to by its ID token and refuses forged, expired and
// foreign ones; over raw HTTP calls and through the unmodified auth0 SDK.
import { createHmac, createPublicKey, createSign, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManagementClient, ManagementError } from 'auth0';
import { unlinkedPatch } from '../../actions/unlink-choice.ts';
import { issueUserAccessToken } from '../auth/user-tokens.ts';
import type { LocalTenant } from '../local-tenant.ts';
import type { Client } from '../state.ts';
import { createTestTenant, DATABASE, managementToken, useInProcessTenant } from '../../test/support/tenant.ts';

const USER_SCOPES = ['openid', 'read:current_user', 'update:current_user_identities', 'update:current_user_metadata'];

interface Fixture {
  tenant: LocalTenant;
  /** The M2M client (read:users update:users). */
  client: Client;
  /** The web application the person signs in to: the access token's azp and the ID tokens' aud. */
  app: Client;
  primary: string;
  secondary: string;
}

const current = useInProcessTenant(() => {
  const { tenant, client } = createTestTenant();
  const app = tenant.state.addClient({ name: 'web app', scopes: [] });
  return { tenant, client, app };
});

function fixture(): Fixture {
  const { tenant, client } = current();
  const app = tenant.state.listClients().find((c) => c.name === 'web app')!;
  const primary = tenant.state.createUser({ connection: DATABASE, email: 'ana@x.io', email_verified: true, user_metadata: { theme: 'dark' } }).user_id;
  const secondary = tenant.state.createUser({ connection: 'google-oauth2', email: 'ana@x.io', email_verified: true, name: 'Ana' }).user_id;
  return { tenant, client, app, primary, secondary };
}

/** What a sign-in to `app` as `userId` gives the app: its Management API access token. */
async function userToken(f: Fixture, userId: string, scopes = USER_SCOPES, app: Client = f.app): Promise<string> {
  return (await issueUserAccessToken(f.tenant.state, { userId, clientId: app.client_id, scopes, audience: f.tenant.audience })).token;
}

function idToken(f: Fixture, userId: string, audience = f.app.client_id): Promise<string> {
  return f.tenant.state.signingKeys.signIdToken({ subject: userId, audience });
}

interface Answer {
  status: number;
  body: any;
}

async function call(f: Fixture, method: string, path: string, token: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`https://${f.tenant.domain}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

const identitiesOf = (userId: string) => `/api/v2/users/${encodeURIComponent(userId)}/identities`;

function linkWith(f: Fixture, token: string, secondaryIdToken: string, primary = f.primary): Promise<Answer> {
  return call(f, 'POST', identitiesOf(primary), token, { link_with: secondaryIdToken });
}

/** Header and payload of a token, re-encoded. */
function jwtParts(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  return { header: JSON.parse(Buffer.from(header!, 'base64url').toString()), payload: JSON.parse(Buffer.from(payload!, 'base64url').toString()) };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function expectNotLinked(f: Fixture): void {
  expect(f.tenant.state.getUser(f.secondary)).toBeDefined();
  expect(f.tenant.state.getUser(f.primary)!.identities).toHaveLength(1);
}

describe("a user's access token on the Management API", () => {
  it('reads and updates its own user only; another user is a 403 insufficient_scope', async () => {
    const f = fixture();
    const token = await userToken(f, f.primary);
    const own = `/api/v2/users/${encodeURIComponent(f.primary)}`;
    const other = `/api/v2/users/${encodeURIComponent(f.secondary)}`;
    expect((await call(f, 'GET', own, token)).body.user_id).toBe(f.primary);
    const patched = await call(f, 'PATCH', own, token, { user_metadata: { lang: 'pt' } });
    expect(patched.body.user_metadata).toEqual({ theme: 'dark', lang: 'pt' });
    for (const answer of [await call(f, 'GET', other, token), await call(f, 'PATCH', other, token, { user_metadata: { lang: 'pt' } })]) {
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ statusCode: 403, error: 'Forbidden', errorCode: 'insufficient_scope' });
    }
    expect((await call(f, 'GET', other, token)).body.message).toBe('Insufficient scope, expected any of: read:users');
    expect(f.tenant.state.getUser(f.secondary)!.user_metadata).toEqual({});
  });

  it('changes user_metadata only, reaches no route without a current-user scope, and needs the Management API audience', async () => {
    const f = fixture();
    const token = await userToken(f, f.primary);
    const own = `/api/v2/users/${encodeURIComponent(f.primary)}`;
    for (const body of [{ app_metadata: { role: 'admin' } }, { email_verified: true }, { user_metadata: {}, blocked: false }]) {
      expect(await call(f, 'PATCH', own, token, body)).toMatchObject({ status: 403, body: { message: 'Insufficient scope, expected any of: update:users' } });
    }
    expect(f.tenant.state.getUser(f.primary)!.app_metadata).toEqual({});
    expect((await call(f, 'GET', `/api/v2/users-by-email?email=ana@x.io`, token)).status).toBe(403);
    expect((await call(f, 'GET', `/api/v2/users`, token)).status).toBe(403);
    const userinfoOnly = (await issueUserAccessToken(f.tenant.state, { userId: f.primary, clientId: f.app.client_id, scopes: USER_SCOPES })).token;
    expect(await call(f, 'GET', own, userinfoOnly)).toMatchObject({ status: 401, body: { message: 'Invalid token' } });
    const reader = await userToken(f, f.primary, ['openid', 'read:current_user']);
    expect((await call(f, 'PATCH', own, reader, { user_metadata: { a: 1 } })).status).toBe(403);
  });
});

describe("a person's unlink choice, written with their own token (the linking page's connected accounts)", () => {
  it('lands in their own user_metadata only: not in the unlinked account, not in app_metadata, and nothing of a refused body is applied', async () => {
    const f = fixture();
    expect((await linkWith(f, await userToken(f, f.primary), await idToken(f, f.secondary))).status).toBe(201);
    const token = await userToken(f, f.primary);
    const unlinked = await call(f, 'DELETE', `${identitiesOf(f.primary)}/google-oauth2/${f.secondary.slice('google-oauth2|'.length)}`, token);
    expect(unlinked.status).toBe(200);
    const choice = unlinkedPatch('google-oauth2', f.secondary.slice('google-oauth2|'.length), new Date());
    const own = `/api/v2/users/${encodeURIComponent(f.primary)}`;
    // The standalone account is another user now: the primary's token cannot write it.
    const other = await call(f, 'PATCH', `/api/v2/users/${encodeURIComponent(f.secondary)}`, token, { user_metadata: choice });
    expect(other).toMatchObject({ status: 403, body: { errorCode: 'insufficient_scope' } });
    expect(f.tenant.state.getUser(f.secondary)!.user_metadata).toEqual({});
    for (const body of [{ app_metadata: choice }, { app_metadata: { auto_link_exclude: true }, user_metadata: choice }]) {
      expect(await call(f, 'PATCH', own, token, body)).toMatchObject({ status: 403, body: { errorCode: 'insufficient_scope' } });
    }
    expect(f.tenant.state.getUser(f.primary)).toMatchObject({ app_metadata: {}, user_metadata: { theme: 'dark' } });
    // Without update:current_user_metadata the token cannot write it even on its own user.
    const linker = await userToken(f, f.primary, ['openid', 'read:current_user', 'update:current_user_identities']);
    expect((await call(f, 'PATCH', own, linker, { user_metadata: choice })).status).toBe(403);
    const written = await call(f, 'PATCH', own, token, { user_metadata: choice });
    expect(written.status).toBe(200);
    expect(written.body.user_metadata).toEqual({ theme: 'dark', ...choice });
  });
});

describe('POST /api/v2/users/:id/identities with link_with', () => {
  it("links the ID token's user into the token's own user, with Auth0's semantics", async () => {
    const f = fixture();
    const answer = await linkWith(f, await userToken(f, f.primary), await idToken(f, f.secondary));
    expect(answer.status).toBe(201);
    expect(answer.body.map((i: { provider: string }) => i.provider)).toEqual(['auth0', 'google-oauth2']);
    expect(answer.body[1].profileData).toMatchObject({ email: 'ana@x.io', nickname: 'ana' });
    expect(answer.body[1].profileData).not.toHaveProperty('name');
    expect(f.tenant.state.getUser(f.secondary)).toBeUndefined();
    const again = await linkWith(f, await userToken(f, f.primary), await idToken(f, f.secondary));
    expect(again).toMatchObject({ status: 409, body: { message: 'Specified identity already exists.' } });
    const self = await linkWith(f, await userToken(f, f.primary), await idToken(f, f.primary));
    expect(self).toMatchObject({ status: 400, body: { message: 'Main identity and the new one are the same.' } });
  });

  it("refuses a user token for another user: the token's subject must be the path's user", async () => {
    const f = fixture();
    const third = f.tenant.state.createUser({ connection: 'github', email: 'ana@x.io', email_verified: true }).user_id;
    const answer = await linkWith(f, await userToken(f, third), await idToken(f, f.secondary));
    expect(answer).toMatchObject({ status: 403, body: { errorCode: 'insufficient_scope', message: 'Insufficient scope, expected any of: update:users' } });
    expectNotLinked(f);
  });

  it('refuses a user token without update:current_user_identities', async () => {
    const f = fixture();
    const answer = await linkWith(f, await userToken(f, f.primary, ['openid', 'read:current_user']), await idToken(f, f.secondary));
    expect(answer).toMatchObject({
      status: 403,
      body: { message: 'Insufficient scope, expected any of: update:users, update:current_user_identities' },
    });
    expectNotLinked(f);
  });

  it('refuses an ID token signed with another key under the same kid', async () => {
    const f = fixture();
    const genuine = await idToken(f, f.secondary);
    const { header, payload } = jwtParts(genuine);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const input = `${b64(header)}.${b64(payload)}`;
    const forged = `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
    const answer = await linkWith(f, await userToken(f, f.primary), forged);
    expect(answer).toMatchObject({ status: 400, body: { errorCode: 'invalid_body' } });
    expect(answer.body.message).toContain('not signed by this tenant');
    expectNotLinked(f);
  });

  it('refuses an unsigned ID token (alg none)', async () => {
    const f = fixture();
    const { payload } = jwtParts(await idToken(f, f.secondary));
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
    expect((await linkWith(f, await userToken(f, f.primary), unsigned)).status).toBe(400);
    expectNotLinked(f);
  });

  it("refuses an HS256 ID token keyed with the tenant's public key (algorithm confusion)", async () => {
    const f = fixture();
    const { header, payload } = jwtParts(await idToken(f, f.secondary));
    const jwk = await f.tenant.state.signingKeys.publicKey();
    const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const input = `${b64({ ...header, alg: 'HS256' })}.${b64(payload)}`;
    const confused = `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
    const answer = await linkWith(f, await userToken(f, f.primary), confused);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain('not signed by this tenant with RS256');
    expectNotLinked(f);
  });

  it('refuses an expired ID token, by the tenant clock', async () => {
    const f = fixture();
    const token = await userToken(f, f.primary);
    const secondaryIdToken = await idToken(f, f.secondary);
    const later = new Date(Date.now() + 36_001_000);
    f.tenant.state.setClock(() => later);
    const answer = await linkWith(f, token, secondaryIdToken);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain('expired');
    expectNotLinked(f);
  });

  it("refuses an ID token issued to another application than the access token's (aud ≠ azp)", async () => {
    const f = fixture();
    const other = f.tenant.state.addClient({ name: 'other app', scopes: [] });
    const foreign = await linkWith(f, await userToken(f, f.primary), await idToken(f, f.secondary, other.client_id));
    expect(foreign.status).toBe(400);
    expect(foreign.body.message).toContain('aud is not the application (azp)');
    const viaOtherApp = await linkWith(f, await userToken(f, f.primary, USER_SCOPES, other), await idToken(f, f.secondary));
    expect(viaOtherApp.status).toBe(400);
    expectNotLinked(f);
  });

  it('refuses provider, user_id or connection_id sent alongside link_with, and a link_with that is not a string', async () => {
    const f = fixture();
    const token = await userToken(f, f.primary);
    const secondaryIdToken = await idToken(f, f.secondary);
    for (const extra of [{ provider: 'google-oauth2' }, { user_id: f.secondary.split('|')[1] }, { connection_id: f.tenant.state.connection(DATABASE)!.id }]) {
      const answer = await call(f, 'POST', identitiesOf(f.primary), token, { link_with: secondaryIdToken, ...extra });
      expect(answer).toMatchObject({ status: 400, body: { errorCode: 'invalid_body' } });
      expect(answer.body.message).toContain(Object.keys(extra)[0]);
    }
    expect((await call(f, 'POST', identitiesOf(f.primary), token, { link_with: 42 })).status).toBe(400);
    expectNotLinked(f);
  });

  it('refuses a user token naming the secondary by provider and user_id (the update:users way)', async () => {
    const f = fixture();
    const [provider, id] = f.secondary.split('|');
    const answer = await call(f, 'POST', identitiesOf(f.primary), await userToken(f, f.primary), { provider, user_id: id });
    expect(answer).toMatchObject({ status: 403, body: { message: 'Insufficient scope, expected any of: update:users' } });
    expectNotLinked(f);
  });

  it('takes link_with from an M2M token too, whose azp must still be the ID token’s aud', async () => {
    const f = fixture();
    const m2m = await managementToken(f.tenant, f.client);
    expect((await linkWith(f, m2m, await idToken(f, f.secondary))).status).toBe(400);
    expect((await linkWith(f, m2m, await idToken(f, f.secondary, f.client.client_id))).status).toBe(201);
  });
});

describe('DELETE /api/v2/users/:id/identities/:provider/:user_id with a user token', () => {
  it('unlinks from its own user only', async () => {
    const f = fixture();
    const third = f.tenant.state.createUser({ connection: 'github', email: 'ana@x.io', email_verified: true }).user_id;
    expect((await linkWith(f, await userToken(f, f.primary), await idToken(f, f.secondary))).status).toBe(201);
    const [provider, id] = f.secondary.split('|');
    const path = `${identitiesOf(f.primary)}/${provider}/${id}`;
    expect(await call(f, 'DELETE', path, await userToken(f, third))).toMatchObject({ status: 403, body: { errorCode: 'insufficient_scope' } });
    expect(f.tenant.state.getUser(f.secondary)).toBeUndefined();
    const unlinked = await call(f, 'DELETE', path, await userToken(f, f.primary));
    expect(unlinked.status).toBe(200);
    expect(unlinked.body.map((i: { provider: string }) => i.provider)).toEqual(['auth0']);
    expect(f.tenant.state.getUser(f.secondary)).toBeDefined();
  });
});

describe('link_with through the unmodified auth0 SDK (ManagementClient with the user token)', () => {
  const sdkFor = (f: Fixture, token: string) => new ManagementClient({ domain: f.tenant.domain, token, maxRetries: 0 });

  it('links with users.identities.link and unlinks with users.identities.delete', async () => {
    const f = fixture();
    const sdk = sdkFor(f, await userToken(f, f.primary));
    const linked = await sdk.users.identities.link(f.primary, { link_with: await idToken(f, f.secondary) });
    expect(linked.map((i) => i.provider)).toEqual(['auth0', 'google-oauth2']);
    const [provider, id] = f.secondary.split('|');
    const left = await sdk.users.identities.delete(f.primary, provider as never, id!);
    expect(left.map((i) => i.provider)).toEqual(['auth0']);
  });

  it('surfaces the refusals as ManagementError with their status', async () => {
    const f = fixture();
    const other = f.tenant.state.addClient({ name: 'other app', scopes: [] });
    const sdk = sdkFor(f, await userToken(f, f.primary));
    const refused = async (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error,
      );
    const foreign = await refused(sdk.users.identities.link(f.primary, { link_with: await idToken(f, f.secondary, other.client_id) }));
    expect(foreign).toBeInstanceOf(ManagementError);
    expect((foreign as ManagementError).statusCode).toBe(400);
    const stranger = await refused(sdkFor(f, await userToken(f, f.secondary)).users.identities.link(f.primary, { link_with: await idToken(f, f.secondary) }));
    expect((stranger as ManagementError).statusCode).toBe(403);
    expectNotLinked(f);
  });
});
