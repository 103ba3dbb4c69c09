// `api.transaction.setMetadata` with Auth0's limits: post-login only, kept across a redirect, gone when the transaction ends.
// Limits from customize/actions/limitations.mdx ("Transaction metadata"): keys ≤ 64 characters, values ≤ 8 KB, 16 KB in
// all, values string/number/boolean only, unsafe integers refused; null removes a key (transaction-metadata.mdx).
// What Auth0 does past a limit is not published: the local tenant throws, which fails the login unless the Action catches
// it (the less forgiving guess: a value silently dropped would let an Action believe it was kept).
import type { TransactionMetadataValue } from '../../actions/types.ts';

export const METADATA_MAX_KEY_CHARS = 64;
export const METADATA_MAX_VALUE_BYTES = 8 * 1024;
export const METADATA_MAX_TOTAL_BYTES = 16 * 1024;

export type TransactionMetadata = Record<string, TransactionMetadataValue>;

/**
 * Sets `key` in `stored` (the transaction's, shared by the flow's Actions and kept while it is suspended) and in `live`
 * (this execution's `event.transaction.metadata`, which the docs say is "updated in real-time"). Throws past a limit.
 */
export function setTransactionMetadata(stored: TransactionMetadata, live: TransactionMetadata, key: unknown, value: unknown): void {
  if (typeof key !== 'string' || key === '') throw new TypeError('api.transaction.setMetadata: the key must be a non-empty string');
  if (key.length > METADATA_MAX_KEY_CHARS) {
    throw new RangeError(`api.transaction.setMetadata: the key ${key.slice(0, 16)}… is longer than ${METADATA_MAX_KEY_CHARS} characters`);
  }
  if (value === null) {
    delete stored[key];
    delete live[key];
    return;
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new TypeError(`api.transaction.setMetadata: the value of ${key} must be a string, a number or a boolean (serialise objects with JSON.stringify)`);
  }
  if (typeof value === 'number' && (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value)))) {
    throw new RangeError(`api.transaction.setMetadata: the value of ${key} is not a safe number; serialise it as a string`);
  }
  if (Buffer.byteLength(String(value), 'utf8') > METADATA_MAX_VALUE_BYTES) {
    throw new RangeError(`api.transaction.setMetadata: the value of ${key} is larger than ${METADATA_MAX_VALUE_BYTES} bytes`);
  }
  // The total is measured as the JSON of every entry: stricter than summing keys and values, so what fits here fits there.
  const total = Buffer.byteLength(JSON.stringify({ ...stored, [key]: value }), 'utf8');
  if (total > METADATA_MAX_TOTAL_BYTES) {
    throw new RangeError(`api.transaction.setMetadata: the transaction metadata would be ${total} bytes, over the ${METADATA_MAX_TOTAL_BYTES} allowed`);
  }
  stored[key] = value;
  live[key] = value;
}
