// Bad input to the scripts, through their CLI: a broken .env, a wrong or unreachable AUTH0_BASE_URL / AUTH0_DOMAIN, a
// server that is not Auth0, unwritable output paths, reruns with nothing to do, and the help and wording of flags.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backfillCommand, backfillSpec } from '../scripts/lib/backfill/command.ts';
import { buildAction } from '../scripts/lib/build-action.ts';
import { deployCommand, deploySpec } from '../scripts/lib/deploy/command.ts';
import { loadEnv, type Env } from '../scripts/lib/env.ts';
import { linksCommand, linksSpec } from '../scripts/lib/links/command.ts';
import { undoCommand, undoSpec } from '../scripts/lib/undo/command.ts';
import { tempDir } from './support/backfill.ts';
import { quiet, runCli } from './support/cli.ts';
import { createTestTenant, DATABASE, useHttpTenant, useInProcessTenant } from './support/tenant.ts';

const CREDENTIALS = { AUTH0_DOMAIN: 'my-tenant.eu.auth0.com', AUTH0_CLIENT_ID: 'id', AUTH0_CLIENT_SECRET: 'secret-value-1234' };

/** A fetch that fails the test if anything is sent: the check must come before any work. */
const noRequest: typeof fetch = async (input) => {
  throw new Error(`no request expected, got ${String(input instanceof Request ? input.url : input)}`);
};

const backfill = (env: Env, argv: string[], fetch?: typeof globalThis.fetch) =>
  runCli(backfillSpec, backfillCommand({ env, progressStream: quiet, ...(fetch ? { fetch } : {}) }), argv);
const deploy = (env: Env, argv: string[]) => runCli(deploySpec, deployCommand({ env, progressStream: quiet, build: buildAction }), argv);

/** stderr is exactly one `error:` line. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  return lines[0]!;
}

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  servers = [];
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler!(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a bad .env line', () => {
  const envFile = (): string => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), `AUTH0_DOMAIN=my-tenant.eu.auth0.com\nAUTH0_CLIENT_SECRET hunter2-not-key-value\n`);
    return join(dir, '.env');
  };

  it('is one line naming the line, exit 1, never the value; --help still prints help', async () => {
    const env = loadEnv({ path: envFile(), env: {} });
    const help = await deploy(env, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run deploy');

    const run = await deploy(env, ['--dry-run']);
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toMatch(/\.env line 2 is not KEY=value: fix or remove that line$/);
    expect(run.stderr + run.stdout).not.toContain('hunter2');

    const json = await backfill(loadEnv({ path: envFile(), env: {} }), ['--json']);
    expect(json.code).toBe(1);
    expect(json.json).toEqual({ ok: false, error: expect.stringMatching(/line 2 is not KEY=value/) });
  });
});

describe('AUTH0_BASE_URL and AUTH0_DOMAIN', () => {
  it('an unreachable AUTH0_BASE_URL is named with the connection error, not AUTH0_DOMAIN', async () => {
    const port = await freePort();
    const run = await backfill({ ...CREDENTIALS, AUTH0_BASE_URL: `http://127.0.0.1:${port}` }, []);
    expect(run.code).toBe(1);
    const line = oneLine(run.stderr);
    expect(line).toContain(`could not connect to AUTH0_BASE_URL http://127.0.0.1:${port}: ECONNREFUSED`);
    expect(line).not.toContain('check AUTH0_DOMAIN');
  });

  it.each([
    ['ftp://127.0.0.1:4010', 'AUTH0_BASE_URL must be http:// or https://'],
    ['http://127.0.0.1:4010/api/v2', 'AUTH0_BASE_URL must be an origin without a path'],
    ['http://127.0.0.1:4010/?x=1', 'AUTH0_BASE_URL must be an origin without a path'],
  ])('AUTH0_BASE_URL %s is refused before any request', async (baseUrl, message) => {
    const run = await backfill({ ...CREDENTIALS, AUTH0_BASE_URL: baseUrl }, [], noRequest);
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toContain(message);
  });

  it('http:// in AUTH0_DOMAIN says https:// is what is accepted; a port is refused', async () => {
    const http = await backfill({ ...CREDENTIALS, AUTH0_DOMAIN: 'http://my-tenant.eu.auth0.com' }, [], noRequest);
    expect(http.code).toBe(1);
    expect(oneLine(http.stderr)).toContain('https:// in front is accepted');
    const port = await backfill({ ...CREDENTIALS, AUTH0_DOMAIN: 'my-tenant.eu.auth0.com:8443' }, [], noRequest);
    expect(port.code).toBe(1);
    expect(oneLine(port.stderr)).toContain('"my-tenant.eu.auth0.com:8443" has a port');
    const https = await backfill({ ...CREDENTIALS, AUTH0_DOMAIN: 'HTTPS://my-tenant.eu.auth0.com/', AUTH0_BASE_URL: 'ftp://x' }, [], noRequest);
    expect(oneLine(https.stderr)).toContain('AUTH0_BASE_URL must be http://');
  });
});

describe('a server that is not Auth0', () => {
  it('an HTML error page is one line naming what answered, with no retry', async () => {
    const nginx = await listen((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html', server: 'nginx/1.25' });
      res.end('<html>\n<body>Bad Gateway</body>\n</html>');
    });
    for (const run of [
      await backfill({ ...CREDENTIALS, AUTH0_BASE_URL: nginx.url }, []),
      await deploy({ ...CREDENTIALS, AUTH0_BASE_URL: nginx.url, ACTION_CLIENT_ID: 'a', ACTION_CLIENT_SECRET: 'b'.repeat(32) }, ['--dry-run']),
    ]) {
      expect(run.code).toBe(1);
      const line = oneLine(run.stderr);
      expect(line).toContain(`AUTH0_BASE_URL ${nginx.url} answered POST /oauth/token with HTTP 502 text/html from "nginx/1.25", not Auth0's JSON`);
      expect(line).not.toContain('<html>');
    }
    expect(nginx.requests).toEqual(['POST /oauth/token', 'POST /oauth/token']);
  });

  it('a 200 that is not JSON from the Management API fails fast, not after the pacer’s retries', async () => {
    const proxy = await listen((req, res) => {
      if (req.url === '/oauth/token') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: 'x', expires_in: 86400, token_type: 'Bearer' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login page</html>');
    });
    const run = await undoAt(proxy.url);
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toMatch(
      /answered GET \/api\/v2\/users with HTTP 200 text\/html, not Auth0's JSON: that is not an Auth0 tenant; fix or unset AUTH0_BASE_URL/,
    );
    expect(proxy.requests.filter((r) => r.startsWith('GET /api/v2/'))).toHaveLength(1);
  });
});

describe('advice that points at the setting to fix', () => {
  const get = useHttpTenant();

  it('credentials of one tenant with AUTH0_DOMAIN of another: the domain is named, not a scope', async () => {
    const { server, client } = get();
    const env = {
      AUTH0_DOMAIN: 'other-tenant.local',
      AUTH0_BASE_URL: server.url,
      AUTH0_CLIENT_ID: client.client_id,
      AUTH0_CLIENT_SECRET: client.client_secret,
    };
    const run = await runCli(linksSpec, linksCommand({ env, progressStream: quiet }), []);
    expect(run.code).toBe(1);
    const line = oneLine(run.stderr);
    expect(line).toContain('Service not enabled within domain');
    expect(line).toContain("AUTH0_DOMAIN is not the canonical domain of the application's tenant");
    expect(line).not.toContain('scope');
  });

  it('undo --journal <a directory> names the flag before any request, not the domain or the network', async () => {
    const dir = tempDir();
    const run = await runCli(undoSpec, undoCommand({ env: CREDENTIALS, progressStream: quiet, fetch: noRequest }), ['--journal', dir]);
    expect(run.code).toBe(1);
    const line = oneLine(run.stderr);
    expect(line).toBe(`error: --journal ${dir} is a directory: give the journal file of a backfill --apply, e.g. backfill-<domain>.journal.ndjson`);
    const missing = await runCli(undoSpec, undoCommand({ env: CREDENTIALS, progressStream: quiet, fetch: noRequest }), ['--journal', join(dir, 'nope')]);
    expect(oneLine(missing.stderr)).toContain(`--journal ${join(dir, 'nope')}: no such file`);
  });

  it('an AUTH0_BASE_URL that answers an empty 404 is one line naming AUTH0_BASE_URL, not Auth0', async () => {
    const bare = await listen((_req, res) => {
      res.writeHead(404, { 'content-length': '0' });
      res.end();
    });
    for (const run of [
      await backfill({ ...CREDENTIALS, AUTH0_BASE_URL: bare.url }, []),
      await runCli(linksSpec, linksCommand({ env: { ...CREDENTIALS, AUTH0_BASE_URL: bare.url }, progressStream: quiet }), []),
    ]) {
      expect(run.code).toBe(1);
      const line = oneLine(run.stderr);
      expect(line).toContain(`AUTH0_BASE_URL ${bare.url} answered POST /oauth/token with HTTP 404 and no body, not Auth0's JSON`);
      expect(line).toContain('fix or unset AUTH0_BASE_URL');
      expect(line).not.toContain('Auth0 answered');
    }
  });
});

function undoAt(baseUrl: string) {
  return runCli(undoSpec, undoCommand({ env: { ...CREDENTIALS, AUTH0_BASE_URL: baseUrl }, progressStream: quiet }), ['--since', '2020-01-01']);
}

describe('output paths are checked before any work, naming the flag', () => {
  it('--journal that is a directory, --csv into a missing folder', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'journal'));
    const journal = await backfill(CREDENTIALS, ['--apply', '--journal', join(dir, 'journal')], noRequest);
    expect(journal.code).toBe(1);
    expect(oneLine(journal.stderr)).toContain(`--journal ${join(dir, 'journal')} is a directory: give a file path`);

    const csv = await backfill(CREDENTIALS, ['--csv', join(dir, 'missing', 'plan.csv')], noRequest);
    expect(csv.code).toBe(1);
    expect(oneLine(csv.stderr)).toContain(`--csv ${join(dir, 'missing', 'plan.csv')}: the folder ${join(dir, 'missing')} does not exist`);
  });
});

describe('reruns with nothing to do', () => {
  const get = useInProcessTenant();

  it('a rerun on a finished journal checks the credentials, says it applied nothing and how to start afresh; a dry run with nothing to do does not ask for --apply', async () => {
    const { tenant, client } = get();
    tenant.state.createUser({ connection: DATABASE, email: 'ann@example.com', email_verified: true, created_at: '2019-01-01T00:00:00.000Z' });
    tenant.state.createUser({ connection: 'google-oauth2', email: 'ann@example.com', email_verified: true, created_at: '2020-01-01T00:00:00.000Z' });
    const env = { AUTH0_DOMAIN: tenant.domain, AUTH0_CLIENT_ID: client.client_id, AUTH0_CLIENT_SECRET: client.client_secret };
    const journal = join(tempDir(), 'journal.ndjson');
    expect((await backfill(env, ['--apply', '--journal', journal])).code).toBe(0);

    const wrong = await backfill({ ...env, AUTH0_CLIENT_SECRET: 'a-wrong-secret-value' }, ['--apply', '--journal', journal]);
    expect(wrong.code).toBe(1);
    expect(oneLine(wrong.stderr)).toContain('checking the credentials against the tenant failed: Auth0 answered 401');
    expect(wrong.stdout).toBe('');

    const again = await backfill(env, ['--apply', '--journal', journal]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(
        `^${journal.replace(/[.]/g, '\\.')} records a backfill that finished at \\d{4}-.*nothing is left to apply from it, and nothing was changed\\.$`,
        'm',
      ),
    );
    expect(again.stdout).toContain(
      'To link accounts made since, plan afresh with `npm run backfill`, then apply with a new journal: npm run backfill -- --apply --journal ',
    );
    // The old plan is not printed as if it were the tenant's now.
    expect(again.stdout).not.toMatch(/Groups|Links planned/);
    expect((await backfill(env, ['--apply', '--journal', journal, '--json'])).json).toMatchObject({
      ok: true,
      nothingToDo: true,
      finishedBefore: expect.any(String),
    });

    const dry = await backfill(env, []);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Nothing to do: no group has an account to link.');
    expect(dry.stdout).not.toContain('--apply');
  });
});

describe('flags', () => {
  it('range errors read "from 1 to 64"; help shows the values a flag takes', async () => {
    const run = await backfill(CREDENTIALS, ['--concurrency', '100'], noRequest);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: --concurrency must be a whole number from 1 to 64, got "100"');
    const help = (await deploy(CREDENTIALS, ['--help'])).stdout;
    expect(help).toContain('--position first|last|<n>');
    expect(help).toContain('--build-timeout <seconds>');
    expect((await backfill(CREDENTIALS, ['--help'])).stdout).toContain('--journal <file>');
  });
});

describe('the build wait', () => {
  const get = useInProcessTenant(() => {
    const made = createTestTenant();
    made.tenant.state.addClient({ name: 'deployer', scopes: ['read:actions', 'create:actions', 'update:actions', 'read:connections'] });
    made.tenant.actions.setBuildDelay(300);
    return made;
  });

  it('shows the time waited and the status, not a percentage against the timeout', async () => {
    const { tenant, client } = get();
    const deployer = tenant.state.listClients().find((c) => c.name === 'deployer')!;
    let progress = '';
    const stream = Object.assign(Object.create(quiet), { isTTY: false, write: (chunk: string) => ((progress += chunk), true) });
    const env = {
      AUTH0_DOMAIN: tenant.domain,
      AUTH0_CLIENT_ID: deployer.client_id,
      AUTH0_CLIENT_SECRET: deployer.client_secret,
      ACTION_CLIENT_ID: client.client_id,
      ACTION_CLIENT_SECRET: client.client_secret,
    };
    const run = await runCli(deploySpec, deployCommand({ env, progressStream: stream, pollIntervalMs: 10, build: buildAction }), []);
    expect(run.code).toBe(0);
    expect(progress).toMatch(/^waiting for the Action to build: 0s, (pending|building)$/m);
    expect(progress).not.toContain('%');
  });
});

describe('scripts', () => {
  it('generate is an npm script', () => {
    const run = spawnSync('npm', ['run', '-s', 'generate', '--', '--help'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: npm run generate -- --users <n>');
  });

  it('npm start --seed and npm run generate --out check their paths up front: one line, before any work', () => {
    const dir = tempDir();
    const badSeed = join(dir, 'bad.json');
    writeFileSync(badSeed, '{"users": [{"connection": "x"}]}');
    const start = (seed: string) => spawnSync(process.execPath, ['scripts/start.ts', '--seed', seed], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    for (const [seed, message] of [
      [dir, `error: --seed ${dir} is a directory: give a seed file (JSON or NDJSON), e.g. local-tenant/seeds/pending.json`],
      [join(dir, 'nope.json'), `error: --seed ${join(dir, 'nope.json')}: no such file; give a seed file`],
      [badSeed, `error: --seed ${badSeed} cannot be loaded: "connections" must be an array`],
    ] as const) {
      const run = start(seed);
      expect(run.status).toBe(1);
      expect(oneLine(run.stderr)).toContain(message);
      expect(run.stderr).not.toContain(':;');
      // Nothing of the demo ran.
      expect(run.stdout).toBe('');
    }
    const generate = (args: string[]) => spawnSync('npm', ['run', '-s', 'generate', '--', '--users', '10', ...args], { encoding: 'utf8' });
    const folder = generate(['--out', dir]);
    expect(folder.status).toBe(1);
    expect(oneLine(folder.stderr)).toBe(`error: --out ${dir} is a directory: give a file path, e.g. ${dir}/tenant.ndjson.gz`);
    const missing = generate(['--seed-json', join(dir, 'missing', 'seed.json')]);
    expect(missing.status).toBe(1);
    expect(oneLine(missing.stderr)).toBe(
      `error: --seed-json ${join(dir, 'missing', 'seed.json')}: the folder ${join(dir, 'missing')} does not exist; create it or choose another path`,
    );
  });

  it('npm start --port on a port in use says so and exits 1', async () => {
    const busy = await listen((_req, res) => res.end());
    const port = new URL(busy.url).port;
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const proc = spawn(process.execPath, ['scripts/start.ts', '--port', port], { env: { PATH: process.env.PATH } });
      let err = '';
      proc.stderr.on('data', (d) => (err += d));
      proc.on('error', reject);
      proc.on('close', (exit) => resolve({ code: exit, stderr: err }));
    });
    expect(code).toBe(1);
    expect(oneLine(stderr)).toBe(
      `error: port ${port} on 127.0.0.1 is in use (another npm start -- --keep?): stop that process, pick another --port, or leave --port out for a free one`,
    );
  });

  it("npm start --port whose next port, the linking page's, is in use says which and exits 1; --port 65535 leaves it none", async () => {
    const busy = await listen((_req, res) => res.end());
    const pagePort = Number(new URL(busy.url).port);
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const proc = spawn(process.execPath, ['scripts/start.ts', '--port', String(pagePort - 1)], { env: { PATH: process.env.PATH } });
      let err = '';
      proc.stderr.on('data', (d) => (err += d));
      proc.on('error', reject);
      proc.on('close', (exit) => resolve({ code: exit, stderr: err }));
    });
    expect(code).toBe(1);
    expect(oneLine(stderr)).toBe(`error: port ${pagePort} on 127.0.0.1, the linking page's (--port + 1), is in use: stop that process or pick another --port`);
    const top = spawnSync(process.execPath, ['scripts/start.ts', '--port', '65535'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(top.status).toBe(2);
    expect(top.stderr.split('\n')[0]).toBe('error: --port must be a whole number from 0 to 65534, got "65535"');
  });
});
