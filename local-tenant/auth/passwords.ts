// Database connection passwords, stored as scrypt hashes (salted, never the password) and checked in constant time.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** Auth0's default password policy ("Fair") asks for 8 characters; the local tenant checks the length only. */
export const MIN_PASSWORD_LENGTH = 8;

const KEY_LENGTH = 32;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64url')}$${scryptSync(password, salt, KEY_LENGTH).toString('base64url')}`;
}

export function checkPassword(password: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  const given = scryptSync(password, Buffer.from(salt, 'base64url'), KEY_LENGTH);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
