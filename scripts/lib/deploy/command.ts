// `npm run deploy`: flags, credentials and the steps (build, Action client, plan, deploy or roll back, summary), for scripts/deploy.ts and tests.
import { ActionBuildError, buildAction, type BuiltAction } from '../build-action.ts';
import { CliError, numberFlag, UsageError, type CommandReport, type CommandSpec, type ParsedValues } from '../cli.ts';
import type { Env } from '../env.ts';
import { credentialsFromEnv, describeApiError, fetchFor, managementClient } from '../management/client.ts';
import type { Fetch } from '../routed-fetch.cjs';
import { DEFAULT_ACTION_CLIENT_NAME, ensureActionClient, type ActionClient } from './action-client.ts';
import { checkActionCredentials } from './check-action-credentials.ts';
import { findCustomDatabases } from './custom-databases.ts';
import { BindingsNotWrittenError, deployAction, rollbackAction } from './execute.ts';
import { DEFAULT_LINK_PAGE_APP_NAME } from './link-page-app.ts';
import { setUpLinkPage } from './link-page.ts';
import { parsePosition } from './plan.ts';
import { deployReport, deploySummary, rollbackSummary } from './report.ts';
import { actionSecrets, refuseDerivedInEnv } from './secrets.ts';
import { DEPLOYER_SCOPES } from '../settings.ts';

export const DEFAULT_ACTION_NAME = 'auto-link';
const DEFAULT_BUILD_TIMEOUT_S = 120;
/** A deployed version has been seen to go live within seconds; a minute is generous without hanging a CI job. */
const LIVE_TIMEOUT_MS = 60_000;

const options = {
  name: { type: 'string' },
  position: { type: 'string' },
  after: { type: 'string' },
  'dry-run': { type: 'boolean' },
  rollback: { type: 'boolean' },
  force: { type: 'boolean' },
  'allow-drop-secrets': { type: 'boolean' },
  'create-client': { type: 'boolean' },
  'client-name': { type: 'string' },
  'page-app-name': { type: 'string' },
  'build-timeout': { type: 'string' },
} as const;

export const deploySpec: CommandSpec<typeof options> = {
  usage: 'npm run deploy -- [options]',
  summary:
    'Builds the Action and deploys it to the tenant by name: creates or updates it (runtime node22, trigger post-login v3, ' +
    'its secrets), waits for the build, deploys it and binds it to post-login without dropping or reordering other Actions. ' +
    'A rerun with nothing changed changes nothing. Secrets on the tenant that the configuration does not set are never dropped unasked.',
  options,
  values: { name: '<name>', position: 'first|last|<n>', after: '<name>', 'client-name': '<name>', 'build-timeout': '<seconds>' },
  descriptions: {
    name: `the Action's name on the tenant (default ${DEFAULT_ACTION_NAME})`,
    position: 'where it runs in the post-login flow: first (default), last, or a number (1 = first)',
    after: 'run it right after the bound Action of this name',
    'dry-run': 'print the plan (create / update / no change, flow before → after) and change nothing',
    rollback: 'deploy again the previous version of the Action (bindings untouched)',
    force: 'update and deploy even when nothing differs (e.g. after a secret was edited in the dashboard)',
    'allow-drop-secrets': 'delete secrets that are on the tenant but not in the configuration',
    'create-client': "create or reuse the Action's own M2M application (granted only the scopes the Action needs) instead of ACTION_CLIENT_ID/SECRET",
    'client-name': `name of that application (default "${DEFAULT_ACTION_CLIENT_NAME}")`,
    'page-app-name': `name of the linking page's application, found or created when LINK_PAGE_URL is set (default "${DEFAULT_LINK_PAGE_APP_NAME}")`,
    'build-timeout': `seconds to wait for the tenant to build the Action (default ${DEFAULT_BUILD_TIMEOUT_S})`,
  },
  environment: [
    `AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET   the deployer application: ${DEPLOYER_SCOPES.deploy.join(' ')}`,
    `  (with --create-client also ${DEPLOYER_SCOPES.createClient.join(' ')};`,
    `  with LINK_PAGE_URL also ${DEPLOYER_SCOPES.linkPage.join(' ')}, and ${DEPLOYER_SCOPES.brand.join(' ')}`,
    "  for the page's brand settings, which are left out with a warning without them)",
    "LINK_PAGE_URL   the linking page's confirm URL (…/link): deploy finds or creates the page's application and sets LINK_PAGE_URL, LINK_PAGE_CLIENT_ID, LINK_SECRET",
    "ACTION_CLIENT_ID, ACTION_CLIENT_SECRET   the Action's own application (read:users update:users delete:sessions delete:grants), unless --create-client",
    'LINK_MODE, TRUSTED_CONNECTIONS, PRIMARY_CONNECTION, TIME_BUDGET_MS, CLAIM_NAMESPACE, DORMANT_DAYS, LINK_LATER_DAYS   optional Action settings',
    'CUSTOM_DATABASES   custom databases to add to those the deploy finds on the tenant',
    'ACTION_AUTH0_DOMAIN   the domain the Action calls (default AUTH0_DOMAIN; never a custom domain)',
    'AUTH0_BASE_URL   where AUTH0_DOMAIN is really served (the local tenant), e.g. http://127.0.0.1:4010',
  ],
  examples: ['npm run deploy -- --dry-run', 'npm run deploy -- --position last --json', 'npm run deploy -- --create-client', 'npm run deploy -- --rollback'],
};

export interface DeployDeps {
  env: Env;
  /** The fetch the SDK uses (tests: the in-process tenant); AUTH0_BASE_URL routing is added on top. */
  fetch?: Fetch;
  /** The bundle; default buildAction(). */
  build?: () => Promise<BuiltAction>;
  /** Where build progress goes; default stderr. */
  progressStream?: NodeJS.WriteStream;
  /** First wait between build polls (tests shorten it). */
  pollIntervalMs?: number;
  /** How long to wait for a deployed version to go live; default LIVE_TIMEOUT_MS. */
  liveTimeoutMs?: number;
}

export type DeployFlags = ParsedValues<typeof options>;

export function deployCommand(deps: DeployDeps): (flags: DeployFlags) => Promise<CommandReport> {
  return async (flags) => {
    validateFlagCombinations(flags, deps.env);
    refuseDerivedInEnv(deps.env);
    const position = parsePosition(flags.position, flags.after);
    if (typeof position === 'string') throw new UsageError(position);
    const buildTimeoutMs = numberFlag('build-timeout', flags['build-timeout'], DEFAULT_BUILD_TIMEOUT_S, { min: 0.1, max: 3600 }) * 1000;
    const name = flags.name?.trim() || DEFAULT_ACTION_NAME;
    const dryRun = flags['dry-run'] ?? false;
    const credentials = credentialsFromEnv(deps.env, 'npm run deploy');
    // Retries: the SDK retries 429/5xx twice; the calls that create something pass maxRetries 0 themselves.
    const client = managementClient(credentials, { maxRetries: 2, timeoutInSeconds: 30, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
    try {
      if (flags.rollback) {
        const live = {
          timeoutMs: deps.liveTimeoutMs ?? LIVE_TIMEOUT_MS,
          ...(deps.pollIntervalMs ? { intervalMs: deps.pollIntervalMs } : {}),
          progress: { silent: flags.json ?? false, ...(deps.progressStream ? { stream: deps.progressStream } : {}) },
        };
        const result = await rollbackAction(client, name, dryRun, live);
        return { summary: rollbackSummary(name, result, dryRun), result: { ok: true, dryRun, action: { name, id: result.actionId }, rollback: result } };
      }
      const built = await bundle(deps);
      let actionClient: ActionClient | undefined;
      if (flags['create-client']) {
        if (deps.env.ACTION_CLIENT_ID?.trim() || deps.env.ACTION_CLIENT_SECRET?.trim()) {
          throw new CliError('--create-client makes the Action its own application: unset ACTION_CLIENT_ID and ACTION_CLIENT_SECRET, or drop --create-client');
        }
        actionClient = await ensureActionClient(
          client,
          `https://${credentials.domain}/api/v2/`,
          flags['client-name']?.trim() || DEFAULT_ACTION_CLIENT_NAME,
          dryRun,
        );
      }
      const customDatabases = await findCustomDatabases(client);
      const linkPage = await setUpLinkPage(client, {
        env: deps.env,
        domain: credentials.domain,
        ...(credentials.baseUrl ? { baseUrl: credentials.baseUrl } : {}),
        appName: flags['page-app-name']?.trim() || DEFAULT_LINK_PAGE_APP_NAME,
        dryRun,
      });
      const secrets = actionSecrets(
        deps.env,
        credentials.domain,
        actionClient ? { clientId: actionClient.clientId, clientSecret: actionClient.clientSecret ?? '(to be created)' } : undefined,
        { ...linkPage?.secrets, customDatabases },
      );
      // Checked before the Action is written (applications made above are reused by a rerun); one a dry run would create has no credentials yet.
      if (!(actionClient?.created && dryRun)) {
        const check = { domain: secrets.AUTH0_DOMAIN!, clientId: secrets.AUTH0_CLIENT_ID!, clientSecret: secrets.AUTH0_CLIENT_SECRET! };
        await checkActionCredentials(check, fetchFor(credentials, deps.fetch), client);
      }
      const result = await deployAction(client, {
        name,
        bundle: built.code,
        secrets,
        dryRun,
        position,
        allowDropSecrets: flags['allow-drop-secrets'] ?? false,
        force: flags.force ?? false,
        managedSecrets: ['CUSTOM_DATABASES'],
        buildTimeoutMs,
        liveTimeoutMs: deps.liveTimeoutMs ?? LIVE_TIMEOUT_MS,
        ...(deps.pollIntervalMs ? { pollIntervalMs: deps.pollIntervalMs } : {}),
        progress: { silent: flags.json ?? false, ...(deps.progressStream ? { stream: deps.progressStream } : {}) },
      });
      const report = deployReport(name, result, built.bytes, actionClient, { customDatabases, linkPage });
      return { summary: deploySummary(report), result: report };
    } catch (error) {
      if (error instanceof CliError || error instanceof UsageError) throw error;
      if (error instanceof BindingsNotWrittenError) throw new CliError(`${describeApiError(error.cause, 'writing the post-login bindings')}; ${error.message}`);
      throw new CliError(`${describeApiError(error, flags.rollback ? 'the rollback' : 'the deploy')}; the post-login flow was not changed`);
    }
  };
}

function validateFlagCombinations(flags: DeployFlags, env: Env): void {
  if (flags['client-name'] !== undefined && !flags['create-client']) throw new UsageError('--client-name goes with --create-client');
  if (flags['page-app-name'] !== undefined && !env.LINK_PAGE_URL?.trim())
    throw new UsageError('--page-app-name goes with LINK_PAGE_URL (the linking page): set it, or drop the flag');
  if (flags.rollback) {
    const others = (['position', 'after', 'force', 'allow-drop-secrets', 'create-client', 'page-app-name'] as const).filter((f) => flags[f] !== undefined);
    if (others.length > 0) throw new UsageError(`--rollback only redeploys an earlier version: drop --${others.join(', --')}`);
  }
}

async function bundle(deps: DeployDeps): Promise<BuiltAction> {
  try {
    return await (deps.build ?? buildAction)();
  } catch (error) {
    if (error instanceof ActionBuildError) throw new CliError(`the Action does not build: ${error.message}. Nothing was deployed.`);
    throw error;
  }
}
