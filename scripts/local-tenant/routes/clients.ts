// Management API applications and their grants: POST/GET /clients, GET /clients/{id}, POST/GET /client-grants (M2M on the Management API only).
// A client's grant is its `scopes` in the TenantState (what the token endpoint issues), so a grant made here lets the
// client get a token at once. Shapes from the Management API reference and the `auth0` SDK's types; `client_secret` is
// answered on create and otherwise only to a token with read:client_keys, as Auth0 does.
import { createHash } from 'node:crypto';
import { ApiError } from '../api-error.ts';
import { boolParam, fieldSelector, intParam, pageParams, readJsonObject } from '../request-input.ts';
import type { RouteContext, RouteGroup } from '../route.ts';
import type { Client, TenantState } from '../state.ts';

/** What the local tenant keeps about an application beyond the TenantState's client (id, secret, name, scopes). */
interface ClientProfile {
  app_type: string;
  description?: string;
  grant_types: string[];
  created_at: string;
}

const profiles = new WeakMap<TenantState, Map<string, ClientProfile>>();

const APP_TYPES = new Set(['non_interactive', 'spa', 'native', 'regular_web']);

export const clientRoutes: RouteGroup = [
  {
    method: 'POST',
    path: '/api/v2/clients',
    scopes: ['create:clients'],
    async handle({ request, state, domain }) {
      const body = await readJsonObject(request);
      if (typeof body.name !== 'string' || body.name.trim() === '') throw invalid('name is required');
      const appType = body.app_type ?? 'non_interactive';
      if (typeof appType !== 'string' || !APP_TYPES.has(appType)) throw invalid(`app_type must be one of ${[...APP_TYPES].join(', ')}`);
      const grantTypes = body.grant_types ?? (appType === 'non_interactive' ? ['client_credentials'] : ['authorization_code', 'implicit', 'refresh_token']);
      if (!Array.isArray(grantTypes) || grantTypes.some((g) => typeof g !== 'string')) throw invalid('grant_types must be an array of strings');
      const client = state.addClient({ name: body.name, scopes: [] });
      const profile: ClientProfile = { app_type: appType, grant_types: grantTypes as string[], created_at: state.now().toISOString() };
      if (typeof body.description === 'string') profile.description = body.description;
      profilesOf(state).set(client.client_id, profile);
      return { status: 201, body: clientJson(state, domain, client, true) };
    },
  },
  {
    method: 'GET',
    path: '/api/v2/clients',
    scopes: ['read:clients', 'read:client_keys'],
    handle(context) {
      const { url, state, domain } = context;
      const { perPage, start } = pageParams(url);
      const appType = url.searchParams.get('app_type');
      const select = fieldSelector(url);
      const all = state.listClients().filter((c) => appType === null || appType.split(',').includes(profileOf(state, c).app_type));
      const clients = all.slice(start, start + perPage).map((c) => select(clientJson(state, domain, c, mayReadKeys(context))));
      if (!boolParam(url, 'include_totals', false)) return { body: clients };
      return { body: { start, limit: perPage, length: clients.length, total: all.length, clients } };
    },
  },
  {
    method: 'GET',
    path: '/api/v2/clients/:id',
    scopes: ['read:clients', 'read:client_keys'],
    handle(context) {
      const { params, state, domain, url } = context;
      const client = state.client(params.id!);
      if (!client) throw new ApiError(404, 'The client does not exist', 'inexistent_client');
      return { body: fieldSelector(url)(clientJson(state, domain, client, mayReadKeys(context))) };
    },
  },
  {
    method: 'POST',
    path: '/api/v2/client-grants',
    scopes: ['create:client_grants'],
    async handle({ request, state, domain }) {
      const body = await readJsonObject(request);
      const client = typeof body.client_id === 'string' ? state.client(body.client_id) : undefined;
      if (!client) throw new ApiError(404, 'Client not found', 'inexistent_client');
      if (body.audience !== audienceOf(domain)) {
        // The local tenant has one API, the Management API.
        throw new ApiError(404, `No resource server found for audience ${String(body.audience)}`, 'inexistent_resource_server');
      }
      const scope = body.scope ?? [];
      if (!Array.isArray(scope) || scope.some((s) => typeof s !== 'string' || s === '')) throw invalid('scope must be an array of scope names');
      if (client.scopes.length > 0) throw new ApiError(409, 'A client grant for this client and audience already exists.', 'conflict');
      // The token endpoint refuses a client without scopes as ungranted, so an empty grant is not recorded.
      client.scopes.splice(0, client.scopes.length, ...new Set(scope as string[]));
      return { status: 201, body: grantJson(domain, client) };
    },
  },
  {
    method: 'GET',
    path: '/api/v2/client-grants',
    scopes: ['read:client_grants'],
    handle({ url, state, domain }) {
      const clientId = url.searchParams.get('client_id');
      const audience = url.searchParams.get('audience');
      const all = state
        .listClients()
        .filter((c) => c.scopes.length > 0 && (clientId === null || c.client_id === clientId) && (audience === null || audience === audienceOf(domain)))
        .map((c) => grantJson(domain, c));
      // Checkpoint paging (`from`, `take`, answer `next`), as the SDK pages this endpoint.
      const from = intParam(url, 'from', 0, 0, Number.MAX_SAFE_INTEGER);
      const take = intParam(url, 'take', 50, 1, 100);
      const grants = all.slice(from, from + take);
      const next = from + take < all.length ? { next: String(from + take) } : {};
      if (!boolParam(url, 'include_totals', false)) return { body: { client_grants: grants, ...next } };
      return { body: { start: from, limit: take, total: all.length, client_grants: grants, ...next } };
    },
  },
];

function clientJson(state: TenantState, domain: string, client: Client, withSecret: boolean): Record<string, unknown> {
  const profile = profileOf(state, client);
  return {
    client_id: client.client_id,
    tenant: domain.split('.')[0],
    name: client.name,
    ...(profile.description === undefined ? {} : { description: profile.description }),
    global: false,
    is_first_party: true,
    oidc_conformant: true,
    app_type: profile.app_type,
    grant_types: profile.grant_types,
    token_endpoint_auth_method: 'client_secret_post',
    callbacks: [],
    allowed_origins: [],
    web_origins: [],
    allowed_logout_urls: [],
    client_metadata: {},
    created_at: profile.created_at,
    ...(withSecret ? { client_secret: client.client_secret } : {}),
  };
}

function grantJson(domain: string, client: Client): Record<string, unknown> {
  return { id: grantIdOf(client), client_id: client.client_id, audience: audienceOf(domain), scope: [...client.scopes] };
}

/** A stable grant id per client: the local tenant holds at most one grant per client (on its only API). */
function grantIdOf(client: Client): string {
  return `cgr_${createHash('sha256').update(client.client_id).digest('hex').slice(0, 16)}`;
}

function audienceOf(domain: string): string {
  return `https://${domain}/api/v2/`;
}

function mayReadKeys(context: RouteContext): boolean {
  return context.grant?.scopes.has('read:client_keys') ?? false;
}

function profilesOf(state: TenantState): Map<string, ClientProfile> {
  let map = profiles.get(state);
  if (!map) {
    map = new Map();
    profiles.set(state, map);
  }
  return map;
}

/** Clients added to the state directly (seeds, tests) are M2M applications. */
function profileOf(state: TenantState, client: Client): ClientProfile {
  return profilesOf(state).get(client.client_id) ?? { app_type: 'non_interactive', grant_types: ['client_credentials'], created_at: state.now().toISOString() };
}

function invalid(detail: string): ApiError {
  return new ApiError(400, `Payload validation error: ${detail}.`, 'invalid_body');
}
