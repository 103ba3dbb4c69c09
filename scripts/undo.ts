// `npm run undo`: takes back links made by the Action or the backfill (see scripts/lib/undo/command.ts).
import { main } from './lib/cli.ts';
import { loadEnv } from './lib/env.ts';
import { undoCommand, undoSpec } from './lib/undo/command.ts';

// Ctrl-C stops between requests; running the same command again finishes the undo. A second Ctrl-C exits at once.
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());
main(undoSpec, undoCommand({ env: loadEnv(), signal: interrupt.signal }));
