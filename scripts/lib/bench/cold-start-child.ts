// One cold start, in a fresh process: load an Action's code as Auth0 does (CommonJS, module-level code run once), then
// run its first and second executions against the tenant the parent serves. Reads its input as JSON on stdin (the event
// carries the M2M secret, which must not touch a file) and prints one JSON line of timings on stdout.
// The runtime harness initialises a module lazily inside its first execution; timing load and first execution apart
// needs the two steps done here by hand, with the harness's own `api` (api.ts, cache.ts).
import { Console } from 'node:console';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import vm from 'node:vm';
import type { OnExecutePostLogin, PostLoginEvent } from '../../../actions/types.ts';
import { routedFetch } from '../routed-fetch.cjs';
import { ActionsCache, createPostLoginApi } from '../../../local-tenant/index.ts';

export interface ColdStartInput {
  code: string;
  event: PostLoginEvent;
  domain: string;
  baseUrl: string;
}

export interface ColdStartSample {
  /** Compiling the code and running its module-level code (for the SDK variant: `require('auth0')`). */
  loadMs: number;
  firstExecutionMs: number;
  secondExecutionMs: number;
  /** Resident memory the load and first execution added. */
  rssAddedBytes: number;
  /** What the first execution failed with: an error message, or undefined. */
  error?: string;
}

/** Declared npm dependencies resolve from the project's node_modules, as Auth0 installs them for the Action. */
const projectRequire = createRequire(new URL('../../../package.json', import.meta.url));
/** The Action's console, as in the harness, goes to its own logs: here nowhere, so stdout carries only the result. */
const actionConsole = new Console({ stdout: new Writable({ write: (_chunk, _encoding, done) => done() }) });

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function coldStart(input: ColdStartInput): Promise<ColdStartSample> {
  globalThis.fetch = routedFetch(input.domain, input.baseUrl, globalThis.fetch);
  const cache = new ActionsCache(() => Date.now());
  const rssBefore = process.memoryUsage().rss;

  const started = performance.now();
  const module = { exports: {} as { onExecutePostLogin?: OnExecutePostLogin } };
  const body = vm.compileFunction(input.code, ['exports', 'require', 'module', '__filename', '__dirname', 'console'], { filename: '/action/action.js' });
  body.call(module.exports, module.exports, projectRequire, module, '/action/action.js', '/action', actionConsole);
  const loaded = performance.now();
  const handler = module.exports.onExecutePostLogin!;
  let error: string | undefined;
  try {
    await handler(structuredClone(input.event), createPostLoginApi(cache, () => true).api);
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
  }
  const first = performance.now();
  const rssAddedBytes = process.memoryUsage().rss - rssBefore;
  await handler(structuredClone(input.event), createPostLoginApi(cache, () => true).api).catch(() => undefined);
  const second = performance.now();
  return { loadMs: loaded - started, firstExecutionMs: first - loaded, secondExecutionMs: second - first, rssAddedBytes, ...(error ? { error } : {}) };
}

process.stdout.write(`${JSON.stringify(await coldStart(JSON.parse(await readStdin()) as ColdStartInput))}\n`);
