// A database connection's password policy (options.passwordPolicy) and Auth0's PasswordStrengthError answer to a password
// that fails it. Levels as Auth0's password-strength page defines them: none (1 character), low (6), fair (8 with lower
// case, upper case and digits), good (8 with 3 of the 4 kinds: lower, upper, digits, special), excellent (10 with 3 of 4
// and no more than 2 identical characters in a row). The body's shape is a real one (auth0/go-auth0
// authentication/authentication_error_test.go, "it will handle invalid password response").

export type PasswordPolicy = 'none' | 'low' | 'fair' | 'good' | 'excellent';

interface Rule {
  message: string;
  code: string;
  format?: Array<number | string>;
  verified: boolean;
  items?: Rule[];
}

/** Auth0's answer to a password the policy refuses (POST /dbconnections/signup, the reset page). */
export interface PasswordStrengthError {
  name: 'PasswordStrengthError';
  message: 'Password is too weak';
  code: 'invalid_password';
  description: { rules: Rule[]; verified: false };
  policy: string;
  statusCode: 400;
}

const KINDS: ReadonlyArray<[string, string, RegExp]> = [
  ['lower case letters (a-z)', 'lowerCase', /[a-z]/],
  ['upper case letters (A-Z)', 'upperCase', /[A-Z]/],
  ['numbers (i.e. 0-9)', 'numbers', /[0-9]/],
  ['special characters (e.g. !@#$%^&*)', 'specialCharacters', /[^A-Za-z0-9]/],
];

/**
 * The policy of a connection with these `options` (the tenant's ConnectionOptions; only `passwordPolicy` is read); a
 * connection without one has Auth0's default for a new database, `good`.
 */
export function policyOf(options: { readonly passwordPolicy?: unknown } | undefined): PasswordPolicy {
  const value = options?.passwordPolicy;
  return value === 'none' || value === 'low' || value === 'fair' || value === 'good' || value === 'excellent' ? value : 'good';
}

/** undefined when `password` meets `policy`, else Auth0's error body listing each rule and whether it held. */
export function checkPasswordPolicy(password: string, policy: PasswordPolicy): PasswordStrengthError | undefined {
  const length = { none: 1, low: 6, fair: 8, good: 8, excellent: 10 }[policy];
  const rules: Rule[] = [{ message: 'At least %d characters in length', format: [length], code: 'lengthAtLeast', verified: [...password].length >= length }];
  const kinds = KINDS.map(([message, code, pattern]) => ({ message, code, verified: pattern.test(password) }));
  if (policy === 'fair') {
    const items = kinds.slice(0, 3);
    rules.push({ message: 'Should contain:', code: 'shouldContain', items, verified: items.every((k) => k.verified) });
  }
  if (policy === 'good' || policy === 'excellent') {
    const held = kinds.filter((k) => k.verified).length;
    rules.push({
      message: 'Contain at least %d of the following %d types of characters:',
      code: 'containsAtLeast',
      format: [3, 4],
      items: kinds,
      verified: held >= 3,
    });
  }
  if (policy === 'excellent') {
    rules.push({
      message: 'No more than %d identical characters in a row (e.g., "%s" not allowed)',
      code: 'identicalChars',
      format: [2, 'aaa'],
      verified: !/(.)\1\1/.test(password),
    });
  }
  if (rules.every((r) => r.verified)) return undefined;
  return {
    name: 'PasswordStrengthError',
    message: 'Password is too weak',
    code: 'invalid_password',
    description: { rules, verified: false },
    policy: rules.map((r) => `* ${formatted(r)}`).join('\n'),
    statusCode: 400,
  };
}

/** A rule's message with its format values in place of `%d` / `%s`, as Auth0's `policy` text shows them. */
function formatted(rule: Rule): string {
  const values = [...(rule.format ?? [])];
  return rule.message.replace(/%[ds]/g, () => String(values.shift() ?? ''));
}
