// The tenant state's Auth0 semantics: case-sensitive email lookup, link moves identities and discards metadata, unlink restores a user.
import { describe, expect, it } from 'vitest';
import { DATABASE_CONNECTION as DB } from '../connection-names.ts';
import { TenantState } from '../state.ts';

function tenant() {
  const state = new TenantState();
  state.addConnection({ name: DB, strategy: 'auth0' });
  state.addConnection({ name: 'google-oauth2', strategy: 'google-oauth2' });
  return state;
}

describe('tenant state', () => {
  it('looks emails up case-sensitively, lowercasing database emails on the way in', () => {
    const state = tenant();
    state.createUser({ connection: DB, email: 'Ann@Example.com', email_verified: true });
    const google = state.createUser({ connection: 'google-oauth2', email: 'Ann@Example.com', email_verified: true });
    expect(state.usersByEmail('ann@example.com')).toHaveLength(1);
    expect(state.usersByEmail('Ann@Example.com').map((u) => u.user_id)).toEqual([google.user_id]);
  });

  it('lowercases a changed database or passwordless email as on create; social emails keep their case', () => {
    const state = tenant();
    const database = state.createUser({ connection: DB, email: 'old@x.io', email_verified: true });
    const google = state.createUser({ connection: 'google-oauth2', email: 'Old@X.io', email_verified: true });
    expect(state.patchUser(database.user_id, { email: 'New@X.io' })).toMatchObject({ email: 'new@x.io', email_verified: false });
    expect(state.patchUser(google.user_id, { email: 'New@X.io', email_verified: true }).email).toBe('New@X.io');
    expect(state.usersByEmail('new@x.io').map((u) => u.user_id)).toEqual([database.user_id]);
    expect(state.patchUser(database.user_id, { email: 'NEW@x.io', email_verified: true }).email_verified).toBe(true);
  });

  it('holds one account per email on a database connection, whatever its case, and the email again on another connection', () => {
    const state = tenant();
    state.addConnection({ name: 'Other-Database', strategy: 'auth0' });
    const ann = state.createUser({ connection: DB, email: 'ann@x.io', email_verified: true });
    expect(() => state.createUser({ connection: DB, email: 'Ann@X.io' })).toThrow('The user already exists.');
    state.createUser({ connection: 'Other-Database', email: 'ann@x.io' });
    state.createUser({ connection: 'google-oauth2', email: 'ann@x.io', email_verified: true });
    state.createUser({ connection: 'google-oauth2', email: 'ann@x.io', email_verified: true });
    expect(state.usersByEmail('ann@x.io')).toHaveLength(4);
    // Linked under another primary, the database identity still holds its email.
    const primary = state.createUser({ connection: 'Other-Database', email: 'bob@x.io', email_verified: true });
    const bob = state.createUser({ connection: DB, email: 'bob@x.io', email_verified: true });
    state.link(primary.user_id, { provider: 'auth0', user_id: bob.identities[0]!.user_id });
    expect(() => state.createUser({ connection: DB, email: 'bob@x.io' })).toThrow('The user already exists.');
    state.deleteUser(ann.user_id);
    expect(state.createUser({ connection: DB, email: 'ann@x.io' }).email).toBe('ann@x.io');
  });

  it('links: identities move, the secondary disappears with its metadata, its profile becomes profileData', () => {
    const state = tenant();
    const primary = state.createUser({ connection: DB, email: 'a@x.io', email_verified: true });
    const secondary = state.createUser({ connection: 'google-oauth2', email: 'a@x.io', email_verified: true, user_metadata: { theme: 'dark' } });
    const identities = state.link(primary.user_id, { provider: 'google-oauth2', user_id: secondary.identities[0]!.user_id });
    expect(identities).toHaveLength(2);
    expect(identities[1]!.profileData).toMatchObject({ email: 'a@x.io', email_verified: true });
    expect(state.getUser(secondary.user_id)).toBeUndefined();
    expect(state.usersByEmail('a@x.io').map((u) => u.user_id)).toEqual([primary.user_id]);
    expect(() => state.link(primary.user_id, { provider: 'google-oauth2', user_id: secondary.identities[0]!.user_id })).toThrow(
      'Specified identity already exists.',
    );

    state.unlink(primary.user_id, 'google-oauth2', secondary.identities[0]!.user_id);
    const restored = state.getUser(secondary.user_id);
    expect(restored).toMatchObject({ email: 'a@x.io', user_metadata: {}, app_metadata: {} });
    expect(state.getUser(primary.user_id)!.identities).toHaveLength(1);
  });
});
