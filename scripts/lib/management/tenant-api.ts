// The Management API calls the backfill and the undo make, through the SDK and the pacer: one place that knows the SDK's shapes.
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { ManagementClient } from 'auth0';
import { ManagementError, ManagementTimeoutError } from 'auth0';
import type { LinkFailure } from '../../../actions/link-protocol.ts';
import type { Identity, Metadata, User } from '../../../actions/types.ts';
import { CliError } from '../cli.ts';
import { fetchFor, managementClient, type TenantCredentials } from './client.ts';
import type { Fetch } from '../routed-fetch.cjs';
import { Pacer, statusOfError, type Answer } from './pacer.ts';

export interface UsersPage {
  users: User[];
  total: number;
}

export interface ExportJob {
  id: string;
  status: string;
  location?: string;
  percentageDone?: number;
}

export interface MetadataPatch {
  app_metadata?: Metadata;
  user_metadata?: Metadata;
}

/**
 * The TenantApi the scripts use for a tenant: paced, with the SDK's own retries off, since they would stack on the
 * pacer's waits and hide 429s from it.
 */
export function pacedTenantApi(
  credentials: TenantCredentials,
  options: { concurrency: number; signal?: AbortSignal | undefined; fetch?: Fetch | undefined },
): TenantApi {
  const pacer = new Pacer({ concurrency: options.concurrency, ...(options.signal ? { signal: options.signal } : {}) });
  const client = managementClient(credentials, { maxRetries: 0, ...(options.fetch ? { fetch: options.fetch } : {}) });
  return new TenantApi(client, pacer, fetchFor(credentials, options.fetch));
}

/** Paced Management API access; `fetch` is for the export file, which lives outside the API. */
export class TenantApi {
  readonly pacer: Pacer;
  private readonly client: ManagementClient;
  private readonly fetch: Fetch;

  constructor(client: ManagementClient, pacer: Pacer, fetch: Fetch) {
    this.client = client;
    this.pacer = pacer;
    this.fetch = fetch;
  }

  /** The user, or undefined when it does not exist (a linked secondary no longer does). */
  async getUser(userId: string, fields: readonly string[]): Promise<User | undefined> {
    try {
      return (await this.pacer.call(() =>
        this.client.users.get(userId, { fields: fields.join(','), include_fields: true }).withRawResponse(),
      )) as unknown as User;
    } catch (error) {
      if (statusOfError(error) === 404) return undefined;
      throw error;
    }
  }

  /** PATCH /api/v2/users/{id}: Auth0 merges each metadata object at the top level (null removes a key). */
  async patchMetadata(userId: string, patch: MetadataPatch): Promise<void> {
    await this.pacer.call(() => this.client.users.update(userId, patch).withRawResponse());
  }

  /** DELETE /api/v2/users/{id}/sessions (delete:sessions): the user's SSO sessions end (Session Management API). */
  async deleteSessions(userId: string): Promise<void> {
    await this.pacer.call(() => this.client.users.sessions.delete(userId).withRawResponse());
  }

  /** DELETE /api/v2/grants?user_id= (delete:grants): the user's grants go, and the refresh tokens issued in them. */
  async deleteGrants(userId: string): Promise<void> {
    await this.pacer.call(() => this.client.userGrants.deleteByUserId({ user_id: userId }).withRawResponse());
  }

  /** POST /api/v2/users/{primary}/identities: the primary's identities afterwards. */
  async link(primaryId: string, identity: Pick<Identity, 'provider' | 'user_id'>): Promise<Identity[]> {
    const body = { provider: identity.provider as never, user_id: identity.user_id };
    return (await this.pacer.call(() => this.client.users.identities.link(primaryId, body).withRawResponse())) as unknown as Identity[];
  }

  /** DELETE /api/v2/users/{primary}/identities/{provider}/{user_id}: the identity becomes a user again. */
  async unlink(primaryId: string, provider: string, identityUserId: string): Promise<void> {
    await this.pacer.call(() => this.client.users.identities.delete(primaryId, provider as never, identityUserId).withRawResponse());
  }

  /** One page of GET /api/v2/users with totals, sorted by user_id so pages stay stable. */
  async listUsers(page: number, perPage: number, fields: readonly string[]): Promise<UsersPage> {
    const body = await this.pacer.call(async (): Promise<Answer<{ users?: unknown[]; total?: number }>> => {
      const result = await this.client.users.list({
        page,
        per_page: perPage,
        include_totals: true,
        sort: 'user_id:1',
        fields: fields.join(','),
        include_fields: true,
      });
      return { data: result.response, rawResponse: result.rawResponse };
    });
    const users = (body.users ?? []) as unknown as User[];
    return { users, total: typeof body.total === 'number' ? body.total : users.length };
  }

  /** POST /api/v2/jobs/users-exports in Auth0's JSON (NDJSON) format with these fields. */
  async startExport(fields: readonly string[]): Promise<ExportJob> {
    const job = await this.pacer.call(() =>
      this.client.jobs.usersExports.create({ format: 'json', fields: fields.map((name) => ({ name })) }).withRawResponse(),
    );
    return { id: job.id, status: job.status };
  }

  async getJob(id: string): Promise<ExportJob> {
    const job = await this.pacer.call(() => this.client.jobs.get(id).withRawResponse());
    return {
      id: job.id,
      status: job.status,
      ...(job.location ? { location: job.location } : {}),
      ...(typeof job.percentage_done === 'number' ? { percentageDone: job.percentage_done } : {}),
    };
  }

  /** The export file as a byte stream; its URL is pre-signed, so no token goes with it. */
  async download(location: string): Promise<Readable> {
    const response = await this.fetch(location);
    if (!response.ok || response.body === null) {
      throw new CliError(`downloading the users export failed with HTTP ${response.status}; the file expires some time after the job completes: run again`);
    }
    return Readable.fromWeb(response.body as NodeReadableStream);
  }
}

/** What a failed link call told, for the link protocol; undefined for an error that is no answer of the API (an abort). */
export function linkFailureOf(error: unknown): LinkFailure | undefined {
  if (error instanceof ManagementTimeoutError) return { status: undefined };
  if (!(error instanceof ManagementError)) return undefined;
  return { status: error.statusCode, message: String((error.body as { message?: unknown } | undefined)?.message ?? '') };
}
