// What kind of connection a strategy is (database, passwordless, social, enterprise): Auth0 knowledge shared by the Action and the local tenant.
// Strategy names from Auth0's connection docs and the Management API's `strategy` enum.

export type ConnectionKind = 'database' | 'passwordless-email' | 'passwordless-sms' | 'social' | 'custom-social' | 'enterprise';

/** Enterprise strategies: the IdP asserts `email_verified` itself, for addresses Auth0 never checked. */
const ENTERPRISE = new Set([
  'ad',
  'adfs',
  'auth0-adldap',
  'custom',
  'google-apps',
  'ip',
  'office365',
  'oidc',
  'okta',
  'pingfederate',
  'samlp',
  'sharepoint',
  'waad',
  'wsfed',
]);

/**
 * The kind of a connection from its strategy (for an identity, its `provider`, which equals the strategy).
 * Unknown strategies are enterprise: the safe reading, since they are then not trusted by default.
 */
export function connectionKind(strategy: string): ConnectionKind {
  if (strategy === 'auth0') return 'database';
  if (strategy === 'email') return 'passwordless-email';
  if (strategy === 'sms') return 'passwordless-sms';
  // `oauth2` is a custom social connection: its email_verified is whatever the admin's fetchUserProfile script says.
  if (strategy === 'oauth2') return 'custom-social';
  if (ENTERPRISE.has(strategy)) return 'enterprise';
  return SOCIAL.has(strategy) ? 'social' : 'enterprise';
}

/** Social strategies Auth0 ships (isSocial is true for their identities). */
const SOCIAL = new Set([
  'amazon',
  'apple',
  'baidu',
  'bitbucket',
  'box',
  'dropbox',
  'dwolla',
  'evernote',
  'evernote-sandbox',
  'exact',
  'facebook',
  'fitbit',
  'github',
  'google-oauth2',
  'instagram',
  'line',
  'linkedin',
  'miicard',
  'paypal',
  'paypal-sandbox',
  'planningcenter',
  'renren',
  'salesforce',
  'salesforce-community',
  'salesforce-sandbox',
  'shopify',
  'soundcloud',
  'thecity',
  'thecity-sandbox',
  'thirtysevensignals',
  'twitter',
  'untappd',
  'vkontakte',
  'weibo',
  'windowslive',
  'wordpress',
  'yahoo',
  'yammer',
  'yandex',
]);

/** True for identities Auth0 reports with `isSocial: true`. */
export function isSocialStrategy(strategy: string): boolean {
  return strategy === 'oauth2' || SOCIAL.has(strategy);
}
