// `npm run export`: the Action for auth0-deploy-cli or Terraform pipelines (see scripts/lib/export/command.ts).
import { main } from './lib/cli.ts';
import { loadEnv } from './lib/env.ts';
import { exportCommand, exportSpec } from './lib/export/command.ts';

main(exportSpec, exportCommand({ env: loadEnv() }));
