// `npm run deploy` for confirmed linking: custom databases found and passed on, the linking page's application created or
// reused, LINK_SECRET derived from its client secret and never shown, what the page needs printed, and a rerun writing nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { createLinkPage } from '../link-page/app.ts';
import { loadAssets } from '../link-page/main.ts';
import { readSettings } from '../link-page/settings.ts';
import { buildAction, type BuiltAction } from '../scripts/lib/build-action.ts';
import { deployCommand, deploySpec } from '../scripts/lib/deploy/command.ts';
import { planDeploy } from '../scripts/lib/deploy/plan.ts';
import type { Env } from '../scripts/lib/env.ts';
import type { Client, LocalTenant } from '../local-tenant/index.ts';
import { quiet, runCli, type Run } from './support/cli.ts';
import { deployEnv } from './support/deploy.ts';
import { offerToken } from './support/link-page.ts';
import { createTestTenant, spedUpClock, useInProcessTenant } from './support/tenant.ts';

const PAGE_URL = 'https://link.example.com/account/link';
const CALLBACK = 'https://link.example.com/account/callback';
/** The page's signed-out view: the returnTo of the tenant's /v2/logout on the page's sign-out. */
const SIGNED_OUT = 'https://link.example.com/account/signed-out';
const PAGE_APP = 'auto-link linking page';
const DEPLOYER = [
  'read:actions',
  'create:actions',
  'update:actions',
  'read:connections',
  'create:clients',
  'read:clients',
  'read:client_keys',
  'update:clients',
];

let built: BuiltAction;
beforeAll(async () => {
  built = await buildAction();
});

const get = useInProcessTenant(() => {
  // The tenant's default 4 s builds and 1.5 s deploys, 50 times faster.
  const made = createTestTenant({ now: spedUpClock(50) });
  made.tenant.state.addConnection({
    name: 'legacy-db',
    strategy: 'auth0',
    options: { enabledDatabaseCustomization: true, customScripts: { login: 'function login(email, password, callback) {}' } },
  });
  made.tenant.state.addConnection({ name: 'import-off', strategy: 'auth0', options: { enabledDatabaseCustomization: false } });
  made.tenant.state.addClient({ name: 'deployer', scopes: DEPLOYER });
  return made;
});

function deploy(env: Env, argv: string[] = []): Promise<Run> {
  return runCli(deploySpec, deployCommand({ env, build: async () => built, progressStream: quiet, pollIntervalMs: 10 }), argv);
}

function secretsOf(tenant: LocalTenant): Record<string, string> {
  return tenant.actions.boundActions('post-login')[0]!.secrets;
}

/** Every Management API write a deploy can make. */
function writes(tenant: LocalTenant): number {
  return (
    ['POST', 'PATCH', 'DELETE'].reduce((sum, method) => sum + tenant.requests.count({ method }), 0) -
    tenant.requests.count({ method: 'POST', route: '/oauth/token' })
  );
}

function pageApp(tenant: LocalTenant): Client | undefined {
  return tenant.state.listClients().find((c) => c.name === PAGE_APP);
}

describe('deploy finds custom databases', () => {
  it('passes the custom database connections to the Action as CUSTOM_DATABASES, with those the environment adds', async () => {
    const { tenant, client } = get();
    const first = await deploy(deployEnv(tenant, client));
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('Custom databases (not trusted silently): legacy-db');
    expect(secretsOf(tenant).CUSTOM_DATABASES).toBe('legacy-db');
    const added = await deploy(deployEnv(tenant, client, { CUSTOM_DATABASES: 'partner-db, legacy-db' }), ['--json']);
    expect(added.json).toMatchObject({ customDatabases: ['legacy-db'], action: { step: 'update' } });
    expect(secretsOf(tenant).CUSTOM_DATABASES).toBe('legacy-db,partner-db');
    const malformed = await deploy(deployEnv(tenant, client, { CUSTOM_DATABASES: 'a,,b' }));
    expect(malformed.stderr.trim()).toBe('error: CUSTOM_DATABASES is malformed: list connection names separated by commas');
  });

  it('without read:connections stops with one line naming the scope and changes nothing', async () => {
    const { tenant, client } = get();
    const limited = tenant.state.addClient({ name: 'limited', scopes: ['read:actions', 'create:actions', 'update:actions'] });
    const run = await deploy({ ...deployEnv(tenant, client), AUTH0_CLIENT_ID: limited.client_id, AUTH0_CLIENT_SECRET: limited.client_secret });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('grant it read:connections');
    expect(tenant.actions.list()).toHaveLength(0);
  });

  it('drops CUSTOM_DATABASES unasked once the tenant has none, but no other secret', () => {
    const current = {
      id: 'act_1',
      name: 'auto-link',
      code: '',
      runtime: 'node22',
      secretNames: ['AUTH0_DOMAIN', 'CUSTOM_DATABASES', 'LINK_PAGE_URL'],
      status: 'built',
      allChangesDeployed: true,
      deployedVersion: { id: 'v1', number: 1 },
      supportedTriggers: [{ id: 'post-login', version: 'v3' }],
    };
    const options = { position: { kind: 'first' as const }, allowDropSecrets: false, force: false, managedSecrets: ['CUSTOM_DATABASES'] };
    const desired = { name: 'auto-link', codeAndSecretsUnchanged: false };
    expect(planDeploy(current, [], { ...desired, secretNames: ['AUTH0_DOMAIN', 'LINK_PAGE_URL'] }, options).refusal).toBeUndefined();
    expect(planDeploy(current, [], { ...desired, secretNames: ['AUTH0_DOMAIN'] }, options).refusal).toContain('has secret LINK_PAGE_URL');
  });
});

describe("deploy sets up the linking page's application", () => {
  it('creates it, derives LINK_SECRET from its secret, prints what the page needs without a secret, and a rerun writes nothing', async () => {
    const { tenant, client } = get();
    const run = await deploy(deployEnv(tenant, client, { LINK_PAGE_URL: PAGE_URL }));
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const app = pageApp(tenant)!;
    expect(app).toMatchObject({
      app_type: 'regular_web',
      callbacks: [CALLBACK],
      allowed_logout_urls: [SIGNED_OUT],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_post',
    });
    const secrets = secretsOf(tenant);
    expect(secrets).toMatchObject({ LINK_PAGE_URL: PAGE_URL, LINK_PAGE_CLIENT_ID: app.client_id });
    expect(secrets.LINK_SECRET).toBe(createHmac('sha256', app.client_secret).update('auto-link link secret v1').digest('base64url'));
    expect(run.stdout).toContain(`Linking page application "${PAGE_APP}": created, callback ${CALLBACK}`);
    expect(run.stdout).toContain(`    AUTH0_DOMAIN=${tenant.domain}\n    LINK_PAGE_URL=${PAGE_URL}\n    LINK_PAGE_CLIENT_ID=${app.client_id}\n`);
    expect(run.stdout).toContain(`LINK_PAGE_CLIENT_SECRET: the client secret of "${PAGE_APP}": read it in the Auth0 dashboard`);
    for (const secret of [app.client_secret, secrets.LINK_SECRET!]) expect(run.stdout + run.stderr).not.toContain(secret);

    const before = writes(tenant);
    const again = await deploy(deployEnv(tenant, client, { LINK_PAGE_URL: PAGE_URL }), ['--json']);
    expect(again.json).toMatchObject({ changed: false, linkPage: { clientId: app.client_id, created: false, changes: [] } });
    expect(JSON.stringify(again.json)).not.toContain(app.client_secret);
    expect(writes(tenant)).toBe(before);
  });

  it('the page set up from what deploy printed accepts the offers the Action signs with its LINK_SECRET', async () => {
    const { tenant, client } = get();
    const run = await deploy(deployEnv(tenant, client, { LINK_PAGE_URL: 'http://127.0.0.1:3999/link' }), ['--json']);
    const printed = (run.json!.linkPage as { env: Record<string, string> }).env;
    const app = pageApp(tenant)!;
    // The admin adds the client secret from the dashboard and leaves LINK_SECRET unset.
    const page = await createLinkPage(readSettings({ ...printed, LINK_PAGE_CLIENT_SECRET: app.client_secret }), { assets: await loadAssets(), log: () => {} });
    const offers = [{ user_id: 'google-oauth2|1', provider: 'google-oauth2', connection: 'google-oauth2' }];
    const offer = await offerToken({ issuer: tenant.domain, sub: 'waad|1', offers, secret: secretsOf(tenant).LINK_SECRET! });
    const accepted = await page.fetch(new Request(`http://127.0.0.1:3999/link?offer=${offer}&state=s1`));
    expect(accepted.status).toBe(303);
    const forged = await offerToken({ issuer: tenant.domain, sub: 'waad|1', offers, secret: 'another-link-secret-of-enough-length-000' });
    expect((await page.fetch(new Request(`http://127.0.0.1:3999/link?offer=${forged}&state=s1`))).status).toBe(400);
  });

  it("prints the tenant's brand and connection names as page settings, and only warns when it may not read them", async () => {
    const { tenant, client } = get();
    tenant.state.addConnection({ name: 'contoso-entra', strategy: 'waad', display_name: 'Contoso' });
    tenant.state.branding = { logo_url: 'https://cdn.contoso.example/logo.png', colors: { primary: '#0A6E4F', page_background: '#102a43' } };
    tenant.state.tenantSettings = { friendly_name: 'Contoso Travel', picture_url: 'https://cdn.contoso.example/picture.png' };
    const denied = await deploy(deployEnv(tenant, client, { LINK_PAGE_URL: PAGE_URL }), ['--json']);
    expect(denied.code).toBe(0);
    expect((denied.json!.linkPage as { env: Record<string, string> }).env).toEqual({
      AUTH0_DOMAIN: tenant.domain,
      LINK_PAGE_URL: PAGE_URL,
      LINK_PAGE_CLIENT_ID: pageApp(tenant)!.client_id,
      LINK_PAGE_CONNECTION_LABELS: 'contoso-entra=Contoso',
    });
    expect(denied.json!.warnings).toEqual([
      "the deployer may not read the Universal Login branding (grant it read:branding): the linking page's settings leave it out",
      "the deployer may not read the tenant settings (grant it read:tenant_settings): the linking page's settings leave it out",
    ]);

    const deployer = tenant.state.addClient({ name: 'deployer with branding', scopes: [...DEPLOYER, 'read:branding', 'read:tenant_settings'] });
    const run = await deploy(
      deployEnv(tenant, client, { LINK_PAGE_URL: PAGE_URL, AUTH0_CLIENT_ID: deployer.client_id, AUTH0_CLIENT_SECRET: deployer.client_secret }),
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(
      [
        '    LINK_PAGE_BRAND_NAME=Contoso Travel',
        '    LINK_PAGE_LOGO_URL=https://cdn.contoso.example/logo.png',
        '    LINK_PAGE_PRIMARY_COLOR=#0A6E4F',
        '    LINK_PAGE_BACKGROUND_COLOR=#102a43',
        '    LINK_PAGE_CONNECTION_LABELS=contoso-entra=Contoso',
      ].join('\n'),
    );
    expect(run.stdout).not.toContain('warning');
    // The page takes what was printed: the name, the logo (its origin allowed for images), the colours.
    const printed = Object.fromEntries([...run.stdout.matchAll(/^ {4}([A-Z_0-9]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    const settings = readSettings({ ...printed, LINK_PAGE_CLIENT_SECRET: 'x' });
    expect(settings.brand).toEqual({
      name: 'Contoso Travel',
      logoUrl: 'https://cdn.contoso.example/logo.png',
      primaryColor: '#0a6e4f',
      backgroundColor: '#102a43',
    });
    expect(settings.connectionLabels).toEqual({ 'contoso-entra': 'Contoso' });
  });

  it('reuses an application of that name, adding only what the page needs and keeping its other callbacks', async () => {
    const { tenant, client } = get();
    const existing = tenant.state.addClient({
      name: PAGE_APP,
      scopes: [],
      app_type: 'regular_web',
      callbacks: ['https://other.example.com/cb'],
      allowed_logout_urls: ['https://other.example.com/'],
      grant_types: ['refresh_token'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    const dry = await deploy(deployEnv(tenant, client, { LINK_PAGE_URL: PAGE_URL }), ['--dry-run']);
    expect(dry.stdout).toContain(
      `Linking page application "${PAGE_APP}": would update (callback ${CALLBACK} added; logout URL ${SIGNED_OUT} added; grant authorization_code added; token endpoint authentication client_secret_basic → client_secret_post)`,
    );
    expect(existing.callbacks).toEqual(['https://other.example.com/cb']);
    const run = await deploy(deployEnv(tenant, client, { LINK_PAGE_URL: PAGE_URL }));
    expect(run.code).toBe(0);
    expect(existing).toMatchObject({
      callbacks: ['https://other.example.com/cb', CALLBACK],
      allowed_logout_urls: ['https://other.example.com/', SIGNED_OUT],
      grant_types: ['refresh_token', 'authorization_code'],
      token_endpoint_auth_method: 'client_secret_post',
    });
    expect(secretsOf(tenant).LINK_PAGE_CLIENT_ID).toBe(existing.client_id);

    // A rotated client secret rotates LINK_SECRET: the stamp sees the new value and the Action is updated.
    existing.client_secret = 'a-rotated-page-client-secret-0123456789';
    const rotated = await deploy(deployEnv(tenant, client, { LINK_PAGE_URL: PAGE_URL }), ['--json']);
    expect(rotated.json).toMatchObject({ changed: true, action: { step: 'update', reasons: ['code or secret values changed'] } });
    expect(secretsOf(tenant).LINK_SECRET).toBe(createHmac('sha256', existing.client_secret).update('auto-link link secret v1').digest('base64url'));
  });

  it('--dry-run says it would create the application and writes nothing', async () => {
    const { tenant, client } = get();
    const run = await deploy(deployEnv(tenant, client, { LINK_PAGE_URL: PAGE_URL }), ['--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Linking page application "${PAGE_APP}": would create, callback ${CALLBACK}`);
    expect(run.stdout).toContain('LINK_PAGE_CLIENT_ID=(to be created)');
    expect(writes(tenant)).toBe(0);
    expect(pageApp(tenant)).toBeUndefined();
  });

  it('refuses a malformed LINK_PAGE_URL, a LINK_SECRET in the environment and an application of another type, each in one line', async () => {
    const { tenant, client } = get();
    const cases: Array<[Env, string]> = [
      [{ LINK_PAGE_URL: 'http://link.example.com/link' }, 'error: LINK_PAGE_URL is malformed: use https'],
      [{ LINK_PAGE_URL: 'https://link.example.com/confirm' }, 'error: LINK_PAGE_URL is malformed: use the page URL ending in /link'],
      [
        { LINK_PAGE_URL: PAGE_URL, LINK_SECRET: 'a-hand-made-link-secret-0123456789abcdef' },
        "error: LINK_SECRET comes from the linking page application's client secret (LINK_PAGE_URL), never from the environment: unset LINK_SECRET",
      ],
    ];
    for (const [extra, line] of cases) {
      const run = await deploy(deployEnv(tenant, client, extra));
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr.startsWith(line)).toBe(true);
      expect(run.stderr).not.toContain('a-hand-made-link-secret');
      expect(pageApp(tenant)).toBeUndefined();
    }
    tenant.state.addClient({ name: PAGE_APP, scopes: ['read:users'] });
    const m2m = await deploy(deployEnv(tenant, client, { LINK_PAGE_URL: PAGE_URL }));
    expect(m2m.stderr).toContain(`the application "${PAGE_APP}" is a non_interactive application, not a regular web application`);
    expect(await deploy(deployEnv(tenant, client), ['--page-app-name', 'x'])).toMatchObject({ code: 2 });
    expect(tenant.actions.list()).toHaveLength(0);
  });
});
