// The one way emails are compared: ASCII letters folded to lower case, every other character kept as it is.
// Unicode case mapping is not safe here: JavaScript lowercases the Kelvin sign "\u212A" to "k", so an account with
// the verified address "\u212Aate@x.io" (a different mailbox) would join the group of "kate@x.io" and be linked into it.
// Auth0 lowercases the emails of its own connections; folding ASCII only matches the addresses that differ by case alone.

/** The email with A–Z mapped to a–z and nothing else changed: the key accounts are grouped by. */
export function foldEmail(email: string): string {
  return email.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/**
 * `text` with every part that contains an `@` replaced by `<email>`: the one masking rule for all the Action logs.
 * A part ends only at whitespace, `|` or `,`, so user ids that embed an address (`samlp|corp|mia@corp.example`) keep
 * their provider and connection, and no character an address may hold (an apostrophe: `dana.o'brien@…`) ends the mask early.
 */
export function maskEmails(text: string): string {
  return text.replace(/[^\s|,]*@[^\s|,]*/g, '<email>');
}

/**
 * The address with its local part and domain name cut to their first character (`carla.mendes@contoso.com` →
 * `c•••@c•••.com`): enough for a person to recognise their own account on the confirm view, not enough to read it.
 */
export function maskedEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '•••';
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const name = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${[...email.slice(0, at)][0]}•••@${[...name][0] ?? ''}•••${tld}`;
}
