// The Action's secrets from the deployer's environment: which variable fills which secret, checked with the Action's own config reader.
import { describeInvalid, readConfig } from '../../../actions/config.ts';
import { CliError } from '../cli.ts';
import type { Env } from '../env.ts';
import type { SecretValues } from './stamp.ts';

/**
 * Action secret → environment variable. The Action's credentials come from ACTION_* variables because AUTH0_CLIENT_ID /
 * AUTH0_CLIENT_SECRET in the deployer's environment are the deployer's own (a broader grant the Action must not get).
 */
export const SECRET_SOURCES = {
  AUTH0_DOMAIN: 'ACTION_AUTH0_DOMAIN',
  AUTH0_CLIENT_ID: 'ACTION_CLIENT_ID',
  AUTH0_CLIENT_SECRET: 'ACTION_CLIENT_SECRET',
  LINK_MODE: 'LINK_MODE',
  TRUSTED_CONNECTIONS: 'TRUSTED_CONNECTIONS',
  PRIMARY_CONNECTION: 'PRIMARY_CONNECTION',
  TIME_BUDGET_MS: 'TIME_BUDGET_MS',
  CLAIM_NAMESPACE: 'CLAIM_NAMESPACE',
  DORMANT_DAYS: 'DORMANT_DAYS',
  LINK_LATER_DAYS: 'LINK_LATER_DAYS',
  LINK_PAGE_URL: 'LINK_PAGE_URL',
  END_SESSIONS: 'END_SESSIONS',
  LINK_WITH_CLIENTS: 'LINK_WITH_CLIENTS',
  // Added to the custom databases the deploy finds on the tenant (custom-databases.ts).
  CUSTOM_DATABASES: 'CUSTOM_DATABASES',
} as const;

/** Secrets the deploy works out itself and where each comes from, for messages; none is ever read from the environment. */
export const DERIVED_SECRETS = {
  LINK_PAGE_CLIENT_ID: "the linking page's application (LINK_PAGE_URL)",
  LINK_SECRET: "the linking page application's client secret (LINK_PAGE_URL)",
} as const;

export type DerivedSecretName = keyof typeof DERIVED_SECRETS;

/** The setting whose value makes the deploy set each derived secret: the export carries them when it is set. */
export const DERIVED_WITH: Record<DerivedSecretName, SecretName> = { LINK_PAGE_CLIENT_ID: 'LINK_PAGE_URL', LINK_SECRET: 'LINK_PAGE_URL' };

/** The secrets the Action cannot run without; the others are sent only when their variable is set. */
export const REQUIRED_SECRETS: readonly SecretName[] = ['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET'];

export type SecretName = keyof typeof SECRET_SOURCES;

/** The Action's own M2M credentials when they come from --create-client rather than the environment. */
export interface ActionCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * The secret values to deploy: each set variable (empty ones count as unset), AUTH0_DOMAIN defaulting to the tenant's
 * domain. Checked with the Action's readConfig, so a value the Action would reject fails the deploy instead of logins;
 * the message names the variable to fix, never a value.
 */
export function actionSecrets(
  env: Env,
  tenantDomain: string,
  credentials?: ActionCredentials,
  derived: Partial<Record<DerivedSecretName, string>> & { customDatabases?: readonly string[] } = {},
): SecretValues {
  refuseDerivedInEnv(env);
  const values: Record<string, string> = {};
  for (const [secret, variable] of Object.entries(SECRET_SOURCES)) {
    const value = env[variable]?.trim();
    if (value) values[secret] = value;
  }
  values.AUTH0_DOMAIN ??= tenantDomain;
  if (credentials) {
    values.AUTH0_CLIENT_ID = credentials.clientId;
    values.AUTH0_CLIENT_SECRET = credentials.clientSecret;
  }
  const { customDatabases, ...fromDeploy } = derived;
  for (const [name, value] of Object.entries(fromDeploy)) if (value) values[name] = value;
  const databases = [...new Set([...(customDatabases ?? []), ...listed(values.CUSTOM_DATABASES)])].sort();
  if (databases.length > 0) values.CUSTOM_DATABASES = databases.join(',');
  const read = readConfig(values);
  if (read.status === 'invalid') {
    const derivedFrom = DERIVED_SECRETS[read.secret as DerivedSecretName];
    if (derivedFrom) throw new CliError(`the Action's ${describeInvalid(read)}: it comes from ${derivedFrom}`);
    const variable = SECRET_SOURCES[read.secret as SecretName] ?? read.secret;
    throw new CliError(
      `the Action's ${describeInvalid(read)}: set ${variable} in the environment or .env${variable.startsWith('ACTION_CLIENT') ? ', or pass --create-client' : ''}`,
    );
  }
  return values;
}

/** Checked before anything is read or written: a hand-set LINK_SECRET would differ from the one the page derives. */
export function refuseDerivedInEnv(env: Env): void {
  for (const name of Object.keys(DERIVED_SECRETS)) {
    if (env[name]?.trim()) throw new CliError(`${name} comes from ${DERIVED_SECRETS[name as DerivedSecretName]}, never from the environment: unset ${name}`);
  }
}

/** CUSTOM_DATABASES as the Action reads it: connection names separated by commas. */
function listed(value: string | undefined): string[] {
  if (value === undefined) return [];
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) throw new CliError('CUSTOM_DATABASES is malformed: list connection names separated by commas');
  return names;
}
