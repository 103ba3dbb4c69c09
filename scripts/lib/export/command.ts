// `npm run export`: the built Action, its secrets' names and its binding for auth0-deploy-cli (directory or YAML) or
// Terraform, for scripts/export.ts and tests. Reads no tenant and needs no credentials.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { ActionBuildError, buildAction, type BuiltAction } from '../build-action.ts';
import { CliError, UsageError, type CommandReport, type CommandSpec, type ParsedValues } from '../cli.ts';
import { DEFAULT_ACTION_NAME } from '../deploy/command.ts';
import { DERIVED_SECRETS, REQUIRED_SECRETS, SECRET_SOURCES, type SecretName } from '../deploy/secrets.ts';
import { parsePosition } from '../deploy/plan.ts';
import type { Env } from '../env.ts';
import { exportedSecrets, type ActionExport } from './action-spec.ts';
import { writeDirectory, writeYaml } from './deploy-cli.ts';
import { writeTerraform } from './terraform.ts';

const FORMATS = ['directory', 'yaml', 'terraform'] as const;
type Format = (typeof FORMATS)[number];

const options = {
  format: { type: 'string' },
  out: { type: 'string', short: 'o' },
  name: { type: 'string' },
  position: { type: 'string' },
  after: { type: 'string' },
  minify: { type: 'boolean' },
} as const;

export const exportSpec: CommandSpec<typeof options> = {
  usage: 'npm run export -- --format directory|yaml|terraform --out <path> [options]',
  summary:
    'Writes the built Action, the NAMES of its secrets and its post-login binding for the pipeline that already manages ' +
    'the tenant. directory / yaml: auth0-deploy-cli files merged into an existing export (its other Actions and ' +
    'bindings kept), secret values as keywords ##AUTO_LINK_<SECRET>## for AUTH0_KEYWORD_REPLACE_MAPPINGS. terraform: ' +
    'auth0_action (code from the bundle, deploy = true) with a sensitive variable per secret, bound with ' +
    'auth0_trigger_action, which leaves the other bindings alone. No secret value is ever written.',
  options,
  values: { format: 'directory|yaml|terraform', out: '<path>', name: '<name>', position: 'first|last|<n>', after: '<name>' },
  descriptions: {
    format: 'directory: a deploy-cli folder; yaml: a deploy-cli tenant.yaml; terraform: a .tf file and the code beside it',
    out: 'directory and terraform: a folder (an existing deploy-cli export is merged into); yaml: the tenant.yaml file',
    name: `the Action's name (default ${DEFAULT_ACTION_NAME})`,
    position: 'deploy-cli formats: where it runs in post-login: first (default), last, or a number (1 = first)',
    after: 'deploy-cli formats: run it right after the bound Action of this name',
    minify: 'minify the bundle (default off: the deployed code stays readable in the dashboard)',
  },
  environment: [
    `${optionalVariables().join(', ')}   when set, their secrets are exported too (by name: no value is read)`,
    `LINK_PAGE_URL   also exports ${Object.keys(DERIVED_SECRETS).join(' and ')}, which the deploy derives (docs/pipelines.md says how)`,
    `(${REQUIRED_SECRETS.join(', ')} are always exported)`,
  ],
  examples: [
    'npm run export -- --format directory --out tenant/',
    'npm run export -- --format yaml --out deploy/tenant.yaml --position last',
    'npm run export -- --format terraform --out infra/auto-link',
  ],
};

/** The variables of the optional secrets, from the deploy's list. */
function optionalVariables(): string[] {
  return (Object.keys(SECRET_SOURCES) as SecretName[]).filter((name) => !REQUIRED_SECRETS.includes(name)).map((name) => SECRET_SOURCES[name]);
}

export type ExportFlags = ParsedValues<typeof options>;

export interface ExportDeps {
  env: Env;
  build?: () => Promise<BuiltAction>;
}

export function exportCommand(deps: ExportDeps): (flags: ExportFlags) => Promise<CommandReport> {
  return async (flags) => {
    const format = flags.format as Format | undefined;
    if (format === undefined || !FORMATS.includes(format))
      throw new UsageError(`--format must be directory, yaml or terraform${flags.format ? `, got "${flags.format}"` : ''}`);
    if (flags.out === undefined) throw new UsageError('--out is required: the folder (directory, terraform) or the tenant.yaml file (yaml)');
    if (format === 'terraform' && (flags.position !== undefined || flags.after !== undefined)) {
      throw new UsageError('--position and --after are for the deploy-cli formats: auth0_trigger_action appends to post-login and cannot place an Action');
    }
    const position = parsePosition(flags.position, flags.after);
    if (typeof position === 'string') throw new UsageError(position);
    const out = resolve(flags.out);
    checkOut(format, flags.out, out);
    const name = flags.name?.trim() || DEFAULT_ACTION_NAME;
    if (!/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/.test(name)) throw new UsageError(`--name "${name}" must be letters, digits, spaces, _ . or - (it names files too)`);
    let built: BuiltAction;
    try {
      built = await (deps.build ?? (() => buildAction({ minify: flags.minify ?? false })))();
    } catch (error) {
      if (error instanceof ActionBuildError) throw new CliError(`the Action does not build: ${error.message}. Nothing was written.`);
      throw error;
    }
    const action: ActionExport = {
      name,
      code: built.code,
      runtime: 'node22',
      trigger: { id: 'post-login', version: 'v3' },
      secrets: exportedSecrets(deps.env),
    };
    const written =
      format === 'directory'
        ? writeDirectory(out, action, position)
        : format === 'yaml'
          ? writeYaml(out, action, position)
          : { ...writeTerraform(out, action), postLogin: undefined };
    const shown = (f: string): string => relative(process.cwd(), f) || f;
    const secretNames = action.secrets.map((s) => s.name);
    const lines = [
      `Action "${name}" (${(built.bytes / 1000).toFixed(1)} kB) exported for ${format === 'terraform' ? 'Terraform' : `auth0-deploy-cli (${format} format)`}:`,
      ...written.files.map((f) => `  ${shown(f)}`),
      `Secrets (names only): ${secretNames.join(', ')}.`,
      format === 'terraform'
        ? `Set their values as variables ${action.secrets.map((s) => `TF_VAR_${name.replace(/[^A-Za-z0-9_]/g, '_')}_${s.name.toLowerCase()}`).join(', ')}.`
        : `Give their values in AUTH0_KEYWORD_REPLACE_MAPPINGS: ${action.secrets.map((s) => s.keyword).join(', ')}.`,
      ...(action.secrets.some((s) => s.name === 'LINK_SECRET')
        ? [
            "LINK_SECRET and LINK_PAGE_CLIENT_ID come from the linking page's application (create it first); " +
              'LINK_SECRET is derived from its client secret: see docs/pipelines.md, "Confirmed linking".',
          ]
        : []),
      written.postLogin
        ? `post-login flow in the export: ${written.postLogin.join(' → ')}`
        : 'post-login: bound with auth0_trigger_action (appended; other bindings untouched).',
    ];
    return {
      summary: lines.join('\n'),
      result: {
        ok: true,
        format,
        action: { name, bytes: built.bytes, runtime: action.runtime },
        files: written.files,
        secrets: action.secrets.map((s) => ({ name: s.name, ...(format === 'terraform' ? {} : { keyword: s.keyword }) })),
        ...(written.postLogin ? { postLogin: written.postLogin } : {}),
      },
    };
  };
}

/** The --out path must fit the format, checked before the build: a folder for directory and terraform, a file for yaml. */
function checkOut(format: Format, given: string, out: string): void {
  const stat = statSync(out, { throwIfNoEntry: false });
  if (format === 'yaml') {
    if (stat?.isDirectory())
      throw new CliError(`--out ${given} is a folder: the yaml format writes a file; give e.g. ${given.replace(/\/+$/, '')}/tenant.yaml`);
    return checkFolder(dirname(out), given);
  }
  if (stat && !stat.isDirectory()) throw new CliError(`--out ${given} is a file: the ${format} format writes a folder; give a folder path`);
  checkFolder(out, given);
}

/** Folders that do not exist yet are made: the nearest one that exists must be a writable folder. */
function checkFolder(folder: string, given: string): void {
  let existing = folder;
  while (!statSync(existing, { throwIfNoEntry: false })) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) throw new CliError(`--out ${given}: ${existing} is a file, not a folder; choose another path`);
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    throw new CliError(`--out ${given} cannot be written (no write permission in ${existing}); choose another path`);
  }
}
