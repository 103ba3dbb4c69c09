// --create-client: finds or creates by name the Action's own M2M application, granted only the Action's scopes on the Management API.
import type { ManagementClient } from 'auth0';
import { ACTION_SCOPES } from '../../../actions/config.ts';
import { CliError } from '../cli.ts';
import { applicationSecret, findApplications } from './applications.ts';

/** All the Action needs (actions/config.ts says why each). */
export const ACTION_CLIENT_SCOPES = ACTION_SCOPES;
export const DEFAULT_ACTION_CLIENT_NAME = 'auto-link Action';

export interface ActionClient {
  name: string;
  clientId: string;
  /** Absent only in a dry run that would create the application. */
  clientSecret?: string;
  created: boolean;
  grantCreated: boolean;
  /** Things an admin should fix by hand (e.g. a grant broader than needed). */
  warnings: string[];
}

/**
 * The application named `name` with its Management API grant, made when missing (not in a dry run). Reusing one needs
 * its secret, which Auth0 shows only to a token with read:client_keys.
 */
export async function ensureActionClient(client: ManagementClient, audience: string, name: string, dryRun: boolean): Promise<ActionClient> {
  const matches = await findApplications(client, name);
  if (matches.length > 1) throw new CliError(`${matches.length} applications are named "${name}": delete the extra ones, or pick another with --client-name`);
  const existing = matches[0];
  if (!existing) {
    if (dryRun) return { name, clientId: '(to be created)', created: true, grantCreated: true, warnings: [] };
    // Not retried: a create that reached Auth0 but whose answer was lost would make a second application.
    const made = await client.clients.create(
      {
        name,
        app_type: 'non_interactive',
        grant_types: ['client_credentials'],
        description: `Used by the auto-link post-login Action: ${ACTION_SCOPES.join(' ')} only.`,
      },
      { maxRetries: 0 },
    );
    if (!made.client_id || !made.client_secret)
      throw new CliError(`Auth0 created the application "${name}" but returned no credentials; delete it and run again`);
    await client.clientGrants.create({ client_id: made.client_id, audience, scope: [...ACTION_CLIENT_SCOPES] }, { maxRetries: 0 });
    return { name, clientId: made.client_id, clientSecret: made.client_secret, created: true, grantCreated: true, warnings: [] };
  }
  const clientId = existing.client_id!;
  if (existing.app_type !== undefined && existing.app_type !== 'non_interactive') {
    throw new CliError(`the application "${name}" is a ${existing.app_type} application, not machine-to-machine: pick another with --client-name`);
  }
  const clientSecret = await applicationSecret(client, clientId);
  if (!clientSecret) {
    throw new CliError(
      `the application "${name}" exists but Auth0 shows its secret only to read:client_keys: grant that scope to the deployer, or set ACTION_CLIENT_ID and ACTION_CLIENT_SECRET instead of --create-client`,
    );
  }
  const result: ActionClient = { name, clientId, clientSecret, created: false, grantCreated: false, warnings: [] };
  const grants = (await client.clientGrants.list({ client_id: clientId, audience })).data;
  const grant = grants[0];
  if (!grant) {
    if (!dryRun) await client.clientGrants.create({ client_id: clientId, audience, scope: [...ACTION_CLIENT_SCOPES] }, { maxRetries: 0 });
    result.grantCreated = true;
    return result;
  }
  const scopes = new Set(grant.scope ?? []);
  const missing = ACTION_CLIENT_SCOPES.filter((s) => !scopes.has(s));
  if (missing.length > 0) {
    throw new CliError(
      `the application "${name}" is granted ${[...scopes].join(' ') || 'nothing'} on the Management API but the Action needs ${missing.join(' ')} too: add ${missing.length > 1 ? 'them' : 'it'} (Applications > APIs > Auth0 Management API)`,
    );
  }
  const extra = [...scopes].filter((s) => !(ACTION_CLIENT_SCOPES as readonly string[]).includes(s));
  if (extra.length > 0)
    result.warnings.push(
      `the application "${name}" is also granted ${extra.join(' ')}, which the Action does not need: remove ${extra.length > 1 ? 'them' : 'it'} for least privilege`,
    );
  return result;
}
