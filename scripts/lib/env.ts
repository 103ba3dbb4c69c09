// Settings from the environment or a .env file: loaded without echoing values, required ones named when missing.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from './cli.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * process.env over the `.env` file of the working directory (the environment wins, as with dotenv). The file is read on
 * the first look at a setting, inside the command: a bad line is then its one-line error (exit 1), and `--help`, which
 * reads no setting, still works.
 */
export function loadEnv(options: { path?: string; env?: NodeJS.ProcessEnv } = {}): Env {
  let loaded: Record<string, string | undefined> | undefined;
  const load = (): Record<string, string | undefined> => {
    if (loaded) return loaded;
    const path = resolve(options.path ?? '.env');
    const fromFile = existsSync(path) ? parseDotenv(readFileSync(path, 'utf8'), options.path ?? '.env') : {};
    return (loaded = { ...fromFile, ...(options.env ?? process.env) });
  };
  return new Proxy({} as Record<string, string | undefined>, {
    get: (_target, name) => (typeof name === 'string' ? load()[name] : undefined),
    has: (_target, name) => name in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_target, name) => {
      const value = typeof name === 'string' ? load()[name] : undefined;
      return value === undefined ? undefined : { value, enumerable: true, configurable: true, writable: false };
    },
  });
}

/** Parses KEY=value lines (# comments, optional `export `, single or double quotes). */
export function parseDotenv(text: string, source = '.env'): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    // The line is named by number only: it may hold a secret.
    if (!match) throw new CliError(`${source} line ${index + 1} is not KEY=value: fix or remove that line`);
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    out[match[1]!] = quote === '"' ? value.replace(/\\n/g, '\n') : value;
  });
  return out;
}

/** The values of `names`, or a CliError naming every missing one and where to set it. */
export function requireEnv<K extends string>(env: Env, names: readonly K[], purpose: string): Record<K, string> {
  const missing = names.filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    throw new CliError(
      `${purpose} needs ${missing.join(', ')}: set ${missing.length > 1 ? 'them' : 'it'} in the environment or in .env (see README, "Configuration")`,
    );
  }
  return Object.fromEntries(names.map((name) => [name, env[name]!.trim()])) as Record<K, string>;
}
