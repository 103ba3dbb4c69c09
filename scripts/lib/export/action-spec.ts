// What every export describes: the built Action, its secrets by NAME with a keyword for each value, and its post-login
// binding. Secret values never enter an export: deploy-cli fills them by keyword replacement, Terraform from variables.
import type { Env } from '../env.ts';
import { DERIVED_SECRETS, DERIVED_WITH, REQUIRED_SECRETS, SECRET_SOURCES, type DerivedSecretName, type SecretName } from '../deploy/secrets.ts';

export interface ExportedSecret {
  name: SecretName | DerivedSecretName;
  /**
   * The keyword that stands for its value: prefixed, because deploy-cli run without `--env false` feeds all of
   * process.env to its keyword replacement, where AUTH0_CLIENT_SECRET is the deployer's own secret.
   */
  keyword: string;
  /** Where its value comes from: the environment variable `npm run deploy` reads, or what the deploy derives it from. */
  source: string;
}

export interface ActionExport {
  name: string;
  code: string;
  runtime: 'node22';
  trigger: { id: 'post-login'; version: 'v3' };
  secrets: ExportedSecret[];
}

/**
 * The secrets `npm run deploy` would set with this environment, by name, from the deploy's one list (SECRET_SOURCES and
 * DERIVED_SECRETS): the required ones, each optional one whose variable is set, and the derived ones of a set variable
 * (LINK_PAGE_URL brings LINK_PAGE_CLIENT_ID and LINK_SECRET, without which the Action would skip every login).
 */
export function exportedSecrets(env: Env): ExportedSecret[] {
  const set = (variable: string): boolean => Boolean(env[variable]?.trim());
  const sent = (Object.keys(SECRET_SOURCES) as SecretName[])
    .filter((name) => REQUIRED_SECRETS.includes(name) || set(SECRET_SOURCES[name]))
    .map((name) => ({ name, keyword: `AUTO_LINK_${name}`, source: `npm run deploy reads it from ${SECRET_SOURCES[name]}` }));
  const derived = (Object.keys(DERIVED_SECRETS) as DerivedSecretName[])
    .filter((name) => set(SECRET_SOURCES[DERIVED_WITH[name]]))
    .map((name) => ({ name, keyword: `AUTO_LINK_${name}`, source: `npm run deploy derives it from ${DERIVED_SECRETS[name]}` }));
  return [...sent, ...derived];
}
