// What every export describes: the built Action, its secrets by NAME with a keyword for each value, and its post-login
// binding. Secret values never enter an export: deploy-cli fills them by keyword replacement, Terraform from variables.
import type { Env } from '../env.ts';
import { SECRET_SOURCES, type SecretName } from '../deploy/secrets.ts';

/** The secrets the Action always needs; the optional ones are exported only when their variable is set (as deploy sends them). */
const REQUIRED: readonly SecretName[] = ['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET'];

export interface ExportedSecret {
  name: SecretName;
  /**
   * The keyword that stands for its value: prefixed, because deploy-cli run without `--env false` feeds all of
   * process.env to its keyword replacement, where AUTH0_CLIENT_SECRET is the deployer's own secret.
   */
  keyword: string;
  /** The environment variable `npm run deploy` would read it from. */
  variable: string;
}

export interface ActionExport {
  name: string;
  code: string;
  runtime: 'node22';
  trigger: { id: 'post-login'; version: 'v3' };
  secrets: ExportedSecret[];
}

export function exportedSecrets(env: Env): ExportedSecret[] {
  return (Object.keys(SECRET_SOURCES) as SecretName[])
    .filter((name) => REQUIRED.includes(name) || Boolean(env[SECRET_SOURCES[name]]?.trim()))
    .map((name) => ({ name, keyword: `AUTO_LINK_${name}`, variable: SECRET_SOURCES[name] }));
}
