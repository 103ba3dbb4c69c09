// One user as a line of Auth0's users-export job with `format: 'json'`: the shape the export benchmark and the backfill read.
// Source: auth0/docs-v2 main/docs/manage-users/user-migration/bulk-user-exports.mdx — JSON-compatible exports are
// NDJSON (one user object per line) in a gzipped file; in that format app_metadata and user_metadata are exported
// as whole objects, and each requested field appears under its own name. Fields a user does not have are left out
// (as the Management API leaves them out of a user), which also means empty metadata objects are absent: readers
// must treat a missing app_metadata / user_metadata as {}.
import type { User } from '../actions/types.ts';

/** The fields written, in this order: Auth0's normalized profile fields plus identities and both metadata objects. */
export const EXPORT_FIELDS = [
  'user_id',
  'email',
  'email_verified',
  'username',
  'phone_number',
  'phone_verified',
  'name',
  'nickname',
  'given_name',
  'family_name',
  'picture',
  'created_at',
  'updated_at',
  'last_login',
  'logins_count',
  'blocked',
  'identities',
  'app_metadata',
  'user_metadata',
] as const satisfies ReadonlyArray<keyof User>;

/** The export line of a user (JSON, without the newline). */
export function exportLine(user: User): string {
  const record: Record<string, unknown> = {};
  for (const field of EXPORT_FIELDS) {
    const value = user[field];
    if (value === undefined) continue;
    if ((field === 'app_metadata' || field === 'user_metadata') && Object.keys(value as object).length === 0) continue;
    record[field] = value;
  }
  return JSON.stringify(record);
}
