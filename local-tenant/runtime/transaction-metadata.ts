// `api.transaction.setMetadata` with Auth0's limits: post-login only, kept across a redirect, gone when the transaction ends.
// Limits: TRANSACTION_METADATA_LIMITS in actions/auth0-limits.ts (key characters, value bytes, bytes in all); values
// string/number/boolean only, unsafe integers refused; null removes a key (transaction-metadata.mdx).
// What Auth0 does past a limit is not published: the local tenant throws, which fails the login unless the Action catches
// it (the less forgiving guess: a value silently dropped would let an Action believe it was kept).
import { TRANSACTION_METADATA_LIMITS } from '../../actions/auth0-limits.ts';
import type { TransactionMetadataValue } from '../../actions/types.ts';

const { keyChars, valueBytes, totalBytes } = TRANSACTION_METADATA_LIMITS;

export type TransactionMetadata = Record<string, TransactionMetadataValue>;

/**
 * Sets `key` in `stored` (the transaction's, shared by the flow's Actions and kept while it is suspended) and in `live`
 * (this execution's `event.transaction.metadata`, which the docs say is "updated in real-time"). Throws past a limit.
 */
export function setTransactionMetadata(stored: TransactionMetadata, live: TransactionMetadata, key: unknown, value: unknown): void {
  if (typeof key !== 'string' || key === '') throw new TypeError('api.transaction.setMetadata: the key must be a non-empty string');
  if (key.length > keyChars) {
    throw new RangeError(`api.transaction.setMetadata: the key ${key.slice(0, 16)}… is longer than ${keyChars} characters`);
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
  if (Buffer.byteLength(String(value), 'utf8') > valueBytes) {
    throw new RangeError(`api.transaction.setMetadata: the value of ${key} is larger than ${valueBytes} bytes`);
  }
  // The total is measured as the JSON of every entry: stricter than summing keys and values, so what fits here fits there.
  const total = Buffer.byteLength(JSON.stringify({ ...stored, [key]: value }), 'utf8');
  if (total > totalBytes) {
    throw new RangeError(`api.transaction.setMetadata: the transaction metadata would be ${total} bytes, over the ${totalBytes} allowed`);
  }
  stored[key] = value;
  live[key] = value;
}
