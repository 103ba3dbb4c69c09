// A person-readable name for a connection: the page's settings first (LINK_PAGE_CONNECTION_LABELS), then the well-known
// ones by their brand, any other by its connection name. And a masked identifier for an identity, from its profileData.
import { maskedEmail } from '../../actions/email.ts';
import type { Identity } from '../../actions/types.ts';
import { fill, type Catalogue } from '../i18n/catalogue.ts';
import { en } from '../i18n/en.ts';

/** The well-known connections by their brand, the same in every language. */
const LABELS: Record<string, string> = {
  'google-oauth2': 'Google',
  github: 'GitHub',
  apple: 'Apple',
  facebook: 'Facebook',
  linkedin: 'LinkedIn',
};

/** Connections named by generic words, which each catalogue translates (its `connections` section). */
const GENERIC: Record<string, keyof Catalogue['connections']> = {
  email: 'email',
  'Username-Password-Authentication': 'database',
  windowslive: 'windowslive',
};

/** Enterprise strategies (the identity's provider): their label reads "Contoso (work account)" in the person's language. */
const ENTERPRISE = new Set(['waad', 'adfs', 'samlp', 'okta', 'oidc', 'pingfederate', 'google-apps', 'ad', 'auth0-adldap', 'office365']);

/** Connection name → label, as the page's settings give them. */
export type ConnectionLabels = Readonly<Record<string, string>>;

/**
 * What people call a connection: its label from the settings (the tenant's display name, which the deploy passes), or a
 * well-known brand, or the catalogue's generic words, or else its name. A label of an enterprise connection (by the
 * identity's `provider`) gets the catalogue's "(work account)" unless it already says something in brackets.
 */
export function connectionLabel(connection: string, labels: ConnectionLabels = {}, words: { t?: Catalogue; provider?: string } = {}): string {
  const t = words.t ?? en;
  if (Object.hasOwn(labels, connection)) {
    const label = labels[connection]!;
    return words.provider && ENTERPRISE.has(words.provider) && !/\(.*\)/.test(label) ? fill(t.connections.enterprise, { name: label }) : label;
  }
  if (Object.hasOwn(LABELS, connection)) return LABELS[connection]!;
  return Object.hasOwn(GENERIC, connection) ? t.connections[GENERIC[connection]!] : connection;
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
