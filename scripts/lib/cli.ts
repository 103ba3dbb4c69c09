// The one CLI convention of every script: --help, --json, exit codes 0 ok / 1 failure / 2 usage, errors as one clear line.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A wrong flag or argument: the message says what is wrong; the script prints its usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the admin can act on: the message names the problem and what to do. Exit 1. */
export class CliError extends Error {
  override name = 'CliError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec<O extends Options> {
  /** e.g. `npm run backfill -- [options]` */
  usage: string;
  /** One paragraph on what the command does. */
  summary: string;
  /** The command's own flags; `help` and `json` are added. Each needs a description. */
  options: O;
  descriptions: { [K in keyof O]: string };
  /** What a string flag takes, shown in --help where the values are known (`first|last|<n>`); default `<value>`. */
  values?: { [K in keyof O]?: string };
  /** Lines shown under "Environment:" in --help. */
  environment?: string[];
  examples?: string[];
}

const COMMON = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
} as const satisfies Options;

type ValueOf<T> = T extends { type: 'boolean'; multiple: true }
  ? boolean[]
  : T extends { type: 'boolean' }
    ? boolean
    : T extends { multiple: true }
      ? string[]
      : string;

/** The parsed flags: each flag of the spec (absent when not given), plus `help` and `json`. */
export type ParsedValues<O extends Options> = { [K in keyof O]?: ValueOf<O[K]> } & { help?: boolean; json?: boolean };

/** The help text of a command. */
export function helpText<O extends Options>(spec: CommandSpec<O>): string {
  const rows: Array<[string, string]> = Object.entries(spec.options).map(([name, option]) => {
    const value = (spec.values as Record<string, string | undefined> | undefined)?.[name] ?? '<value>';
    const flag = `--${name}${option.type === 'string' ? ` ${value}` : ''}${option.short ? `, -${option.short}` : ''}`;
    return [flag, (spec.descriptions as Record<string, string>)[name] ?? ''];
  });
  rows.push(['--json', 'print the result as JSON on stdout (for CI and scripts)'], ['--help, -h', 'show this help']);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const lines = [`Usage: ${spec.usage}`, '', spec.summary, '', 'Options:', ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`)];
  if (spec.environment?.length) lines.push('', 'Environment (or a .env file in the working directory):', ...spec.environment.map((l) => `  ${l}`));
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((l) => `  ${l}`));
  lines.push('', 'Exit codes: 0 ok, 1 failure, 2 usage error.');
  return lines.join('\n');
}

/** Parses argv strictly: an unknown flag, a missing value or a stray argument is a UsageError. */
export function parseCommand<O extends Options>(spec: CommandSpec<O>, argv: string[]): ParsedValues<O> {
  try {
    const { values } = parseArgs({ args: argv, options: { ...spec.options, ...COMMON }, strict: true, allowPositionals: false });
    return values as unknown as ParsedValues<O>;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error));
  }
}

/** Parses a flag's value as a number within bounds, or throws a UsageError naming the flag. */
export function numberFlag(name: string, value: string | undefined, fallback: number, bounds: { min?: number; max?: number; integer?: boolean } = {}): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  const { min = -Infinity, max = Infinity, integer = false } = bounds;
  if (!Number.isFinite(parsed) || parsed < min || parsed > max || (integer && !Number.isInteger(parsed))) {
    const range =
      Number.isFinite(min) && Number.isFinite(max)
        ? ` from ${min} to ${max}`
        : Number.isFinite(min)
          ? ` of at least ${min}`
          : Number.isFinite(max)
            ? ` of at most ${max}`
            : '';
    throw new UsageError(`--${name} must be ${integer ? 'a whole number' : 'a number'}${range}, got "${value}"`);
  }
  return parsed;
}

/** Parses a flag's ISO date or date-time (`2025-06-01`, `2025-06-01T10:00:00Z`), or throws a UsageError naming the flag. */
export function dateFlag(name: string, value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime()))
    throw new UsageError(`--${name} takes an ISO date such as 2025-06-01 or 2025-06-01T10:00:00Z, got "${value}"`);
  return date;
}

export interface CommandReport {
  /** Shown to humans on stdout (the short summary). */
  summary: string;
  /** Printed as JSON with --json instead of the summary. */
  result: unknown;
  /** Exit code: 0 unless the command found a failure worth signalling to CI. */
  exitCode?: number;
}

/**
 * Runs a command: parses flags, prints help, runs `body`, prints its summary or JSON, and maps errors to exit codes.
 * Errors print as one line on stderr, without a stack (a stack helps nobody who installs this; set DEBUG=1 for it).
 */
export async function runCommand<O extends Options>(
  spec: CommandSpec<O>,
  body: (flags: ParsedValues<O>) => Promise<CommandReport>,
  argv: string[] = process.argv.slice(2),
): Promise<number> {
  let flags: ParsedValues<O>;
  try {
    flags = parseCommand(spec, argv);
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n\n${helpText(spec)}\n`);
    return EXIT_USAGE;
  }
  if (flags.help) {
    process.stdout.write(`${helpText(spec)}\n`);
    return EXIT_OK;
  }
  try {
    const report = await body(flags);
    process.stdout.write(flags.json ? `${JSON.stringify(report.result, null, 2)}\n` : `${report.summary}\n`);
    return report.exitCode ?? EXIT_OK;
  } catch (error) {
    const usage = error instanceof UsageError;
    const message = error instanceof Error ? error.message : String(error);
    if (flags.json) process.stdout.write(`${JSON.stringify({ ok: false, error: message }, null, 2)}\n`);
    process.stderr.write(`error: ${message}\n${usage ? `\n${helpText(spec)}\n` : ''}`);
    if (process.env.DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return usage ? EXIT_USAGE : EXIT_FAILURE;
  }
}

/** Entry for a script file: runs the command and exits with its code. */
export function main<O extends Options>(spec: CommandSpec<O>, body: (flags: ParsedValues<O>) => Promise<CommandReport>): void {
  runCommand(spec, body).then((code) => {
    process.exitCode = code;
  });
}
