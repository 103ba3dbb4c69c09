// Auth0's published limits, each once with its public source: read by the Action, the build's check, the local tenant
// (which enforces them) and the CLI. Unless noted the source is customize/actions/limitations.mdx.

/** "Each Action should not exceed 100 kB" ("Actions"), counted in bytes of the deployed file. */
export const ACTION_SIZE_LIMIT = 100_000;

/** "Each execution of a flow must complete in 20 seconds or less" ("Executions"). */
export const EXECUTION_LIMIT_MS = 20_000;

/**
 * "Each Action's console.log() can persist a maximum of 256 characters" ("Logs"): the Action keeps each line under it;
 * the local tenant reads it as 256 characters per execution of an Action, the stricter reading.
 */
export const LOG_LIMIT = 256;

/** "primary_user_id is limited to 128 characters" ("Account Linking (setPrimaryUser)"). */
export const PRIMARY_USER_ID_LIMIT = 128;

/** An Action's secrets ("Actions"): at most 30, names of at most 128 characters, values of at most 4096. */
export const SECRET_LIMITS = {
  /** Secrets per Action. */
  count: 30,
  /** Characters in a secret's name. */
  name: 128,
  /** Characters in a secret's value. */
  value: 4096,
} as const;

/**
 * `api.cache` ("Cached data"), best effort and shared by the trigger's Actions: at most `entries` per trigger, keys of at
 * most `keyBytes` bytes, values of at most `valueBytes` (4 kB), keys and values together at most `totalBytes` (8 kB);
 * "Cached items persist for a maximum of 24 hours" (`maxTtlMs`). Its fields have no comments of their own: the Action's
 * bundle keeps comments inside an object it uses.
 */
export const CACHE_LIMITS = { entries: 20, keyBytes: 64, valueBytes: 4096, totalBytes: 8192, maxTtlMs: 86_400_000 } as const;

/** `api.transaction.setMetadata` ("Transaction metadata"; customize/actions/transaction-metadata.mdx). */
export const TRANSACTION_METADATA_LIMITS = {
  /** Characters of a key. */
  keyChars: 64,
  /** Bytes of a value (8 KB). */
  valueBytes: 8192,
  /** Bytes of the whole metadata (16 KB). */
  totalBytes: 16_384,
} as const;

/**
 * `GET /api/v2/users` pages through the first 1000 results only, "100 users per page for 10 pages"; past that a
 * users-export job reads the tenant (manage-users/user-search/view-search-results-by-page.mdx, "Limitation").
 */
export const USERS_PAGING_LIMIT = 1000;
