// Carries out a deploy plan with the SDK: create or update the Action, wait for its build, deploy it, then write the bindings back whole.
// Bindings are written last and only after a successful deploy, so a failure before the deploy leaves the flow as it was and one after it the bindings.
import type { ManagementClient } from 'auth0';
import { CliError } from '../cli.ts';
import type { ProgressOptions } from '../progress.ts';
import { placeAction, planDeploy, RUNTIME, TRIGGER, type DeployPlan, type PlanOptions } from './plan.ts';
import { readAction, readBindings } from './read-tenant.ts';
import { stampCode, stampMatches, type SecretValues } from './stamp.ts';
import { waitForBuild } from './wait-for-build.ts';
import { waitUntilLive, type LiveWaitOptions } from './wait-for-live.ts';

export interface DeployRequest extends PlanOptions {
  name: string;
  /** The bundled Action (scripts/lib/build-action.ts). */
  bundle: string;
  secrets: SecretValues;
  dryRun: boolean;
  buildTimeoutMs: number;
  /** How long a deployed version may take to go live before the bindings are written. */
  liveTimeoutMs: number;
  pollIntervalMs?: number;
  progress?: Omit<ProgressOptions, 'label' | 'total'>;
}

export interface DeployResult {
  plan: DeployPlan;
  actionId?: string;
  /** The version deployed by this run, or the one already deployed when nothing changed. */
  version?: number;
  dryRun: boolean;
}

export async function deployAction(client: ManagementClient, request: DeployRequest): Promise<DeployResult> {
  const current = await readAction(client, request.name);
  const bindings = await readBindings(client);
  const unchanged = stampMatches(current?.code, request.bundle, request.secrets);
  const desired = { name: request.name, secretNames: Object.keys(request.secrets), codeAndSecretsUnchanged: unchanged };
  const plan = planDeploy(current, bindings, desired, request);
  if (plan.refusal) throw new CliError(`${plan.refusal}. Nothing was changed.`);
  const result: DeployResult = { plan, dryRun: request.dryRun };
  if (current) result.actionId = current.id;
  if (current?.deployedVersion) result.version = current.deployedVersion.number;
  if (request.dryRun || !plan.changes) return result;

  // Values are sent whole: a PATCH with `secrets` replaces the set, and the plan refused if that would drop one unasked.
  const secrets = Object.entries(request.secrets).map(([name, value]) => ({ name, value }));
  const code = unchanged && current ? current.code : stampCode(request.bundle, request.secrets);
  let actionId = current?.id;
  if (plan.action === 'create') {
    // Not retried: names are unique, so a create whose answer was lost would fail again with a 409 on retry.
    const created = await client.actions.create(
      { name: request.name, supported_triggers: [{ ...TRIGGER }], code, runtime: RUNTIME, dependencies: [], secrets },
      { maxRetries: 0 },
    );
    actionId = created.id;
    if (!actionId) throw new CliError(`Auth0 created the Action "${request.name}" but returned no id; run the deploy again`);
  } else if (plan.action === 'update') {
    await client.actions.update(actionId!, { code, runtime: RUNTIME, supported_triggers: [{ ...TRIGGER }], secrets });
  }
  result.actionId = actionId!;
  if (plan.action !== 'none') {
    const wait = {
      timeoutMs: request.buildTimeoutMs,
      ...(request.pollIntervalMs ? { intervalMs: request.pollIntervalMs } : {}),
      ...(request.progress ? { progress: request.progress } : {}),
    };
    await waitForBuild(client, actionId!, wait);
    // Not retried: each deploy makes a version.
    const version = await client.actions.deploy(actionId!, { maxRetries: 0 });
    if (version.number !== undefined) result.version = version.number;
    // The deploy answers before its version is live, and a binding written before then is refused: wait, then bind.
    if (!version.deployed && version.id) {
      const live = { ...wait, timeoutMs: request.liveTimeoutMs };
      await waitUntilLive(client, actionId!, { id: version.id, ...(version.number === undefined ? {} : { number: version.number }) }, live);
    }
  }
  if (plan.bindings.changed) {
    try {
      await writeBindings(client, actionId!, request, plan);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new BindingsNotWrittenError(result.version, error);
    }
  }
  return result;
}

/** An SDK error met after the Action was deployed, while writing the bindings: the flow's bindings are as they were. */
export class BindingsNotWrittenError extends Error {
  /** The deployed version, when Auth0 answered its number. */
  readonly version: number | undefined;

  constructor(version: number | undefined, cause: unknown) {
    super(`${version === undefined ? 'the Action is deployed' : `version ${version} is deployed`}; the post-login bindings were not changed`, { cause });
    this.name = 'BindingsNotWrittenError';
    this.version = version;
  }
}

/**
 * Writes the bindings, placed again on a fresh read: another admin may have changed the flow while the build ran, and
 * writing the list read before would drop or reorder their change.
 */
async function writeBindings(client: ManagementClient, actionId: string, request: DeployRequest, plan: DeployPlan): Promise<void> {
  const placed = placeAction(actionId, await readBindings(client), request.name, request.position);
  if (placed.refusal) throw new CliError(`${placed.refusal}; the flow changed during the deploy: the Action is deployed but its binding was not changed`);
  plan.bindings = { before: placed.before, after: placed.after, changed: placed.changed, write: placed.write };
  if (placed.changed) await client.actions.triggers.bindings.updateMany(TRIGGER.id, { bindings: placed.write });
}

export interface RollbackResult {
  actionId: string;
  from: number;
  to: number;
  /** The new version Auth0 makes as a copy of `to`. */
  version?: number;
}

/**
 * Deploys again the newest version older than the deployed one whose code differs from it (a rollback makes a copy
 * version, so "the previous number" could be the copy of what is deployed). The draft is left as it is: the next deploy
 * deploys the configuration again.
 */
export async function rollbackAction(client: ManagementClient, name: string, dryRun: boolean, live: LiveWaitOptions): Promise<RollbackResult> {
  const action = await readAction(client, name);
  if (!action) throw new CliError(`there is no Action named "${name}" on the tenant: nothing to roll back`);
  const versions = [];
  for await (const version of await client.actions.versions.list(action.id, { per_page: 50 })) versions.push(version);
  const deployed = versions.find((v) => v.deployed);
  if (!deployed?.number) throw new CliError(`the Action "${name}" has no deployed version: nothing to roll back`);
  const target = versions
    .filter((v) => (v.number ?? 0) < deployed.number! && v.code !== deployed.code && v.id)
    .sort((a, b) => (b.number ?? 0) - (a.number ?? 0))[0];
  if (!target)
    throw new CliError(`the Action "${name}" has no earlier version with other code than the deployed version ${deployed.number}: nothing to roll back to`);
  const result: RollbackResult = { actionId: action.id, from: deployed.number, to: target.number! };
  if (dryRun) return result;
  // Not retried: each call makes a version.
  const made = await client.actions.versions.deploy(action.id, target.id!, { update_draft: false }, { maxRetries: 0 });
  if (made.number !== undefined) result.version = made.number;
  if (!made.deployed && made.id) await waitUntilLive(client, action.id, { id: made.id, ...(made.number === undefined ? {} : { number: made.number }) }, live);
  return result;
}
