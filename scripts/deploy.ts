// `npm run deploy`: builds the Action and deploys it to the tenant named by AUTH0_DOMAIN (see scripts/lib/deploy/command.ts).
import { main } from './lib/cli.ts';
import { deployCommand, deploySpec } from './lib/deploy/command.ts';
import { loadEnv } from './lib/env.ts';

main(deploySpec, deployCommand({ env: loadEnv() }));
