// Checks a file an option names before any work: a directory, a missing file or folder, no permission is one line naming the flag.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from './cli.ts';

/** Throws a CliError naming `--flag` when `path` cannot be written (it may exist as a file: it is appended to or replaced). */
export function checkOutputPath(flag: string, path: string, example = `${flag}.out`): void {
  const full = resolve(path);
  const stat = statSync(full, { throwIfNoEntry: false });
  if (stat?.isDirectory()) throw new CliError(`--${flag} ${path} is a directory: give a file path, e.g. ${path.replace(/\/+$/, '')}/${example}`);
  const folder = dirname(full);
  const folderStat = statSync(folder, { throwIfNoEntry: false });
  if (!folderStat?.isDirectory()) throw new CliError(`--${flag} ${path}: the folder ${dirname(path)} does not exist; create it or choose another path`);
  try {
    accessSync(stat ? full : folder, constants.W_OK);
  } catch {
    throw new CliError(`--${flag} ${path} cannot be written (no write permission); choose another path`);
  }
}

/** Throws a CliError naming `--flag` when `path` is not a readable file; `example` shows what the flag takes. */
export function checkInputFile(flag: string, path: string, example: string): void {
  const stat = statSync(resolve(path), { throwIfNoEntry: false });
  if (!stat) throw new CliError(`--${flag} ${path}: no such file; give ${example}`);
  if (stat.isDirectory()) throw new CliError(`--${flag} ${path} is a directory: give ${example}`);
  try {
    accessSync(resolve(path), constants.R_OK);
  } catch {
    throw new CliError(`--${flag} ${path} cannot be read (no read permission); give ${example}`);
  }
}
