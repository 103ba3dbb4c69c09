// Shared by the deploy and export tests: the deploy's environment on a local tenant, and another team's Action already live.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Env } from '../../scripts/lib/env.ts';
import type { ActionsStore, Client, LocalTenant } from '../../local-tenant/index.ts';

/** The deploy's environment: the tenant's `deployer` application and the Action's own credentials. */
export function deployEnv(tenant: LocalTenant, actionClient: Client, extra: Env = {}): Env {
  const deployer = tenant.state.listClients().find((c) => c.name === 'deployer')!;
  return {
    AUTH0_DOMAIN: tenant.domain,
    AUTH0_CLIENT_ID: deployer.client_id,
    AUTH0_CLIENT_SECRET: deployer.client_secret,
    ACTION_CLIENT_ID: actionClient.client_id,
    ACTION_CLIENT_SECRET: actionClient.client_secret,
    ...extra,
  };
}

/** Another team's post-login Action, once its build finished and its deploy went live, as on a real tenant. */
export async function deployOtherAction(store: ActionsStore, name: string): Promise<void> {
  const action = store.create({ name, supported_triggers: [{ id: 'post-login', version: 'v3' }], code: 'exports.onExecutePostLogin = async () => {};' });
  await until(() => store.status(action) === 'built');
  store.deploy(action.id);
  await until(() => store.deployedVersion(action) !== undefined);
}

async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 5) {
    if (waited > 10_000) throw new Error('the local tenant did not finish a build or deploy within 10 s');
    await sleep(5);
  }
}
