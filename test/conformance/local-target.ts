// The local tenant as a replay target: a fresh tenant per cassette over loopback HTTP, on a frozen clock the replay steps,
// seeded with what the recorded tenant held (its Default Directory) and with the users and connections a recorded test
// made through routes the local tenant does not serve.
import { randomUUID } from 'node:crypto';
import {
  createLocalTenant,
  DATABASE_CONNECTION,
  issueUserAccessToken,
  type LocalTenant,
  type NewUser,
  serveHttp,
  type TenantHttpServer,
  TenantState,
} from '../../local-tenant/index.ts';
import type { Cassette, Interaction } from './cassettes.ts';
import type { Answer, ReplayContext, SentRequest, Target } from './replay.ts';

/** The recorded tenant's Default Directory, with the id the recordings name. */
export const RECORDED_DATABASE_ID = 'con_ftSSLHb0O7rcUGmF';

/** Every Management API scope the replayed requests need: the recorded tests ran with a token holding all of them. */
const ADMIN_SCOPES = [
  'read:users',
  'update:users',
  'create:users',
  'delete:users',
  'read:actions',
  'create:actions',
  'update:actions',
  'read:clients',
  'read:client_keys',
  'create:clients',
  'update:clients',
  'update:client_keys',
  'read:client_grants',
  'create:client_grants',
  'read:connections',
];

/** One replay step on the tenant's clock: longer than the search index's delay, shorter than a build. */
const STEP_MS = 5_000;
const BUILD_DELAY_MS = 12_000;
const DEPLOY_DELAY_MS = 1_000;

/** Which recorded requests the local tenant serves: the conformance cases (the rest are set up instead). */
export function isConformanceCase(method: string, path: string): boolean {
  routePatterns ??= createLocalTenant().routes.map((route) => ({
    method: route.method,
    regex: new RegExp(`^${route.path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+')}$`),
  }));
  return routePatterns.some((p) => p.method === method && p.regex.test(path));
}

let routePatterns: Array<{ method: string; regex: RegExp }> | undefined;

export class LocalTarget implements Target {
  tenant!: LocalTenant;
  private server: TenantHttpServer | undefined;
  private time = Date.parse('2026-01-01T00:00:00Z');
  private adminToken: string | undefined;

  async prepare(cassette: Cassette, context: ReplayContext): Promise<void> {
    await this.close();
    const state = new TenantState({ domain: 'conformance.local', now: () => new Date(this.time) });
    this.tenant = createLocalTenant({ state });
    this.tenant.actions.setBuildDelay(BUILD_DELAY_MS);
    this.tenant.actions.setDeployDelay(DEPLOY_DELAY_MS);
    state.addConnection({ name: DATABASE_CONNECTION, strategy: 'auth0', id: RECORDED_DATABASE_ID });
    state.authentication.defaultDirectory = DATABASE_CONNECTION;
    state.addClient({ name: 'conformance admin', client_id: 'conformance-admin', scopes: ADMIN_SCOPES });
    this.server = await serveHttp(this.tenant);
    this.adminToken = undefined;
    if (cassette.name.startsWith('authentication/')) this.preparePlaceholders(cassette, context);
  }

  /**
   * go-auth0's authentication cassettes were written by hand with placeholders (`test-client_id`, `test-audience`,
   * `test-user`): the local tenant gets an application and a user under those names.
   */
  private preparePlaceholders(cassette: Cassette, context: ReplayContext): void {
    const state = this.tenant.state;
    // A request without client_secret (PKCE, the password grant of a native application) comes from a public client.
    const publicClient = cassette.interactions.every((i) => !i.request.body.includes('client_secret='));
    state.addClient({
      ...(publicClient ? { token_endpoint_auth_method: 'none' as const } : {}),
      name: 'test client',
      client_id: 'test-client_id',
      client_secret: 'test-client_secret',
      scopes: ['read:users'],
      app_type: 'regular_web',
      grant_types: ['authorization_code', 'client_credentials', 'password', 'refresh_token'],
    });
    state.createUser({ connection: DATABASE_CONNECTION, email: 'test-user@example.com', email_verified: true, password: 'Testpassword123!' });
    context.ids.set('test-audience', this.tenant.audience);
    context.ids.set('username=test-user', 'username=test-user%40example.com');
  }

  async setup(interaction: Interaction, context: ReplayContext): Promise<void> {
    const { method, path, body } = interaction.request;
    const route = `${method} ${path.split('?')[0]!}`;
    const state = this.tenant.state;
    const recorded = parseJson(interaction.response.body);
    if (route === 'POST /api/v2/users') {
      const input = parseJson(body) as Record<string, unknown>;
      const ownId = String(recorded.user_id).split('|')[1]!;
      state.createUser({ ...(pick(input, NEW_USER_FIELDS) as unknown as NewUser), id: ownId });
      return;
    }
    if (route === 'POST /api/v2/connections') {
      const input = parseJson(body) as { name: string; strategy: string };
      state.addConnection({ name: input.name, strategy: input.strategy, id: String(recorded.id) });
      return;
    }
    if (route === 'POST /api/v2/jobs/users-imports') {
      // The import's file, as the multipart body carries it; its users are created as the job would.
      const connectionId = /name="connection_id"\r?\n\r?\n(\S+)/.exec(body)?.[1];
      const users = JSON.parse(/filename="users.json"[\s\S]*?\r?\n\r?\n(\[[\s\S]*?\])\r?\n--/.exec(body)![1]!) as Array<Record<string, unknown>>;
      const connection = state.connectionById(connectionId!)!;
      for (const user of users) state.createUser({ ...(pick(user, NEW_USER_FIELDS) as unknown as NewUser), connection: connection.name });
      return;
    }
    if (/^DELETE \/api\/v2\/users\/[^/]+$/.test(route)) {
      const id = decodeURIComponent(context.mapText(path.split('/').pop()!));
      if (state.getUser(id)) state.deleteUser(id);
      return;
    }
    if (/^DELETE \/api\/v2\/(actions\/actions|clients)\/[^/]+$/.test(route)) {
      // The tenant deletes no Action or application: the deleted one's id maps to an id it never made, so later requests
      // find none, as on the recorded tenant.
      const recordedId = path.split('/').pop()!;
      if (interaction.response.status < 300) context.ids.set(recordedId, randomUUID());
      return;
    }
    // Clean-up of what the recorded test made, and a resource server the local tenant does not model (it has one API).
    if (method === 'DELETE' || route === 'POST /api/v2/resource-servers') return;
    throw new Error(`${interaction.name}: ${route} is neither served by the local tenant nor set up by the replay`);
  }

  async authorization(interaction: Interaction): Promise<string | undefined> {
    const path = interaction.request.path;
    if (path === '/oauth/token') return undefined;
    if (path === '/userinfo') {
      const user = this.tenant.state.usersByEmail('test-user@example.com')[0]!;
      const issued = await issueUserAccessToken(this.tenant.state, {
        userId: user.user_id,
        clientId: 'test-client_id',
        scopes: ['openid', 'profile', 'email'],
      });
      return `Bearer ${issued.token}`;
    }
    this.adminToken ??= await this.managementToken();
    return `Bearer ${this.adminToken}`;
  }

  private async managementToken(): Promise<string> {
    const response = await this.send({
      method: 'POST',
      path: '/oauth/token',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'conformance-admin',
        client_secret: this.tenant.state.client('conformance-admin')!.client_secret,
        audience: this.tenant.audience,
      }),
    });
    return (JSON.parse(response.text) as { access_token: string }).access_token;
  }

  async send(request: SentRequest): Promise<Answer> {
    const response = await fetch(`${this.server!.url}${request.path}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    return { status: response.status, contentType: response.headers.get('content-type') ?? undefined, text: await response.text() };
  }

  tick(): void {
    this.time += STEP_MS;
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }
}

/** What a `POST /api/v2/users` body gives the local tenant's createUser. */
const NEW_USER_FIELDS = [
  'connection',
  'email',
  'email_verified',
  'name',
  'nickname',
  'picture',
  'given_name',
  'family_name',
  'username',
  'blocked',
  'app_metadata',
  'user_metadata',
  'password',
] as const;

function pick(input: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => input[key] !== undefined).map((key) => [key, input[key]]));
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
