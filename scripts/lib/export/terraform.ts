// The Action for the auth0 Terraform provider: `auth0_action` with the bundle as `code` and `deploy = true`, one sensitive
// variable per secret, and its binding as `auth0_trigger_action`, which adds this one binding and leaves the other
// Actions' alone (`auth0_trigger_actions` would own, and replace, the whole post-login list).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionExport } from './action-spec.ts';

/** A Terraform identifier for the Action's name (letters, digits, underscores; not starting with a digit). */
export function terraformName(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(id) ? `_${id}` : id;
}

/** The HCL of the module: the code is read from `<name>.js` beside it, so a rebuild is a plan diff of one file. */
export function terraformModule(action: ActionExport): string {
  const id = terraformName(action.name);
  const variable = (secret: string): string => `${id}_${secret.toLowerCase()}`;
  const lines = [
    `# The ${action.name} post-login Action, exported by \`npm run export -- --format terraform\`.`,
    '# Secret values come from the variables below (TF_VAR_... or a tfvars file kept out of version control).',
    '',
    'terraform {',
    '  required_providers {',
    '    auth0 = {',
    '      source  = "auth0/auth0"',
    '      version = ">= 1.0.0"',
    '    }',
    '  }',
    '}',
    '',
    ...action.secrets.flatMap((s) => [
      `variable "${variable(s.name)}" {`,
      `  description = "The ${action.name} Action's secret ${s.name} (${s.source})"`,
      '  type        = string',
      '  sensitive   = true',
      '}',
      '',
    ]),
    `resource "auth0_action" "${id}" {`,
    `  name    = ${JSON.stringify(action.name)}`,
    `  runtime = ${JSON.stringify(action.runtime)}`,
    `  code    = file("\${path.module}/${action.name}.js")`,
    '  deploy  = true',
    '',
    '  supported_triggers {',
    `    id      = ${JSON.stringify(action.trigger.id)}`,
    `    version = ${JSON.stringify(action.trigger.version)}`,
    '  }',
    ...action.secrets.flatMap((s) => ['', '  secrets {', `    name  = ${JSON.stringify(s.name)}`, `    value = var.${variable(s.name)}`, '  }']),
    '}',
    '',
    '# Adds this Action to post-login (at the end of the flow) without touching the other bindings. Do not also manage',
    '# post-login with auth0_trigger_actions, which owns the whole list.',
    `resource "auth0_trigger_action" "${id}" {`,
    '  trigger      = "post-login"',
    `  action_id    = auth0_action.${id}.id`,
    `  display_name = ${JSON.stringify(action.name)}`,
    '}',
    '',
  ];
  return lines.join('\n');
}

/** Writes `<dir>/<name>.tf` and `<dir>/<name>.js`. */
export function writeTerraform(dir: string, action: ActionExport): { files: string[] } {
  mkdirSync(dir, { recursive: true });
  const tf = join(dir, `${action.name}.tf`);
  const js = join(dir, `${action.name}.js`);
  writeFileSync(js, action.code);
  writeFileSync(tf, terraformModule(action));
  return { files: [tf, js] };
}
