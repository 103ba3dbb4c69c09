// The demo's confirmed-linking story: whom `npm start -- --keep` tells a person to link on the linking page, and the tests check.

/**
 * The accounts the replayed logins leave for a person to link in a browser, on the confirmed path: Farah's Entra ID login
 * is sent to the linking page, where she proves her (older, so primary) Google account by signing in with it.
 */
export const CONFIRM_STORY = {
  email: 'farah.haddad@contoso.com',
  entra: { connection: 'contoso-entra', id: '3b9d7f21-6c4e-4f8a-b2d5-9e0a1c7f5d33' },
  google: { connection: 'google-oauth2', id: '108822446600113355779' },
} as const;
