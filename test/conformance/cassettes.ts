// Reads the vendored go-vcr cassettes (recordings/, from auth0/go-auth0 v1.45.0): each interaction's request and answer.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const RECORDINGS_DIR = fileURLToPath(new URL('./recordings/', import.meta.url));

/** The tenant the cassettes were recorded against; requests are re-addressed to the tenant under test. */
export const RECORDED_DOMAIN = 'go-auth0-dev.eu.auth0.com';

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/api/v2/users/auth0%7C63d1…`. */
  path: string;
  /** The body as sent ('' for none; the Go SDK sends `null` on GETs). */
  body: string;
  contentType: string | undefined;
}

export interface RecordedResponse {
  status: number;
  contentType: string | undefined;
  /** The body text ('' for none). */
  body: string;
}

export interface Interaction {
  /** `Cassette#id`, e.g. `TestUserManager_Read#1`: the name a declared difference uses. */
  name: string;
  id: number;
  request: RecordedRequest;
  response: RecordedResponse;
}

export interface Cassette {
  /** The file's path under recordings/, without `.yaml` (e.g. `authentication/TestUserInfo`). */
  name: string;
  interactions: Interaction[];
}

interface VcrInteraction {
  id: number;
  request: { method: string; url: string; body?: string; headers?: Record<string, string[]> };
  response: { code: number; body?: string; headers?: Record<string, string[]> };
}

function header(headers: Record<string, string[]> | undefined, name: string): string | undefined {
  const found = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return found?.[1]?.[0];
}

export function readCassette(file: string): Cassette {
  const doc = parse(readFileSync(file, 'utf8')) as { interactions?: VcrInteraction[] };
  const name = relative(RECORDINGS_DIR, file).replace(/\.yaml$/, '');
  return {
    name,
    interactions: (doc.interactions ?? []).map((i) => {
      const url = new URL(i.request.url);
      return {
        name: `${name}#${i.id}`,
        id: i.id,
        request: {
          method: i.request.method.toUpperCase(),
          path: `${url.pathname}${url.search}`,
          body: (i.request.body ?? '').trim(),
          contentType: header(i.request.headers, 'content-type'),
        },
        response: { status: i.response.code, contentType: header(i.response.headers, 'content-type'), body: i.response.body ?? '' },
      };
    }),
  };
}

/** Every vendored cassette, in path order. */
export function readCassettes(dir = RECORDINGS_DIR): Cassette[] {
  const walk = (d: string): string[] =>
    readdirSync(d)
      .sort()
      .flatMap((entry) => {
        const path = join(d, entry);
        return statSync(path).isDirectory() ? walk(path) : path.endsWith('.yaml') ? [path] : [];
      });
  return walk(dir).map(readCassette);
}
