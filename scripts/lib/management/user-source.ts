// Every user of a tenant, streamed: pages of GET /api/v2/users while the tenant is small enough to page through,
// otherwise a users-export job whose gzipped NDJSON file is read line by line (memory does not grow with the file).
// Auth0 pages through the first USERS_PAGING_LIMIT results only; past that an export job is the way to read a tenant
// (manage-users/user-migration/bulk-user-exports.mdx; docs/auth0-behaviour.md). Job statuses go
// pending → processing → completed (then expired 24 h later), or failed.
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { USERS_PAGING_LIMIT } from '../../../actions/auth0-limits.ts';
import type { User } from '../../../actions/types.ts';
import { CliError } from '../cli.ts';
import { readNdjson } from '../ndjson.ts';
import type { TenantApi } from './tenant-api.ts';

const PER_PAGE = 100;

export interface SourceOptions {
  fields: readonly string[];
  /** First and longest wait between job polls (default 1 s and 10 s). */
  pollMs?: { first: number; max: number };
  /** Called while the export job runs, e.g. to show its status. */
  onJobStatus?: (status: string, percentageDone: number | undefined) => void;
  signal?: AbortSignal;
}

export interface UserSource {
  /** The user count the tenant reported when reading started. */
  total: number;
  via: 'paging' | 'export';
  users: AsyncIterable<User>;
}

/** Starts reading; the first page tells the total, and with it whether to page or export. */
export async function openUserSource(api: TenantApi, options: SourceOptions): Promise<UserSource> {
  const first = await api.listUsers(0, PER_PAGE, options.fields);
  if (first.total <= USERS_PAGING_LIMIT) return { total: first.total, via: 'paging', users: pages(api, first.users, first.total, options.fields) };
  return { total: first.total, via: 'export', users: exported(api, options) };
}

async function* pages(api: TenantApi, firstPage: User[], total: number, fields: readonly string[]): AsyncGenerator<User> {
  yield* firstPage;
  for (let page = 1; page * PER_PAGE < Math.min(total, USERS_PAGING_LIMIT); page++) {
    const { users } = await api.listUsers(page, PER_PAGE, fields);
    if (users.length === 0) return;
    yield* users;
  }
}

async function* exported(api: TenantApi, options: SourceOptions): AsyncGenerator<User> {
  const job = await waitForExport(api, options);
  const source = 'the users export';
  for await (const { lineNumber, value } of readNdjson(await downloadOf(api, job), source)) {
    yield asUser(value, `${source} line ${lineNumber}`);
  }
}

/**
 * The export file. Its link is valid for 60 s, and a new GET of the job within 24 h gives a fresh one
 * (manage-users/user-migration/bulk-user-exports.mdx): a first link that expired while the job was polled or the
 * download waited is asked again once.
 */
async function downloadOf(api: TenantApi, job: { id: string; location: string }): Promise<Readable> {
  try {
    return await api.download(job.location);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    const again = await api.getJob(job.id);
    if (again.status !== 'completed' || !again.location) throw error;
    return api.download(again.location);
  }
}

/** Starts the export job and polls it until its file is ready; returns its id and the file's URL. */
async function waitForExport(api: TenantApi, options: SourceOptions): Promise<{ id: string; location: string }> {
  const poll = options.pollMs ?? { first: 1000, max: 10_000 };
  let job = await api.startExport(options.fields);
  for (let wait = poll.first; ; wait = Math.min(poll.max, wait * 1.5)) {
    if (job.status === 'completed') {
      if (!job.location) throw new CliError(`users export job ${job.id} completed without a file location; run again`);
      return { id: job.id, location: job.location };
    }
    if (job.status === 'failed' || job.status === 'expired') {
      throw new CliError(`users export job ${job.id} ${job.status}; run again (see the tenant's logs for why an export fails)`);
    }
    options.onJobStatus?.(job.status, job.percentageDone);
    await delay(wait, undefined, options.signal ? { signal: options.signal } : {});
    job = await api.getJob(job.id);
  }
}

/** A line of the export as a user, or an error naming the line when it is not one. */
function asUser(value: unknown, where: string): User {
  const user = value as Partial<User> | null;
  if (user === null || typeof user !== 'object' || typeof user.user_id !== 'string' || !Array.isArray(user.identities)) {
    throw new CliError(`${where} is not a user (it needs user_id and identities); was the export made with other fields?`);
  }
  return user as User;
}
