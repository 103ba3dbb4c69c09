// Reads what the planner compares against: the Action of a name and the post-login bindings, through the SDK.
import type { ManagementClient } from 'auth0';
import { CliError } from '../cli.ts';
import { TRIGGER, type CurrentAction, type CurrentBinding } from './plan.ts';

/** Only a tenant with that many Actions bound to one trigger would need more pages; the SDK pages on regardless. */
const PER_PAGE = 50;

/** The Action named `name` (names are unique in a tenant), or undefined. */
export async function readAction(client: ManagementClient, name: string): Promise<CurrentAction | undefined> {
  const page = await client.actions.list({ actionName: name, per_page: PER_PAGE });
  const found = page.data.filter((a) => a.name === name);
  if (found.length > 1) throw new CliError(`the tenant has ${found.length} Actions named "${name}": delete the extra ones or deploy under another --name`);
  const action = found[0];
  if (!action?.id) return undefined;
  return {
    id: action.id,
    name,
    code: action.code ?? '',
    runtime: action.runtime ?? '',
    secretNames: (action.secrets ?? []).map((s) => s.name).filter((n): n is string => typeof n === 'string'),
    status: action.status ?? 'pending',
    allChangesDeployed: action.all_changes_deployed ?? false,
    ...(action.deployed_version?.id ? { deployedVersion: { id: action.deployed_version.id, number: action.deployed_version.number ?? 0 } } : {}),
    supportedTriggers: (action.supported_triggers ?? []).map((t) => ({ id: t.id, ...(t.version ? { version: t.version } : {}) })),
  };
}

/** The post-login bindings in execution order. */
export async function readBindings(client: ManagementClient): Promise<CurrentBinding[]> {
  const bindings: CurrentBinding[] = [];
  for await (const binding of await client.actions.triggers.bindings.list(TRIGGER.id, { per_page: PER_PAGE })) {
    const id = binding.action?.id;
    const name = binding.action?.name;
    if (!id || !name) throw new CliError(`a ${TRIGGER.id} binding (${binding.id ?? 'no id'}) names no Action; fix the flow in the dashboard before deploying`);
    bindings.push({ actionId: id, actionName: name, displayName: binding.display_name ?? name });
  }
  return bindings;
}
