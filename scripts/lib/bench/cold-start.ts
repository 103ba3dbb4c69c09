// Cold-start benchmark: code size, load time and first execution of this project's bundle versus the usual approach
// written with the `auth0` SDK — as a declared Action dependency (how it is deployed) and bundled (to see its size) —
// each in a fresh child process, several times, variants interleaved; medians reported.
import { ACTION_SCOPES } from '../../../actions/config.ts';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ACTION_SIZE_LIMIT } from '../../../actions/auth0-limits.ts';
import { buildAction } from '../build-action.ts';
import { buildEvent, createLocalTenant, serveHttp } from '../../../local-tenant/index.ts';
import { runJsonChild } from './child.ts';
import type { ColdStartInput, ColdStartSample } from './cold-start-child.ts';
import { median } from './stats.ts';

export const VARIANTS = ['auto-link', 'sdk-dependency', 'sdk-bundled'] as const;
export type Variant = (typeof VARIANTS)[number];

export const VARIANT_LABELS: Record<Variant, string> = {
  'auto-link': 'this project (bundle, no dependency)',
  'sdk-dependency': 'usual approach: auth0 SDK as Action dependency',
  'sdk-bundled': 'usual approach: auth0 SDK bundled (esbuild, minified)',
};

export interface ColdStartOptions {
  runs: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface VariantResult {
  variant: Variant;
  label: string;
  /** Bytes of the Action's code, what Auth0's 100 kB limit counts. */
  codeBytes: number;
  /** Installed bytes of its declared npm dependencies (not counted by the limit, but loaded on each cold start). */
  dependencyBytes: number;
  dependencies: string[];
  withinCodeLimit: boolean;
  runs: number;
  /** Medians over the runs. */
  loadMs: number;
  firstExecutionMs: number;
  coldMs: number;
  secondExecutionMs: number;
  rssAddedBytes: number;
  /** All samples, for whoever compares commits. */
  samples: ColdStartSample[];
}

export interface ColdStartResult {
  runs: number;
  /** What the first execution does: a first login of a verified user no other account shares an email with. */
  firstExecution: string;
  variants: Record<Variant, VariantResult>;
}

const CHILD = fileURLToPath(new URL('./cold-start-child.ts', import.meta.url));
const SDK_ACTION = fileURLToPath(new URL('./baseline-sdk-action.js', import.meta.url));
const PROJECT = fileURLToPath(new URL('../../../', import.meta.url));
const DOMAIN = 'cold.tenant.local';

export async function benchColdStart(options: ColdStartOptions): Promise<ColdStartResult> {
  const sdkCode = await readFile(SDK_ACTION, 'utf8');
  const code: Record<Variant, { code: string; dependencies: string[] }> = {
    'auto-link': { code: (await buildAction()).code, dependencies: [] },
    'sdk-dependency': { code: sdkCode, dependencies: ['auth0'] },
    'sdk-bundled': { code: await bundle(SDK_ACTION), dependencies: [] },
  };

  const tenant = createLocalTenant({ domain: DOMAIN });
  tenant.state.addConnection({ name: 'google-oauth2', strategy: 'google-oauth2' });
  const client = tenant.state.addClient({ name: 'auto-link', scopes: [...ACTION_SCOPES] });
  const user = tenant.state.createUser({ connection: 'google-oauth2', email: 'cold@start.example', email_verified: true });
  const secrets = { AUTH0_DOMAIN: DOMAIN, AUTH0_CLIENT_ID: client.client_id, AUTH0_CLIENT_SECRET: client.client_secret };
  const main = user.identities[0]!;
  const event = buildEvent(tenant.state, user, { provider: main.provider, user_id: String(main.user_id) }, {}, secrets, 1);
  const server = await serveHttp(tenant);

  const samples: Record<Variant, ColdStartSample[]> = { 'auto-link': [], 'sdk-dependency': [], 'sdk-bundled': [] };
  try {
    let done = 0;
    for (let run = 0; run < options.runs; run++) {
      for (const variant of VARIANTS) {
        const input: ColdStartInput = { code: code[variant].code, event, domain: DOMAIN, baseUrl: server.url };
        const sample = await runJsonChild<ColdStartSample>(CHILD, [], JSON.stringify(input));
        if (sample.error) throw new Error(`cold start of ${variant} failed in its first execution: ${sample.error}`);
        samples[variant].push(sample);
        options.onProgress?.('cold start', ++done, options.runs * VARIANTS.length);
      }
    }
  } finally {
    await server.close();
  }

  const variants = {} as Record<Variant, VariantResult>;
  for (const variant of VARIANTS) {
    const own = samples[variant];
    const codeBytes = Buffer.byteLength(code[variant].code, 'utf8');
    const pick = (f: (s: ColdStartSample) => number): number => median(own.map(f));
    variants[variant] = {
      variant,
      label: VARIANT_LABELS[variant],
      codeBytes,
      dependencyBytes: await installedBytes(code[variant].dependencies),
      dependencies: code[variant].dependencies,
      withinCodeLimit: codeBytes <= ACTION_SIZE_LIMIT,
      runs: own.length,
      loadMs: pick((s) => s.loadMs),
      firstExecutionMs: pick((s) => s.firstExecutionMs),
      coldMs: pick((s) => s.loadMs + s.firstExecutionMs),
      secondExecutionMs: pick((s) => s.secondExecutionMs),
      rssAddedBytes: pick((s) => s.rssAddedBytes),
      samples: own,
    };
  }
  return { runs: options.runs, firstExecution: 'first login of a verified Google user with no other account (token + users-by-email, no link)', variants };
}

/** The SDK variant as one file, as an Action without dependencies would have to ship it. */
async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  return result.outputFiles[0]!.text;
}

/** Bytes on disk of the named packages and everything they depend on, each package counted once. */
async function installedBytes(packages: string[]): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const visit = async (name: string): Promise<void> => {
    if (seen.has(name)) return;
    seen.add(name);
    const dir = join(PROJECT, 'node_modules', name);
    total += await directoryBytes(dir);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) await visit(dependency);
  };
  for (const name of packages) await visit(name);
  return total;
}

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await directoryBytes(path);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}
