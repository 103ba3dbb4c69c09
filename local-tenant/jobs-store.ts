// The local tenant's users-export jobs: created by POST /api/v2/jobs/users-exports, pending → processing → completed after
// a configurable delay on the tenant's clock, and a gzipped NDJSON file streamed from the tenant's users when downloaded.
// Auth0's behaviour (manage-users/user-migration/bulk-user-exports.mdx; Auth0 community "Sequence of statuses for user
// export job"): the job answers `{type: 'users_export', status: 'pending', format, fields, connection_id?, limit?,
// created_at, id: 'job_…'}`; statuses go pending, processing, completed, then expired 24 h after the job was made; the
// completed job carries a `location` URL of a gzipped file, pre-signed (no bearer token), valid for 60 s; a new GET of
// the job gives a fresh one. The file is the tenant as of the job, not as of the download. Choices of the local tenant:
// the users are written out when the job is created (Auth0 does it while processing); only `format: 'json'` is
// modelled; a field named with a path (`user_metadata.plan`) is written under that name.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { User } from '../actions/types.ts';
import { ApiError } from './api-error.ts';
import { exportLine } from './export-format.ts';
import type { TenantState } from './state.ts';

export interface ExportField {
  name: string;
  export_as?: string;
}

export interface ExportJobView {
  type: 'users_export';
  status: 'pending' | 'processing' | 'completed' | 'expired';
  id: string;
  created_at: string;
  format: 'json';
  connection_id?: string;
  connection?: string;
  limit?: number;
  fields?: ExportField[];
  location?: string;
  percentage_done?: number;
}

interface ExportJob {
  id: string;
  createdAt: number;
  connection?: { id: string; name: string };
  limit?: number;
  fields?: ExportField[];
  /** The file's text, in chunks, as the tenant was when the job was made. */
  file: string[];
  /** Signature → expiry (tenant clock, ms) of each download link handed out: whoever has a live link may download. */
  links: Map<string, number>;
}

export interface JobsOptions {
  /** Milliseconds (tenant clock) from creation to completed; pending for the first half, processing for the second. */
  processingMs: number;
}

/** Auth0 expires an export job 24 hours after it was created. */
const EXPIRY_MS = 24 * 60 * 60 * 1000;
/** A download link is valid for 60 s (manage-users/user-migration/bulk-user-exports.mdx). */
export const LOCATION_LIFETIME_MS = 60_000;
const DEFAULT_PROCESSING_MS = 100;
/** Lines are gathered into chunks of about this size before compression. */
const CHUNK_BYTES = 64 * 1024;

export class JobsStore {
  private readonly state: TenantState;
  private readonly jobs = new Map<string, ExportJob>();
  private settings: JobsOptions = { processingMs: DEFAULT_PROCESSING_MS };

  constructor(state: TenantState) {
    this.state = state;
  }

  /** Changes how long jobs take (e.g. 0 with a frozen tenant clock). */
  configure(options: Partial<JobsOptions>): void {
    const processingMs = options.processingMs ?? this.settings.processingMs;
    if (!Number.isFinite(processingMs) || processingMs < 0) throw new Error(`export job processingMs must be ≥ 0, got ${String(processingMs)}`);
    this.settings = { processingMs };
  }

  /** POST /api/v2/jobs/users-exports with a checked body; the answer says `pending`, as Auth0's does. */
  createExport(body: Record<string, unknown>): ExportJobView {
    for (const key of Object.keys(body)) {
      if (!['connection_id', 'format', 'limit', 'fields'].includes(key))
        throw new ApiError(400, `Payload validation error: 'Additional properties not allowed: ${key}'.`, 'invalid_body');
    }
    // Auth0's default format is csv.
    const format = body.format ?? 'csv';
    if (format === 'csv') throw new ApiError(400, "The local tenant models users exports in format 'json' (NDJSON) only: send format: 'json'.", 'invalid_body');
    if (format !== 'json')
      throw new ApiError(400, `Payload validation error: 'No enum match for: "${String(format)}"' on property format (csv, json).`, 'invalid_body');
    const job: ExportJob = {
      id: `job_${randomBytes(12).toString('base64url').slice(0, 16)}`,
      createdAt: this.state.now().getTime(),
      file: [],
      links: new Map(),
    };
    if (body.connection_id !== undefined) {
      const connection = typeof body.connection_id === 'string' ? this.state.connectionById(body.connection_id) : undefined;
      if (!connection) throw new ApiError(400, 'The connection does not exist.', 'inexistent_connection');
      job.connection = { id: connection.id, name: connection.name };
    }
    if (body.limit !== undefined) {
      if (typeof body.limit !== 'number' || !Number.isInteger(body.limit) || body.limit < 1) {
        throw new ApiError(400, "Payload validation error: 'Expected a whole number ≥ 1' on property limit.", 'invalid_body');
      }
      job.limit = body.limit;
    }
    if (body.fields !== undefined) job.fields = checkFields(body.fields);
    job.file = [...chunks(this.state, job)];
    this.jobs.set(job.id, job);
    const elapsed = this.state.now().getTime() - job.createdAt;
    // The creation answer has no percentage_done (auth0/go-auth0 test/data/recordings, TestJobManager_ExportUsers.yaml).
    const { percentage_done: _omitted, ...created } = this.describe(job, elapsed);
    return { ...created, status: 'pending' };
  }

  /** GET /api/v2/jobs/{id}: the job's status as of now on the tenant's clock; a completed job with a fresh 60 s link. */
  view(id: string, domain: string): ExportJobView {
    const job = this.jobs.get(id);
    if (!job) throw new ApiError(404, 'The job does not exist.', 'inexistent_job');
    const now = this.state.now().getTime();
    const view = this.describe(job, now - job.createdAt);
    if (view.status === 'completed') {
      for (const [signature, expiresAt] of job.links) if (expiresAt <= now) job.links.delete(signature);
      const signature = randomBytes(24).toString('base64url');
      job.links.set(signature, now + LOCATION_LIFETIME_MS);
      view.location = `https://${domain}/exports/${job.id}/${encodeURIComponent(domain)}.json.gz?sig=${signature}`;
    }
    return view;
  }

  private describe(job: ExportJob, elapsed: number): ExportJobView {
    const { processingMs } = this.settings;
    const status = elapsed >= EXPIRY_MS ? 'expired' : elapsed >= processingMs ? 'completed' : elapsed >= processingMs / 2 ? 'processing' : 'pending';
    const view: ExportJobView = { type: 'users_export', status, id: job.id, created_at: new Date(job.createdAt).toISOString(), format: 'json' };
    if (job.connection) {
      view.connection_id = job.connection.id;
      view.connection = job.connection.name;
    }
    if (job.limit !== undefined) view.limit = job.limit;
    if (job.fields) view.fields = job.fields;
    if (status === 'completed') {
      view.percentage_done = 100;
    } else if (status !== 'expired') {
      view.percentage_done = status === 'processing' ? 50 : 0;
    }
    return view;
  }

  /** The export file of a completed job, gzipped NDJSON, through a link that is still valid. */
  download(id: string, signature: string | null): ReadableStream<Uint8Array> {
    const job = this.jobs.get(id);
    const now = this.state.now().getTime();
    const expiresAt = signature === null ? undefined : job?.links.get(signature);
    // Like an expired or tampered pre-signed URL: the same refusal whether the job is unknown, the link old or forged.
    if (!job || expiresAt === undefined || expiresAt <= now || this.describe(job, now - job.createdAt).status !== 'completed')
      throw new ApiError(403, 'Request has expired or the signature does not match.');
    // Node's web stream type and the DOM's (which Response takes) differ only in typing.
    return Readable.toWeb(Readable.from(job.file).pipe(createGzip())) as unknown as ReadableStream<Uint8Array>;
  }
}

function checkFields(value: unknown): ExportField[] {
  const valid =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (f) =>
        f !== null && typeof f === 'object' && typeof f.name === 'string' && f.name !== '' && (f.export_as === undefined || typeof f.export_as === 'string'),
    );
  if (!valid) throw new ApiError(400, "Payload validation error: 'fields must be a non-empty array of {name, export_as?}' on property fields.", 'invalid_body');
  return (value as ExportField[]).map(({ name, export_as }) => (export_as === undefined ? { name } : { name, export_as }));
}

/** The file's text in chunks of about CHUNK_BYTES, written one user at a time. */
function* chunks(state: TenantState, job: ExportJob): Generator<string> {
  let parts: string[] = [];
  let size = 0;
  let written = 0;
  for (const user of state.allUsers()) {
    if (job.limit !== undefined && written >= job.limit) break;
    if (job.connection && user.identities[0]?.connection !== job.connection.name) continue;
    const line = job.fields ? projectedLine(user, job.fields) : exportLine(user);
    parts.push(line, '\n');
    size += line.length + 1;
    written += 1;
    if (size >= CHUNK_BYTES) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield parts.join('');
}

/** The line of a user with only the requested fields; absent values are left out, as in a user from the API. */
function projectedLine(user: User, fields: readonly ExportField[]): string {
  const record: Record<string, unknown> = {};
  for (const field of fields) {
    const value = valueAt(user, field.name);
    if (value !== undefined) record[field.export_as ?? field.name] = value;
  }
  return JSON.stringify(record);
}

/** The value at a field path such as `email`, `user_metadata.plan` or `identities[0].connection`. */
function valueAt(user: User, path: string): unknown {
  let value: unknown = user;
  for (const part of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
