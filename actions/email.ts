// The one way emails are compared: ASCII letters folded to lower case, every other character kept as it is.
// Unicode case mapping is not safe here: JavaScript lowercases the Kelvin sign "\u212A" to "k", so an account with
// the verified address "\u212Aate@x.io" (a different mailbox) would join the group of "kate@x.io" and be linked into it.
// Auth0 lowercases the emails of its own connections; folding ASCII only matches the addresses that differ by case alone.

/** The email with A–Z mapped to a–z and nothing else changed: the key accounts are grouped by. */
export function foldEmail(email: string): string {
  return email.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
