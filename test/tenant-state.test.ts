// The tenant state's Auth0 semantics: case-sensitive email lookup, link moves identities and discards metadata, unlink restores a user.
import { describe, expect, it } from 'vitest';
import { TenantState } from '../scripts/tenant/state.ts';

function tenant() {
  const state = new TenantState();
  state.addConnection({ name: 'Username-Password-Authentication', strategy: 'auth0' });
  state.addConnection({ name: 'google-oauth2', strategy: 'google-oauth2' });
  return state;
}

describe('tenant state', () => {
  it('looks emails up case-sensitively, lowercasing database emails on the way in', () => {
    const state = tenant();
    state.createUser({ connection: 'Username-Password-Authentication', email: 'Ann@Example.com', email_verified: true });
    const google = state.createUser({ connection: 'google-oauth2', email: 'Ann@Example.com', email_verified: true });
    expect(state.usersByEmail('ann@example.com')).toHaveLength(1);
    expect(state.usersByEmail('Ann@Example.com').map((u) => u.user_id)).toEqual([google.user_id]);
  });

  it('links: identities move, the secondary disappears with its metadata, its profile becomes profileData', () => {
    const state = tenant();
    const primary = state.createUser({ connection: 'Username-Password-Authentication', email: 'a@x.io', email_verified: true });
    const secondary = state.createUser({ connection: 'google-oauth2', email: 'a@x.io', email_verified: true, user_metadata: { theme: 'dark' } });
    const identities = state.link(primary.user_id, { provider: 'google-oauth2', user_id: secondary.identities[0]!.user_id });
    expect(identities).toHaveLength(2);
    expect(identities[1]!.profileData).toMatchObject({ email: 'a@x.io', email_verified: true });
    expect(state.getUser(secondary.user_id)).toBeUndefined();
    expect(state.usersByEmail('a@x.io').map((u) => u.user_id)).toEqual([primary.user_id]);
    expect(() => state.link(primary.user_id, { provider: 'google-oauth2', user_id: secondary.identities[0]!.user_id })).toThrow('Specified identity already exists.');

    state.unlink(primary.user_id, 'google-oauth2', secondary.identities[0]!.user_id);
    const restored = state.getUser(secondary.user_id);
    expect(restored).toMatchObject({ email: 'a@x.io', user_metadata: {}, app_metadata: {} });
    expect(state.getUser(primary.user_id)!.identities).toHaveLength(1);
  });
});
