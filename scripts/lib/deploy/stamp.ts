// The deploy stamp: a last line of the deployed code that lets a rerun see "same code, same secret values" without reading secrets back.
//
// Secret values are write-only, so "unchanged" cannot be read from the tenant. The stamp is
// `//# auto-link-deploy v1 <salt>.<mac>` with mac = HMAC-SHA256(key = scrypt(secret set, random salt), message = bundle).
// Anyone with read:actions can read the code, so the stamp must not help guess a secret: the key is derived from the
// whole secret set (which includes the Action's M2M client secret, high-entropy) with a salted, memory-hard KDF, so no
// table can be precomputed and each guess costs one scrypt. The stamp proves only equality; it reveals no value.
import { createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const MARK = '//# auto-link-deploy v1 ';
const STAMP = /\n\/\/# auto-link-deploy v1 ([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})\n$/;
/** scrypt cost: 2^14 × 8 × 128 B = 16 MiB and a few tens of ms, once per deploy. */
const SCRYPT = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

export type SecretValues = Readonly<Record<string, string>>;

/** The bundle with its stamp for these secret values; a fresh random salt unless one is given. */
export function stampCode(bundle: string, secrets: SecretValues, salt: Buffer = randomBytes(16)): string {
  const body = bundle.endsWith('\n') ? bundle : `${bundle}\n`;
  return `${body}${MARK}${salt.toString('base64url')}.${mac(body, secrets, salt).toString('base64url')}\n`;
}

/**
 * True when `deployedCode` is exactly `bundle` stamped for these secret values (same code, same secret names and values).
 * False for code without a stamp (deployed by hand or by another tool): it is then replaced.
 */
export function stampMatches(deployedCode: string | undefined, bundle: string, secrets: SecretValues): boolean {
  if (deployedCode === undefined) return false;
  const match = STAMP.exec(deployedCode);
  if (!match) return false;
  const body = deployedCode.slice(0, match.index + 1);
  const expectedBody = bundle.endsWith('\n') ? bundle : `${bundle}\n`;
  if (body !== expectedBody) return false;
  const found = Buffer.from(match[2]!, 'base64url');
  const expected = mac(body, secrets, Buffer.from(match[1]!, 'base64url'));
  return found.length === expected.length && timingSafeEqual(found, expected);
}

function mac(body: string, secrets: SecretValues, salt: Buffer): Buffer {
  const canonical = JSON.stringify(
    Object.keys(secrets)
      .sort()
      .map((name) => [name, secrets[name]]),
  );
  const key = scryptSync(canonical, salt, 32, SCRYPT);
  return createHmac('sha256', key).update(body).digest();
}
