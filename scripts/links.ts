// `npm run links`: what the Action and the backfill linked, from their audit records, with the id map (see scripts/lib/links/command.ts).
import { main } from './lib/cli.ts';
import { loadEnv } from './lib/env.ts';
import { linksCommand, linksSpec } from './lib/links/command.ts';

main(linksSpec, linksCommand({ env: loadEnv() }));
