// The page's typed errors: a code for the log line, an HTTP status, and the catalogue key of one sentence a person can act
// on, in their language. What went wrong in detail (never a secret, never an email) goes to the log line only.
import type { en } from './i18n/en.ts';

/** A sentence of the catalogue's `errors` section. */
export type ErrorKey = keyof typeof en.errors;

export type PageErrorCode =
  | 'offer_invalid'
  | 'csrf_refused'
  | 'state_missing'
  | 'sign_in_failed'
  | 'not_offered'
  | 'same_account'
  | 'session_missing'
  | 'management_api'
  | 'last_identity'
  | 'bad_request';

const STATUS: Record<PageErrorCode, number> = {
  offer_invalid: 400,
  csrf_refused: 403,
  state_missing: 400,
  sign_in_failed: 401,
  not_offered: 403,
  same_account: 400,
  session_missing: 401,
  management_api: 502,
  last_identity: 400,
  bad_request: 400,
};

export class PageError extends Error {
  readonly code: PageErrorCode;
  readonly status: number;
  /** What the person reads. */
  readonly key: ErrorKey;
  /** The technical reason, for the log line only (the message is this, or the key). */
  readonly detail: string | undefined;
  constructor(code: PageErrorCode, key: ErrorKey, options?: { detail?: string; cause?: unknown }) {
    super(options?.detail ?? key, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PageError';
    this.code = code;
    this.status = STATUS[code];
    this.key = key;
    this.detail = options?.detail;
  }
}

/** Settings that cannot run the page: the message names the variable and what to do, never its value. */
export class SettingsError extends Error {
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'SettingsError';
    this.variable = variable;
  }
}

/** The log line's code for an error: its code, and its detail when it has one. */
export function logCodeOf(error: PageError): string {
  return error.detail ? `${error.code} (${error.detail})` : error.code;
}
