// `npm run declines`: who answered "Not now" or "Never" on the linking page, and clearing it so the Action asks again (see scripts/lib/declines/command.ts).
import { main } from './lib/cli.ts';
import { declinesCommand, declinesSpec } from './lib/declines/command.ts';
import { loadEnv } from './lib/env.ts';

// Ctrl-C stops between requests; running the same command again finishes the clearing. A second Ctrl-C exits at once.
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());
main(declinesSpec, declinesCommand({ env: loadEnv(), signal: interrupt.signal }));
