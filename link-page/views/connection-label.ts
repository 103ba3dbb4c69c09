// A person-readable name for a connection: the page's settings first (LINK_PAGE_CONNECTION_LABELS), then the well-known
// ones by their brand, any other by its connection name. And a masked identifier for an identity, from its profileData.
import { maskedEmail } from '../../actions/email.ts';
import type { Identity } from '../../actions/types.ts';

const LABELS: Record<string, string> = {
  'google-oauth2': 'Google',
  github: 'GitHub',
  apple: 'Apple',
  windowslive: 'Microsoft account',
  facebook: 'Facebook',
  linkedin: 'LinkedIn',
  email: 'a code sent by email',
  'Username-Password-Authentication': 'email and password',
};

/** Connection name → label, as the page's settings give them. */
export type ConnectionLabels = Readonly<Record<string, string>>;

export function connectionLabel(connection: string, labels: ConnectionLabels = {}): string {
  if (Object.hasOwn(labels, connection)) return labels[connection]!;
  return Object.hasOwn(LABELS, connection) ? LABELS[connection]! : connection;
}

/**
 * A masked identifier of a linked identity, e.g. `j•••@g•••.com`, from what Auth0 kept of its profile (profileData); a
 * username or nickname keeps its first character only. Undefined when there is none (the main identity has no profileData).
 */
export function identityHint(identity: Pick<Identity, 'profileData'>, email?: string): string | undefined {
  const profile = identity.profileData ?? {};
  const address = typeof profile.email === 'string' && profile.email.includes('@') ? profile.email : email;
  if (address) return maskedEmail(address);
  const name = [profile.username, profile.nickname].find((value): value is string => typeof value === 'string' && value !== '');
  return name ? `${[...name][0]}•••` : undefined;
}

/** "Google (j•••@g•••.com)", or "Google" without a hint. */
export function identityName(label: string, hint: string | undefined): string {
  return hint ? `${label} (${hint})` : label;
}
