// A client seen as a login application: its grants, how it authenticates at the token endpoint, its callbacks and connections.
import type { Connection } from '../../actions/types.ts';
import type { Client, TenantState } from '../state.ts';

/** The grants a client may use: an M2M client without settings has client_credentials only. */
export function grantTypesOf(client: Client): readonly string[] {
  return client.grant_types ?? ['client_credentials'];
}

export function allowsGrant(client: Client, grant: string): boolean {
  return grantTypesOf(client).includes(grant);
}

/** A public client (SPA, native) has no secret to send: it proves a code with PKCE. */
export function isPublicClient(client: Client): boolean {
  return client.token_endpoint_auth_method === 'none';
}

/** Exact match against Allowed Callback URLs: Auth0 compares the whole string (scheme, port, path, trailing slash). */
export function isAllowedCallback(client: Client, redirectUri: string): boolean {
  return (client.callbacks ?? []).includes(redirectUri);
}

/** The connections enabled for the application, in the tenant's order. */
export function connectionsOf(state: TenantState, client: Client): Connection[] {
  const all = state.listConnections();
  return client.connections === undefined ? all : all.filter((c) => client.connections!.includes(c.name));
}
