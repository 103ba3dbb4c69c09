// Compares a recorded answer with the one under test: status, content type, and the JSON body's shape (keys, types,
// nesting), values only for the keys where they matter and everywhere in an error body.
export type DifferenceKind = 'status' | 'content-type' | 'missing' | 'extra' | 'type' | 'value' | 'empty';

export interface Difference {
  /** The interaction, `Cassette#id`. */
  interaction: string;
  /** Where: `status`, `content-type`, or a body path such as `body.bindings[].action.current_version` (arrays as `[]`). */
  path: string;
  kind: DifferenceKind;
  recorded?: unknown;
  actual?: unknown;
}

/**
 * Keys whose values are compared, not just their types: what callers branch on. Ids, times, secrets and free text
 * (names, code) are not. Values are compared after recorded ids are mapped to the local ones.
 */
export const VALUE_KEYS: ReadonlySet<string> = new Set([
  'statusCode',
  'error',
  'message',
  'errorCode',
  'error_description',
  'deployed',
  'all_changes_deployed',
  'provider',
  'connection',
  'isSocial',
  'strategy',
  'email',
  'email_verified',
  'name',
  'nickname',
  'grant_types',
  'app_type',
  'token_type',
  'expires_in',
  'trigger_id',
  'display_name',
  'type',
  'format',
]);

/** A JSON value's type name. */
export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

export interface CompareOptions {
  interaction: string;
  /** Recorded value → the value the tenant under test uses for it (ids it made itself). */
  mapValue: (value: unknown) => unknown;
  /** Compare every leaf value (error bodies). */
  allValues: boolean;
}

/** Differences between a recorded JSON body and the actual one, from `path` down. */
export function compareJson(recorded: unknown, actual: unknown, options: CompareOptions, path = 'body', key?: string): Difference[] {
  const rType = typeOf(recorded);
  const aType = typeOf(actual);
  const at = (kind: DifferenceKind, extra: Partial<Difference> = {}): Difference => ({ interaction: options.interaction, path, kind, ...extra });
  if (rType !== aType) return [at('type', { recorded: rType, actual: aType })];
  if (rType === 'object') {
    const r = recorded as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const out: Difference[] = [];
    for (const k of Object.keys(r)) {
      if (!(k in a)) out.push({ interaction: options.interaction, path: `${path}.${k}`, kind: 'missing', recorded: r[k] });
      else out.push(...compareJson(r[k], a[k], options, `${path}.${k}`, k));
    }
    for (const k of Object.keys(a)) if (!(k in r)) out.push({ interaction: options.interaction, path: `${path}.${k}`, kind: 'extra', actual: a[k] });
    return out;
  }
  if (rType === 'array') {
    const r = recorded as unknown[];
    const a = actual as unknown[];
    if (valuesMatter(options, key)) {
      const mapped = JSON.stringify(r.map(options.mapValue));
      return mapped === JSON.stringify(a) ? [] : [at('value', { recorded: r, actual: a })];
    }
    if (r.length === 0) return [];
    if (a.length === 0) return [at('empty', { recorded: r.length, actual: 0 })];
    // Element by element where both have one; further actual elements against the first recorded one. Lengths are not
    // compared: the tenant under test holds other objects (its admin application, its own connections).
    const out: Difference[] = [];
    a.forEach((item, index) => out.push(...compareJson(r[Math.min(index, r.length - 1)], item, options, `${path}[]`)));
    return dedupe(out);
  }
  if (valuesMatter(options, key) && options.mapValue(recorded) !== actual) return [at('value', { recorded, actual })];
  return [];
}

function valuesMatter(options: CompareOptions, key: string | undefined): boolean {
  return options.allValues || (key !== undefined && VALUE_KEYS.has(key));
}

/** One difference per (path, kind): array elements repeat the same ones. */
export function dedupe(differences: Difference[]): Difference[] {
  const seen = new Set<string>();
  return differences.filter((d) => {
    const id = `${d.interaction} ${d.path} ${d.kind}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
