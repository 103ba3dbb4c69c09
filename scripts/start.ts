// `npm start`: the whole flow on a local tenant — deploy the Action there, replay logins, print who got linked — then exit (or --keep it running).
import { once } from 'node:events';
import { main, numberFlag } from './lib/cli.ts';
import { startSummary, runStart, type StartRun } from './lib/start/run.ts';
import { keepDetails } from './lib/start/keep.ts';
import { signInInstructions, startSignInDemo } from './lib/start/sign-in.ts';
import { DEMO_DOMAIN, LOCAL_ADMIN } from './lib/start/tenant.ts';

main(
  {
    usage: 'npm start -- [options]',
    summary:
      'Starts a local Auth0 tenant on 127.0.0.1 seeded with a small tenant (one person with three accounts, a pre-hijack trap, an ' +
      'enterprise account, a passwordless user, an excluded account), deploys the Action there with the deploy command over HTTP, ' +
      'replays first logins, returning logins and a refresh-token exchange, and prints who was linked. Needs no credentials.',
    options: {
      keep: { type: 'boolean' },
      port: { type: 'string' },
    },
    descriptions: {
      keep:
        'keep the tenant running afterwards, with a demo app to sign in to in a browser, and print how to point the SDK, npm run deploy ' +
        'or curl at it (with --json: one line of JSON first, naming the URLs, the applications and the users)',
      port: 'loopback port (default: a free one)',
    },
    examples: ['npm start', 'npm start -- --keep --port 4010', 'npm start -- --json', 'npm start -- --keep --json'],
  },
  async (flags) => {
    const port = numberFlag('port', flags.port, 0, { min: 0, max: 65535, integer: true });
    const run = await runStart({ port, quiet: flags.json ?? false });
    const result = {
      ok: true,
      tenant: { domain: DEMO_DOMAIN, url: run.server.url },
      deploy: run.deploy,
      logins: run.rows,
      calls: run.calls,
      users: run.users,
    };
    if (!flags.keep) {
      await run.server.close();
      return { summary: startSummary(run), result };
    }
    const signIn = await startSignInDemo(run);
    const details = keepDetails(run, signIn);
    if (flags.json) process.stdout.write(`${JSON.stringify(details)}\n`);
    else process.stdout.write(`${startSummary(run)}\n\n${keepInstructions(run)}\n\n${signInInstructions(details)}\n`);
    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    await signIn.close();
    await run.server.close();
    return { summary: 'Local tenant stopped.', result };
  },
);

function keepInstructions(run: StartRun): string {
  const url = run.server.url;
  return [
    `The local tenant keeps running on ${url} (Ctrl-C stops it). Point the SDK, the scripts or curl at it:`,
    `  export AUTH0_DOMAIN=${DEMO_DOMAIN} AUTH0_BASE_URL=${url}`,
    `  export AUTH0_CLIENT_ID=${LOCAL_ADMIN.client_id} AUTH0_CLIENT_SECRET=${LOCAL_ADMIN.client_secret}   # fixed, local-only: not a secret`,
    '  npm run deploy -- --dry-run',
    `  TOKEN=$(curl -s ${url}/oauth/token -d grant_type=client_credentials -d client_id=$AUTH0_CLIENT_ID -d client_secret=$AUTH0_CLIENT_SECRET -d audience=https://${DEMO_DOMAIN}/api/v2/ | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token')`,
    `  curl -s -H "authorization: Bearer $TOKEN" '${url}/api/v2/users-by-email?email=ana.silva@example.com'`,
    `In code: new ManagementClient({ domain, clientId, clientSecret, fetch: routedFetch(domain, baseUrl) }) with routedFetch from scripts/common/routed-fetch.ts.`,
  ].join('\n');
}
