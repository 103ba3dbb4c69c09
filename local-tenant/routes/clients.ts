// Management API applications and their grants: POST/GET /clients, GET/PATCH /clients/{id}, POST/GET /client-grants (M2M on the Management API only).
// A client's grant is its `scopes` in the TenantState (what the token endpoint issues), so a grant made here lets the
// client get a token at once; its login settings (app_type, callbacks, grant_types, token_endpoint_auth_method) are the
// Client's own, which /authorize and the token endpoint read. Shapes from the Management API reference and the `auth0`
// SDK's types; `client_secret` is answered on create and otherwise only to a token with read:client_keys, as Auth0 does.
import { createHash } from 'node:crypto';
import { ApiError } from '../api-error.ts';
import { insufficientScope } from '../guard.ts';
import { boolParam, fieldSelector, intParam, pageParams, readJsonObject } from '../request-input.ts';
import type { RouteContext, RouteGroup } from '../route.ts';
import type { Client } from '../state.ts';

const APP_TYPES = new Set(['non_interactive', 'spa', 'native', 'regular_web']);

/**
 * The grants Auth0 gives an application created through the API without `app_type`, and a regular web application:
 * the four of a real tenant's answers (auth0/go-auth0 test/data/recordings, TestClient_Create.yaml,
 * TestClient_ExpressConfiguration.yaml #14). A non_interactive application gets client_credentials only (a guess: no
 * recording creates one), SPA and native applications the browser grants.
 */
const DEFAULT_GRANTS = ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'];

/**
 * Settings an application answers with although nobody set them: Auth0's defaults, as every recorded answer carries them
 * (TestClient_Create.yaml, _Read.yaml, _Update.yaml). `jwt_configuration` and `refresh_token` are replaced whole by
 * what a request sends, `jwt_configuration` keeping `secret_encoded`.
 */
const DEFAULT_SETTINGS: Readonly<Record<string, unknown>> = {
  is_first_party: true,
  is_token_endpoint_ip_header_trusted: false,
  oidc_conformant: false,
  jwt_configuration: { secret_encoded: false, lifetime_in_seconds: 36000 },
  sso_disabled: false,
  custom_login_page_on: true,
  refresh_token: {
    rotation_type: 'non-rotating',
    expiration_type: 'non-expiring',
    leeway: 0,
    token_lifetime: 2_592_000,
    infinite_token_lifetime: true,
    infinite_idle_token_lifetime: true,
    idle_token_lifetime: 1_296_000,
  },
};

/** Settings the tenant stores and answers as sent, without acting on them. Any other unknown property is dropped. */
const ECHOED_SETTINGS = new Set([
  ...Object.keys(DEFAULT_SETTINGS),
  'cross_origin_authentication',
  'organization_usage',
  'organization_require_behavior',
  'skip_non_verifiable_callback_uri_confirmation_prompt',
  'client_metadata',
  'allowed_origins',
  'web_origins',
  'logo_uri',
  'initiate_login_uri',
  'require_pushed_authorization_requests',
]);
const AUTH_METHODS = new Set(['client_secret_post', 'client_secret_basic', 'none']);

export const clientRoutes: RouteGroup = [
  {
    method: 'POST',
    path: '/api/v2/clients',
    scopes: ['create:clients'],
    async handle({ request, state }) {
      const body = await readJsonObject(request);
      if (typeof body.name !== 'string' || body.name.trim() === '') throw invalid('name is required');
      const appType = body.app_type;
      if (appType !== undefined && (typeof appType !== 'string' || !APP_TYPES.has(appType)))
        throw invalid(`app_type must be one of ${[...APP_TYPES].join(', ')}`);
      // Without app_type the application has none, as on Auth0 (it is answered without one), and the four default grants.
      const settings = loginSettings({
        grant_types:
          appType === 'non_interactive'
            ? ['client_credentials']
            : appType === 'spa' || appType === 'native'
              ? ['authorization_code', 'implicit', 'refresh_token']
              : DEFAULT_GRANTS,
        ...(appType === 'spa' || appType === 'native' ? { token_endpoint_auth_method: 'none' } : {}),
        ...body,
      });
      const client = state.addClient({
        name: body.name,
        scopes: [],
        ...settings,
        ...(typeof body.description === 'string' ? { description: body.description } : {}),
        settings: echoedSettings({}, body),
        ...(appType === undefined ? { untyped: true as const } : {}),
      });
      return { status: 201, body: clientJson(client, true) };
    },
  },
  {
    method: 'GET',
    path: '/api/v2/clients',
    scopes: ['read:clients', 'read:client_keys'],
    handle(context) {
      const { url, state } = context;
      const { perPage, start } = pageParams(url);
      const appType = url.searchParams.get('app_type');
      const select = fieldSelector(url);
      const all = state.listClients().filter((c) => appType === null || appType.split(',').includes(appTypeOf(c) ?? ''));
      const clients = all.slice(start, start + perPage).map((c) => select(clientJson(c, mayReadKeys(context))));
      if (!boolParam(url, 'include_totals', false)) return { body: clients };
      return { body: { total: all.length, start, limit: perPage, clients } };
    },
  },
  {
    method: 'GET',
    path: '/api/v2/clients/:id',
    scopes: ['read:clients', 'read:client_keys'],
    handle(context) {
      const { params, state, url } = context;
      const client = state.client(params.id!);
      if (!client) throw new ApiError(404, 'The client does not exist', 'inexistent_client');
      return { body: fieldSelector(url)(clientJson(client, mayReadKeys(context))) };
    },
  },
  {
    method: 'PATCH',
    path: '/api/v2/clients/:id',
    scopes: ['update:clients', 'update:client_keys'],
    async handle(context) {
      const { params, request, state, grant } = context;
      const client = state.client(params.id!);
      if (!client) throw new ApiError(404, 'The client does not exist', 'inexistent_client');
      const body = await readJsonObject(request);
      // "client_secret … can only be updated with the update:client_keys scope" (Management API v2 explorer, PATCH /clients/{id}).
      if (body.client_secret !== undefined) {
        if (!grant?.scopes.has('update:client_keys')) throw insufficientScope(['update:client_keys']);
        if (typeof body.client_secret !== 'string' || body.client_secret.length < 1) throw invalid('client_secret must be a non-empty string');
        client.client_secret = body.client_secret;
      }
      if (!grant?.scopes.has('update:clients') && Object.keys(body).some((key) => key !== 'client_secret')) throw insufficientScope(['update:clients']);
      if (body.name !== undefined && (typeof body.name !== 'string' || body.name.trim() === '')) throw invalid('name must be a non-empty string');
      if (body.app_type !== undefined && (typeof body.app_type !== 'string' || !APP_TYPES.has(body.app_type))) {
        throw invalid(`app_type must be one of ${[...APP_TYPES].join(', ')}`);
      }
      // A PATCH sets each field it names, lists whole; the rest stays.
      Object.assign(client, loginSettings(body));
      if (body.app_type !== undefined) delete client.untyped;
      if (typeof body.name === 'string') client.name = body.name;
      if (typeof body.description === 'string') client.description = body.description;
      client.settings = echoedSettings(client.settings ?? {}, body);
      // A real tenant answers an update with the secret (auth0/go-auth0 test/data/recordings, TestClient_Update.yaml); the
      // local tenant to a token that may read keys, as for GET.
      return { body: clientJson(client, mayReadKeys(context)) };
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

/**
 * An application as the Management API answers it: what was set, and Auth0's defaults; settings nobody set (callbacks,
 * app_type, token_endpoint_auth_method) are left out, as a real tenant leaves them out (TestClient_Create.yaml). No
 * `created_at`, `tenant` or `global`: a real tenant's answers have none.
 */
function clientJson(client: Client, withSecret: boolean): Record<string, unknown> {
  const settings = { ...DEFAULT_SETTINGS, ...(client.settings ?? {}) };
  return {
    name: client.name,
    ...(client.description === undefined ? {} : { description: client.description }),
    client_id: client.client_id,
    ...(withSecret ? { client_secret: client.client_secret } : {}),
    ...(appTypeOf(client) === undefined ? {} : { app_type: appTypeOf(client) }),
    ...settings,
    ...(client.callbacks === undefined ? {} : { callbacks: client.callbacks }),
    ...(client.allowed_logout_urls === undefined ? {} : { allowed_logout_urls: client.allowed_logout_urls }),
    grant_types: client.grant_types ?? ['client_credentials'],
    ...(client.token_endpoint_auth_method === undefined ? {} : { token_endpoint_auth_method: client.token_endpoint_auth_method }),
  };
}

/** The stored echo-only settings after a POST or PATCH `body`: named ones replaced, `jwt_configuration` keeping `secret_encoded`. */
function echoedSettings(current: Record<string, unknown>, body: Record<string, unknown>): Record<string, unknown> {
  const next = { ...current };
  for (const [key, value] of Object.entries(body)) {
    if (!ECHOED_SETTINGS.has(key)) continue;
    next[key] = key === 'jwt_configuration' && value !== null && typeof value === 'object' ? { secret_encoded: false, ...value } : value;
  }
  return next;
}

/** The app_type answered: its own, none for one created through the API without it, else non_interactive (an M2M client). */
function appTypeOf(client: Client): string | undefined {
  return client.app_type ?? (client.untyped ? undefined : 'non_interactive');
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
