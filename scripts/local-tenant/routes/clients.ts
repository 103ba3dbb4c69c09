// Management API applications and their grants: POST/GET /clients, GET/PATCH /clients/{id}, POST/GET /client-grants (M2M on the Management API only).
// A client's grant is its `scopes` in the TenantState (what the token endpoint issues), so a grant made here lets the
// client get a token at once; its login settings (app_type, callbacks, grant_types, token_endpoint_auth_method) are the
// Client's own, which /authorize and the token endpoint read. Shapes from the Management API reference and the `auth0`
// SDK's types; `client_secret` is answered on create and otherwise only to a token with read:client_keys, as Auth0 does.
import { createHash } from 'node:crypto';
import { ApiError } from '../api-error.ts';
import { boolParam, fieldSelector, intParam, pageParams, readJsonObject } from '../request-input.ts';
import type { RouteContext, RouteGroup } from '../route.ts';
import type { Client, TenantState } from '../state.ts';

const APP_TYPES = new Set(['non_interactive', 'spa', 'native', 'regular_web']);
const AUTH_METHODS = new Set(['client_secret_post', 'client_secret_basic', 'none']);

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
      const settings = loginSettings({
        grant_types: appType === 'non_interactive' ? ['client_credentials'] : ['authorization_code', 'implicit', 'refresh_token'],
        token_endpoint_auth_method: appType === 'spa' || appType === 'native' ? 'none' : 'client_secret_post',
        ...body,
        app_type: appType,
      });
      const client = state.addClient({
        name: body.name,
        scopes: [],
        ...settings,
        ...(typeof body.description === 'string' ? { description: body.description } : {}),
      });
      return { status: 201, body: clientJson(domain, client, true) };
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
      const all = state.listClients().filter((c) => appType === null || appType.split(',').includes(c.app_type ?? 'non_interactive'));
      const clients = all.slice(start, start + perPage).map((c) => select(clientJson(domain, c, mayReadKeys(context))));
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
      return { body: fieldSelector(url)(clientJson(domain, client, mayReadKeys(context))) };
    },
  },
  {
    method: 'PATCH',
    path: '/api/v2/clients/:id',
    scopes: ['update:clients'],
    async handle({ params, request, state, domain }) {
      const client = state.client(params.id!);
      if (!client) throw new ApiError(404, 'The client does not exist', 'inexistent_client');
      const body = await readJsonObject(request);
      if (body.name !== undefined && (typeof body.name !== 'string' || body.name.trim() === '')) throw invalid('name must be a non-empty string');
      if (body.app_type !== undefined && (typeof body.app_type !== 'string' || !APP_TYPES.has(body.app_type))) {
        throw invalid(`app_type must be one of ${[...APP_TYPES].join(', ')}`);
      }
      // A PATCH sets each field it names, lists whole; the rest stays.
      Object.assign(client, loginSettings(body));
      if (typeof body.name === 'string') client.name = body.name;
      if (typeof body.description === 'string') client.description = body.description;
      return { body: clientJson(domain, client, false) };
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

function clientJson(domain: string, client: Client, withSecret: boolean): Record<string, unknown> {
  return {
    client_id: client.client_id,
    tenant: domain.split('.')[0],
    name: client.name,
    ...(client.description === undefined ? {} : { description: client.description }),
    global: false,
    is_first_party: true,
    oidc_conformant: true,
    app_type: client.app_type ?? 'non_interactive',
    grant_types: client.grant_types ?? ['client_credentials'],
    token_endpoint_auth_method: client.token_endpoint_auth_method ?? 'client_secret_post',
    callbacks: client.callbacks ?? [],
    allowed_origins: [],
    web_origins: [],
    allowed_logout_urls: client.allowed_logout_urls ?? [],
    client_metadata: {},
    created_at: client.created_at,
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

type LoginSettings = Pick<Client, 'app_type' | 'callbacks' | 'allowed_logout_urls' | 'grant_types' | 'token_endpoint_auth_method'>;

/** The login settings a POST or PATCH body names, each checked as Auth0's payload validation does. */
function loginSettings(body: Record<string, unknown>): LoginSettings {
  const settings: LoginSettings = {};
  if (body.app_type !== undefined) settings.app_type = body.app_type as NonNullable<Client['app_type']>;
  for (const field of ['callbacks', 'allowed_logout_urls', 'grant_types'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw invalid(`${field} must be an array of strings`);
    settings[field] = [...(value as string[])];
  }
  const method = body.token_endpoint_auth_method;
  if (method !== undefined) {
    if (typeof method !== 'string' || !AUTH_METHODS.has(method)) throw invalid(`token_endpoint_auth_method must be one of ${[...AUTH_METHODS].join(', ')}`);
    settings.token_endpoint_auth_method = method as NonNullable<Client['token_endpoint_auth_method']>;
  }
  return settings;
}

function invalid(detail: string): ApiError {
  return new ApiError(400, `Payload validation error: ${detail}.`, 'invalid_body');
}
