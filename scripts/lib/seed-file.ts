// Reads a seed file into a local tenant: NDJSON (gzipped, or named .ndjson / .jsonl) streamed line by line, anything
// else a JSON seed object validated whole first.
import { open, readFile } from 'node:fs/promises';
import { loadSeed, loadUsers, SeedError, type SeedResult, type TenantState } from '../../local-tenant/index.ts';
import { readNdjson } from './ndjson.ts';

/** Loads `path` into `state`; an NDJSON file stops at its first bad line, the lines before it loaded. */
export async function loadSeedFile(state: TenantState, path: string): Promise<SeedResult> {
  if ((await isGzip(path)) || /\.(ndjson|jsonl)$/i.test(path)) {
    return { connections: [], clients: [], users: await loadUsers(state, readNdjson(path), path) };
  }
  const text = await readFile(path, 'utf8');
  let seed: unknown;
  try {
    seed = JSON.parse(text);
  } catch (error) {
    throw new SeedError(path, [`not valid JSON (${(error as Error).message}): fix the syntax, or name an NDJSON file .ndjson`]);
  }
  return loadSeed(state, seed, path);
}

/** Gzip is told by the content's magic bytes, not the name: Auth0 names its gzipped export `<tenant>.json`. */
async function isGzip(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await file.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await file.close();
  }
}
