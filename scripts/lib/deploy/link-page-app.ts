// The linking page's own application: found by name or created (regular web app, its callback and logout return URL, code
// grant, client_secret_post). Reused as it is when it already allows what the page needs; otherwise only the missing pieces
// are added, never another app's callbacks or logout URLs removed.
import type { ManagementClient } from 'auth0';
import { CliError } from '../cli.ts';
import { findApplications } from './applications.ts';

export const DEFAULT_LINK_PAGE_APP_NAME = 'auto-link linking page';
/** The page signs in with the authorization code flow only (link-page/oidc.ts): no refresh tokens, no implicit grant. */
const GRANT_TYPE = 'authorization_code';
/** openid-client is configured with ClientSecretPost (link-page/oidc.ts); Auth0 refuses another method than the application's. */
const AUTH_METHOD = 'client_secret_post' as const;
const APP_TYPE = 'regular_web';
/** Stands in for what a dry run would create: nothing is created, so there is no id or secret yet. */
export const TO_BE_CREATED = '(to be created)';

export interface LinkPageApp {
  name: string;
  /** TO_BE_CREATED in a dry run that would create it. */
  clientId: string;
  /** Absent only in a dry run that would create the application. Never printed. */
  clientSecret?: string;
  callbackUrl: string;
  /** The page's signed-out view: the returnTo of the tenant's /v2/logout, which Auth0 checks against Allowed Logout URLs. */
  logoutUrl: string;
  created: boolean;
  /** What this run changed (or, in a dry run, would change) on an existing application. */
  changes: string[];
}

interface AppPatch {
  callbacks?: string[];
  allowed_logout_urls?: string[];
  grant_types?: string[];
  token_endpoint_auth_method?: typeof AUTH_METHOD;
}

interface AppSettings {
  callbacks?: string[];
  allowed_logout_urls?: string[];
  grant_types?: string[];
  token_endpoint_auth_method?: string;
}

/**
 * The page's application named `name`, made when missing (not in a dry run). Reusing one needs its secret, which Auth0
 * shows only to a token with read:client_keys: the Action's LINK_SECRET is derived from it.
 */
export async function ensureLinkPageApp(
  client: ManagementClient,
  input: { name: string; callbackUrl: string; logoutUrl: string; dryRun: boolean },
): Promise<LinkPageApp> {
  const { name, callbackUrl, logoutUrl, dryRun } = input;
  const matches = await findApplications(client, name);
  if (matches.length > 1) throw new CliError(`${matches.length} applications are named "${name}": delete the extra ones, or pick another with --page-app-name`);
  const existing = matches[0];
  if (!existing?.client_id) {
    if (dryRun) return { name, clientId: TO_BE_CREATED, callbackUrl, logoutUrl, created: true, changes: [] };
    // Not retried: a create that reached Auth0 but whose answer was lost would make a second application.
    const made = await client.clients.create(
      {
        name,
        app_type: APP_TYPE,
        callbacks: [callbackUrl],
        allowed_logout_urls: [logoutUrl],
        grant_types: [GRANT_TYPE],
        token_endpoint_auth_method: AUTH_METHOD,
        oidc_conformant: true,
        description: 'The auto-link linking page: a person proves another account by signing in to it, or links and unlinks their own accounts.',
      },
      { maxRetries: 0 },
    );
    if (!made.client_id || !made.client_secret)
      throw new CliError(`Auth0 created the application "${name}" but returned no credentials; delete it and run again`);
    return { name, clientId: made.client_id, clientSecret: made.client_secret, callbackUrl, logoutUrl, created: true, changes: [] };
  }
  const clientId = existing.client_id;
  if (existing.app_type !== undefined && existing.app_type !== APP_TYPE) {
    throw new CliError(`the application "${name}" is a ${existing.app_type} application, not a regular web application: pick another with --page-app-name`);
  }
  // One read for the secret and the settings; Auth0 leaves client_secret out without read:client_keys.
  const settings = (await client.clients.get(clientId, {
    fields: 'client_secret,callbacks,allowed_logout_urls,grant_types,token_endpoint_auth_method',
    include_fields: true,
  })) as AppSettings & { client_secret?: string };
  const clientSecret = settings.client_secret;
  if (!clientSecret) {
    throw new CliError(
      `the application "${name}" exists but Auth0 shows its secret only to read:client_keys, and the Action's LINK_SECRET is derived from it: grant that scope to the deployer`,
    );
  }
  const { patch, changes } = missingSettings(settings, callbackUrl, logoutUrl);
  // A PATCH sets the fields it names: the lists are sent whole, with what was there kept.
  if (changes.length > 0 && !dryRun) await client.clients.update(clientId, patch);
  return { name, clientId, clientSecret, callbackUrl, logoutUrl, created: false, changes };
}

/** The fields to write so the application allows the page's sign-in, and a line per change; both empty when it already does. */
function missingSettings(settings: AppSettings, callbackUrl: string, logoutUrl: string): { patch: AppPatch; changes: string[] } {
  const patch: AppPatch = {};
  const changes: string[] = [];
  const callbacks = settings.callbacks ?? [];
  if (!callbacks.includes(callbackUrl)) {
    patch.callbacks = [...callbacks, callbackUrl];
    changes.push(`callback ${callbackUrl} added`);
  }
  const logoutUrls = settings.allowed_logout_urls ?? [];
  if (!logoutUrls.includes(logoutUrl)) {
    patch.allowed_logout_urls = [...logoutUrls, logoutUrl];
    changes.push(`logout URL ${logoutUrl} added`);
  }
  const grants = settings.grant_types ?? [];
  if (!grants.includes(GRANT_TYPE)) {
    patch.grant_types = [...grants, GRANT_TYPE];
    changes.push(`grant ${GRANT_TYPE} added`);
  }
  if (settings.token_endpoint_auth_method !== AUTH_METHOD) {
    patch.token_endpoint_auth_method = AUTH_METHOD;
    changes.push(`token endpoint authentication ${settings.token_endpoint_auth_method ?? '(none)'} → ${AUTH_METHOD}`);
  }
  return { patch, changes };
}
