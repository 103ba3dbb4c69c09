// Finds the tenant's custom database connections, which the Action must not trust silently: their login script asserts email_verified.
import { ManagementError, type ManagementClient } from 'auth0';
import { CliError } from '../cli.ts';

/**
 * Names of the database connections (strategy `auth0`) with `options.enabledDatabaseCustomization === true`, sorted.
 * The field is the one the Management API returns and auth0/go-auth0 (management/connection.go) and auth0-deploy-cli
 * read; a database with "Use my own database" on has it. Needs read:connections.
 */
export async function findCustomDatabases(client: ManagementClient): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const connection of await client.connections.list({ strategy: ['auth0'], fields: 'name,options', include_fields: true, take: 100 })) {
      const options = connection.options as { enabledDatabaseCustomization?: unknown } | undefined;
      if (options?.enabledDatabaseCustomization === true && connection.name) names.push(connection.name);
    }
  } catch (error) {
    if (error instanceof ManagementError && error.statusCode === 403) {
      throw new CliError(
        'the deployer may not read connections: grant it read:connections (Applications > APIs > Auth0 Management API). The deploy looks up custom databases, which the Action must not trust silently. Nothing was changed.',
      );
    }
    throw error;
  }
  return names.sort();
}
