// `npm start`: the whole flow on a local tenant — deploy the Action there, replay logins, print who got linked — then exit (or --keep it running).
import { once } from 'node:events';
import { SeedError } from '../local-tenant/index.ts';
import { loadSeedFile } from './lib/seed-file.ts';
import { CliError, main, numberFlag } from './lib/cli.ts';
import { emailShown, maskEmails, SHOW_EMAILS, SHOW_EMAILS_DESCRIPTION } from './lib/email-mask.ts';
import { checkInputFile } from './lib/output-path.ts';
import { startSummary, runStart, type StartRun } from './lib/start/run.ts';
import { keepDetails } from './lib/start/keep.ts';
import { signInInstructions, startSignInDemo } from './lib/start/sign-in.ts';
import { createDemoTenant, DEMO_DOMAIN, LOCAL_ACTION_APP, LOCAL_ADMIN, setDemoPasswords } from './lib/start/tenant.ts';

const SEED_EXAMPLE = 'a seed file (JSON or NDJSON), e.g. local-tenant/seeds/pending.json';

main(
  {
    usage: 'npm start -- [options]',
    summary:
      'Starts a local Auth0 tenant on 127.0.0.1 seeded with a small tenant (one person with three accounts, a pre-hijack trap, ' +
      'enterprise accounts, a passwordless user, an excluded account), deploys the Action there with the deploy command over HTTP, ' +
      'runs the linking page beside it, replays first logins, returning logins, a refresh-token exchange and an enterprise login ' +
      'confirmed on the linking page, and prints who was linked. Needs no credentials.',
    options: {
      keep: { type: 'boolean' },
      port: { type: 'string' },
      seed: { type: 'string' },
      ...SHOW_EMAILS,
    },
    values: { port: '<port>', seed: '<file>' },
    descriptions: {
      keep:
        'keep the tenant and the linking page running afterwards, with a demo app to sign in to in a browser, and print how to point the SDK, npm run deploy ' +
        'or curl at it and how to try confirmed linking (with --json: one line of JSON first, naming the URLs, the applications and the users)',
      port: 'loopback port (default: a free one); the linking page listens on the next one',
      'show-emails': `${SHOW_EMAILS_DESCRIPTION}; the made-up users --keep prints to sign in with are shown in full`,
      seed: 'after the demo, also load this seed (JSON or NDJSON, e.g. local-tenant/seeds/pending.json or npm run generate output): accounts still to link, for npm run backfill',
    },
    examples: [
      'npm start',
      'npm start -- --keep --port 4010',
      'npm start -- --keep --seed local-tenant/seeds/pending.json',
      'npm start -- --json',
      'npm start --silent -- --keep --json',
    ],
  },
  async (flags) => {
    const port = numberFlag('port', flags.port, 0, { min: 0, max: 65534, integer: true });
    // Before the demo runs: a bad --seed would otherwise be reported only after it.
    if (flags.seed !== undefined) await checkSeed(flags.seed);
    const run = await runStart({ port, quiet: flags.json ?? false }).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'EADDRINUSE')
        throw new CliError(
          `port ${port} on 127.0.0.1 is in use (another npm start -- --keep?): stop that process, pick another --port, or leave --port out for a free one`,
        );
      throw error;
    });
    const seeded = flags.seed === undefined ? undefined : await seedKept(run, flags.seed);
    const result = {
      ok: true,
      tenant: { domain: DEMO_DOMAIN, url: run.server.url },
      deploy: run.deploy,
      logins: flags['show-emails'] ? run.rows : maskEmails(run.rows),
      calls: run.calls,
      users: run.users,
    };
    if (!flags.keep) {
      await run.close();
      return { summary: startSummary(run, emailShown(flags['show-emails'])), result };
    }
    const signIn = await startSignInDemo(run);
    const details = keepDetails(run, signIn.app);
    if (flags.json) process.stdout.write(`${JSON.stringify(details)}\n`);
    else {
      const seededLine = seeded ? `\nSeeded ${seeded.users} more accounts from ${flags.seed}: npm run backfill lists what they need.` : '';
      process.stdout.write(
        `${startSummary(run, emailShown(flags['show-emails']))}${seededLine}\n\n${keepInstructions(run)}\n\n${signInInstructions(details)}\n`,
      );
    }
    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    await signIn.close();
    await run.close();
    return { summary: 'Local tenant stopped.', result };
  },
);

function keepInstructions(run: StartRun): string {
  const url = run.server.url;
  return [
    `The local tenant keeps running on ${url} (Ctrl-C stops it). Point the SDK, the scripts or curl at it:`,
    `  export AUTH0_DOMAIN=${DEMO_DOMAIN} AUTH0_BASE_URL=${url}`,
    `  export AUTH0_CLIENT_ID=${LOCAL_ADMIN.client_id} AUTH0_CLIENT_SECRET=${LOCAL_ADMIN.client_secret}   # fixed, local-only: not a secret`,
    `  export LINK_PAGE_URL=${run.linkPage.confirmUrl}   # the linking page beside the tenant: deploy reuses its application`,
    `  npm run deploy -- --dry-run --create-client   # the Action's application is "${LOCAL_ACTION_APP.name}": reused, its secret never shown`,
    '  npm run deploy -- --create-client             # nothing changed: "… is up to date …", run it twice to see',
    '  npm run links                                 # what the demo linked, with the id map (former user_id → primary)',
    '  npm run backfill                              # dry run: what is left to link (nothing after the demo, unless --seed)',
    `  TOKEN=$(curl -s ${url}/oauth/token -d grant_type=client_credentials -d client_id=$AUTH0_CLIENT_ID -d client_secret=$AUTH0_CLIENT_SECRET -d audience=https://${DEMO_DOMAIN}/api/v2/ | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token')`,
    `  curl -s -H "authorization: Bearer $TOKEN" '${url}/api/v2/users-by-email?email=ana.silva@example.com'`,
    `In code: new ManagementClient({ domain, clientId, clientSecret, fetch: routedFetch(domain, baseUrl) }) with routedFetch from scripts/lib/routed-fetch.cjs.`,
  ].join('\n');
}

/** Checks `--seed` before the demo: a readable file that loads into a scratch demo tenant (in memory, nothing served). */
async function checkSeed(file: string): Promise<void> {
  checkInputFile('seed', file, SEED_EXAMPLE);
  const scratch = await createDemoTenant();
  await loadSeedFile(scratch.tenant.state, file).catch((error: unknown) => {
    throw seedProblem(file, error);
  });
}

/** Loads `--seed` into the demo tenant after its logins, so its accounts are still to link; a bad file is one line. */
async function seedKept(run: StartRun, file: string): Promise<{ file: string; users: number }> {
  try {
    const { users } = await loadSeedFile(run.demo.tenant.state, file);
    setDemoPasswords(run.demo.tenant.state);
    return { file, users };
  } catch (error) {
    await run.close();
    throw seedProblem(file, error);
  }
}

/** A seed that does not load, as one line: its first problem and how many more. */
function seedProblem(file: string, error: unknown): Error {
  if (error instanceof SeedError) {
    const [first, ...more] = error.problems;
    return new CliError(`--seed ${file} cannot be loaded: ${first}${more.length > 0 ? ` (and ${more.length} more problem${more.length > 1 ? 's' : ''})` : ''}`);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code) return new CliError(`--seed ${file} cannot be read (${code}); give ${SEED_EXAMPLE}`);
  return error as Error;
}
