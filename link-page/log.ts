// One log line per request: method, path (never the query: it carries the offer and codes), status, time, error code.
export function requestLine(input: { method: string; path: string; status: number; ms: number; code: string | undefined }): string {
  const { method, path, status, ms, code } = input;
  return `link-page ${method} ${path} ${status} ${Math.round(ms)}ms${code ? ` ${code}` : ''}`;
}
