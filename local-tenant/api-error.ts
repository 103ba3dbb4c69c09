// The Management API's error answer ({statusCode, error, message, errorCode}), thrown by the tenant state and rendered by the handlers.
import type { ApiErrorBody } from '../actions/types.ts';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Auth0's error body; 401s also carry `attributes`. */
export type TenantErrorBody = ApiErrorBody & { attributes?: { error: string } };

export class ApiError extends Error {
  readonly statusCode: number;
  readonly errorCode: string | undefined;

  constructor(statusCode: number, message: string, errorCode?: string) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.errorCode = errorCode;
  }

  toBody(): TenantErrorBody {
    const body: TenantErrorBody = { statusCode: this.statusCode, error: REASONS[this.statusCode] ?? 'Error', message: this.message };
    if (this.errorCode !== undefined) body.errorCode = this.errorCode;
    // A 401 repeats its message under `attributes.error`, as Auth0's answers do:
    // {"statusCode":401,"error":"Unauthorized","message":"Invalid token","attributes":{"error":"Invalid token"}}
    // (e.g. the 401 fixture of auth0/auth0-python's management REST client tests).
    if (this.statusCode === 401) body.attributes = { error: this.message };
    return body;
  }
}
