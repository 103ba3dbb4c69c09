// The page's typed errors: a code for the log line, an HTTP status, and one sentence a person can act on (never a secret).

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
  constructor(code: PageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PageError';
    this.code = code;
    this.status = STATUS[code];
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
