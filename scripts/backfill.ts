// `npm run backfill`: links existing accounts that share a verified email, with the Action's policy (see scripts/lib/backfill/command.ts).
import { backfillCommand, backfillSpec } from './lib/backfill/command.ts';
import { main } from './lib/cli.ts';
import { loadEnv } from './lib/env.ts';

// Ctrl-C stops the run between requests, so the journal holds everything done; a second Ctrl-C exits at once.
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());
main(backfillSpec, backfillCommand({ env: loadEnv(), signal: interrupt.signal }));
