// Reading what a Management API request carries (JSON body, query numbers and flags, `fields`), with Auth0's 400 answers.
import { ApiError } from './api-error.ts';

/** The JSON object body of a request; Auth0 (hapi) answers 400 `Invalid request payload JSON format` otherwise. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(400, 'Invalid request payload JSON format');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ApiError(400, `Payload validation error: 'Expected type object but found type ${jsonType(parsed)}'.`, 'invalid_body');
  }
  return parsed as Record<string, unknown>;
}

/** `page` (from 0) and `per_page` (default 50, at most 100) as Auth0's list endpoints take them, and the first index. */
export function pageParams(url: URL, minPerPage = 0): { page: number; perPage: number; start: number } {
  const page = intParam(url, 'page', 0, 0, Number.MAX_SAFE_INTEGER);
  const perPage = intParam(url, 'per_page', 50, minPerPage, 100);
  return { page, perPage, start: page * perPage };
}

/** An integer query parameter within [min, max], or `fallback` when absent. */
export function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw queryError(`Invalid type: string (expected integer)`, name);
  const value = Number(raw);
  if (value < min) throw queryError(`Value ${value} is less than minimum ${min}`, name);
  if (value > max) throw queryError(`Value ${value} is greater than maximum ${max}`, name);
  return value;
}

/** A boolean query parameter (`true`/`false`), or `fallback` when absent. */
export function boolParam(url: URL, name: string, fallback: boolean): boolean {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw queryError(`Invalid type: string (expected boolean)`, name);
}

/** A required string query parameter. */
export function requiredParam(url: URL, name: string): string {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') throw queryError(`Missing required property: ${name}`, name);
  return raw;
}

/** The `fields` / `include_fields` narrowing of a response object: keep only those fields, or drop them. */
export function fieldSelector(url: URL): <T extends object>(item: T) => Partial<T> {
  const raw = url.searchParams.get('fields');
  if (raw === null || raw.trim() === '') return (item) => item;
  const fields = new Set(
    raw
      .split(',')
      .map((field) => field.trim())
      .filter((field) => field !== ''),
  );
  const include = boolParam(url, 'include_fields', true);
  return (item) => Object.fromEntries(Object.entries(item).filter(([key]) => fields.has(key) === include)) as Partial<typeof item>;
}

function queryError(problem: string, property: string): ApiError {
  return new ApiError(400, `Query validation error: '${problem}' on property ${property}.`, 'invalid_query_string');
}

/** A JSON value's type as Auth0's payload validation names it (null, array, object, string, …). */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}
