// Running a script's command in a test as the CLI does (flags, output, exit code), with what it prints captured.
import { Writable } from 'node:stream';
import type { ParseArgsOptionsConfig } from 'node:util';
import { vi } from 'vitest';
import { runCommand, type CommandReport, type CommandSpec, type ParsedValues } from '../../scripts/lib/cli.ts';

/** A progress stream that swallows everything. */
export const quiet = Object.assign(new Writable({ write: (_chunk, _encoding, done) => done() }), { isTTY: false }) as unknown as NodeJS.WriteStream;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed, for --json runs. */
  json: Record<string, unknown> | undefined;
}

/** Runs a command as the CLI does (flag parsing, output, exit code), capturing what it prints. */
export async function runCli<O extends ParseArgsOptionsConfig>(
  spec: CommandSpec<O>,
  body: (flags: ParsedValues<O>) => Promise<CommandReport>,
  argv: string[],
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await runCommand(spec, body, argv);
    let json: Record<string, unknown> | undefined;
    if (argv.includes('--json')) json = JSON.parse(stdout) as Record<string, unknown>;
    return { code, stdout, stderr, json };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
