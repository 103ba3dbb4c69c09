// The Management API's error answer ({statusCode, error, message, errorCode}), thrown by the tenant state and rendered by the handlers.
import type { ApiErrorBody } from '../../actions/types.ts';

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

export class ApiError extends Error {
  readonly statusCode: number;
  readonly errorCode: string | undefined;

  constructor(statusCode: number, message: string, errorCode?: string) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.errorCode = errorCode;
  }

  toBody(): ApiErrorBody {
    const body: ApiErrorBody = { statusCode: this.statusCode, error: REASONS[this.statusCode] ?? 'Error', message: this.message };
    if (this.errorCode !== undefined) body.errorCode = this.errorCode;
    return body;
  }
}
