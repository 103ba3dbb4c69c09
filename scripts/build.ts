// `npm run build`: bundles the Action into dist/auto-link.js and prints its size against Auth0's 100 kB limit.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { ActionBuildError, buildAction, formatSize } from './lib/build-action.ts';
import { CliError, main } from './lib/cli.ts';

const DEFAULT_OUT = 'dist/auto-link.js';

main(
  {
    usage: 'npm run build -- [options]',
    summary:
      "Bundles the post-login Action (actions/auto-link.ts) into one CommonJS file that requires only Node built-ins, validates it against Auth0's 100 kB code limit and writes it.",
    options: {
      out: { type: 'string', short: 'o' },
      minify: { type: 'boolean' },
    },
    descriptions: {
      out: `where to write the bundle (default ${DEFAULT_OUT})`,
      minify: 'minify the bundle (default off: the deployed code stays readable in the Auth0 dashboard)',
    },
    examples: ['npm run build', 'npm run build -- --minify --json'],
  },
  async (flags) => {
    const out = resolve(flags.out ?? DEFAULT_OUT);
    let built;
    try {
      built = await buildAction({ minify: flags.minify ?? false });
    } catch (error) {
      if (error instanceof ActionBuildError) throw new CliError(`build failed: ${error.message}`);
      throw error;
    }
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, built.code);
    const shown = relative(process.cwd(), out) || out;
    return {
      summary: `${shown} ${formatSize(built.bytes)} (limit ${formatSize(built.limitBytes)})`,
      result: { ok: true, file: out, bytes: built.bytes, limitBytes: built.limitBytes, requires: built.requires },
    };
  },
);
