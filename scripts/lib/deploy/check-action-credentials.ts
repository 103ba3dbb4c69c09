// Checks the Action's own credentials before a deploy writes anything: a client-credentials token for the Management API with the scopes the Action needs.
import type { ManagementClient } from 'auth0';
import { ManagementError } from 'auth0';
import { CliError } from '../cli.ts';
import type { Fetch } from '../routed-fetch.cjs';
import { ACTION_CLIENT_SCOPES } from './action-client.ts';

export interface ActionCredentialsToCheck {
  /** The domain the Action calls (its AUTH0_DOMAIN secret). */
  domain: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Asks the token endpoint for the token the Action will ask for on its first login, and checks its scopes. A wrong
 * ACTION_CLIENT_SECRET would otherwise deploy fine and make every login's lookup fail. The token endpoint answers the
 * same 401 for an unknown client and a wrong secret, so on a 401 the deployer's client read (read:clients) tells which.
 * Throws a CliError naming the variable to fix; never shows a value but the client id.
 */
export async function checkActionCredentials(credentials: ActionCredentialsToCheck, fetch: Fetch, deployer: ManagementClient): Promise<void> {
  const audience = `https://${credentials.domain}/api/v2/`;
  let response: Response;
  try {
    response = await fetch(`https://${credentials.domain}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        audience,
      }),
    });
  } catch (error) {
    throw new CliError(
      `checking the Action's credentials failed: ${(error as Error).message}; check ACTION_AUTH0_DOMAIN / AUTH0_DOMAIN and the network. Nothing was changed.`,
    );
  }
  const body = (await response.json().catch(() => ({}))) as { scope?: unknown; error?: unknown; error_description?: unknown };
  if (response.status === 401) throw new CliError(`${await whichCredential(deployer, credentials.clientId)}. Nothing was changed.`);
  if (response.status === 403 && /not authorized to access resource server/i.test(String(body.error_description))) {
    throw missingScopes(credentials.clientId, [...ACTION_CLIENT_SCOPES]);
  }
  if (!response.ok) {
    const detail = typeof body.error_description === 'string' ? body.error_description : typeof body.error === 'string' ? body.error : '';
    throw new CliError(
      `checking the Action's credentials failed: the token endpoint answered ${response.status}${detail ? `: ${detail}` : ''}. Nothing was changed.`,
    );
  }
  const granted = new Set(typeof body.scope === 'string' ? body.scope.split(' ') : []);
  const missing = ACTION_CLIENT_SCOPES.filter((scope) => !granted.has(scope));
  if (missing.length > 0) throw missingScopes(credentials.clientId, missing);
}

function missingScopes(clientId: string, missing: string[]): CliError {
  return new CliError(
    `ACTION_CLIENT_ID ${clientId} is not granted ${missing.join(' ')} on the Management API, which the Action needs: add ${missing.length > 1 ? 'them' : 'it'} (Applications > APIs > Auth0 Management API > Machine to Machine Applications). Nothing was changed.`,
  );
}

/** Which of the two a 401 means, when the deployer may read applications; both named when it may not. */
async function whichCredential(deployer: ManagementClient, clientId: string): Promise<string> {
  try {
    await deployer.clients.get(clientId, { fields: 'client_id', include_fields: true });
    return `ACTION_CLIENT_SECRET is wrong: the tenant refused it for the application ${clientId}; set the application's current secret`;
  } catch (error) {
    if (error instanceof ManagementError && error.statusCode === 404) {
      return `ACTION_CLIENT_ID ${clientId} is not an application of this tenant: set the client id of the Action's M2M application`;
    }
    return `ACTION_CLIENT_ID or ACTION_CLIENT_SECRET is wrong: the tenant refused them (grant the deployer read:clients to be told which)`;
  }
}
