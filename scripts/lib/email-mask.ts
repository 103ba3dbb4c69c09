// Emails in an admin's reports: masked (`a…@example.com`) unless the admin asks for them with --show-emails.
// The mask keeps the first character and the domain: enough to tell groups apart and spot a case variant, not the address.

/** The flag every report that can name people takes. */
export const SHOW_EMAILS = { 'show-emails': { type: 'boolean' } } as const;
export const SHOW_EMAILS_DESCRIPTION = 'show full emails (default: masked as a…@example.com, in the table, --json and --csv alike)';

/** `a…@example.com` for `ann.smith@example.com`; `…` for a value that is not an address. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at > 0 ? `${email[0]}…${email.slice(at)}` : '…';
}

/** How a report writes an email: as it is when the admin asked for emails, masked otherwise. */
export function emailShown(show: boolean | undefined): (email: string) => string {
  return show ? (email) => email : maskEmail;
}

/** `value` with every string property named `email` masked, for a --json result; other values are kept as they are. */
export function maskEmails<T>(value: T): T {
  if (Array.isArray(value)) return value.map(maskEmails) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, key === 'email' && typeof v === 'string' ? maskEmail(v) : maskEmails(v)])) as T;
}
