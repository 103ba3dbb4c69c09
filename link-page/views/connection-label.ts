// A person-readable name for a connection: the well-known ones by their brand, any other by its connection name.
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

export function connectionLabel(connection: string): string {
  return LABELS[connection] ?? connection;
}
