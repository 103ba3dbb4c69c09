// The deploy's reads of applications by name and of one application's secret, shared by the Action's and the linking page's application.
import type { ManagementClient } from 'auth0';

export interface FoundApplication {
  client_id?: string;
  app_type?: string;
}

/** Every application named `name`, listed without secrets: only the one reused needs its secret read (applicationSecret). */
export async function findApplications(client: ManagementClient, name: string): Promise<FoundApplication[]> {
  const found: FoundApplication[] = [];
  for await (const app of await client.clients.list({ per_page: 100, include_totals: true, fields: 'client_id,name,app_type', include_fields: true })) {
    if (app.name === name) found.push(app);
  }
  return found;
}

/** The application's secret, or undefined when the token lacks read:client_keys (Auth0 then leaves the field out). */
export async function applicationSecret(client: ManagementClient, clientId: string): Promise<string | undefined> {
  const app = await client.clients.get(clientId, { fields: 'client_secret', include_fields: true });
  return app.client_secret ?? undefined;
}
