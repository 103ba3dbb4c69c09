// Bundles the Action (actions/auto-link.ts) with esbuild into the one CommonJS file Auth0 runs, and validates it against Auth0's rules.
// Rules from customize/actions/limitations.mdx: JavaScript only, CommonJS `exports.onExecutePostLogin`, code within
// ACTION_SIZE_LIMIT (actions/auth0-limits.ts).
// The file must require nothing but Node built-ins: the Action is deployed without npm dependencies.
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import { ACTION_SIZE_LIMIT } from '../../actions/auth0-limits.ts';

export const ACTION_ENTRY = fileURLToPath(new URL('../../actions/auto-link.ts', import.meta.url));

export interface BuildActionOptions {
  /** The entry file; default actions/auto-link.ts. */
  entry?: string;
  /** Minify (smaller, unreadable in the dashboard). Default false: the deployed code stays reviewable. */
  minify?: boolean;
  /** Size limit in bytes; default ACTION_SIZE_LIMIT. */
  limitBytes?: number;
}

export interface BuiltAction {
  code: string;
  bytes: number;
  limitBytes: number;
  /** Modules the code requires at run time (all Node built-ins). */
  requires: string[];
}

/** A bundle that Auth0 would refuse or that would fail at run time; the message says which rule and what to do. */
export class ActionBuildError extends Error {
  override name = 'ActionBuildError';
}

export async function buildAction(options: BuildActionOptions = {}): Promise<BuiltAction> {
  const limitBytes = options.limitBytes ?? ACTION_SIZE_LIMIT;
  let code: string;
  try {
    const result = await build({
      entryPoints: [options.entry ?? ACTION_ENTRY],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      write: false,
      minify: options.minify ?? false,
      legalComments: 'none',
      logLevel: 'silent',
    });
    code = result.outputFiles[0]!.text;
  } catch (error) {
    throw new ActionBuildError(`esbuild failed: ${(error as Error).message}`);
  }
  const bytes = Buffer.byteLength(code, 'utf8');
  if (bytes > limitBytes) {
    throw new ActionBuildError(
      `the bundle is ${formatSize(bytes)}, over Auth0's ${formatSize(limitBytes)} limit for an Action's code: remove the dependency that grew it`,
    );
  }
  const requires = requiredModules(code);
  const foreign = requires.filter((id) => !isBuiltin(id));
  if (foreign.length > 0) {
    throw new ActionBuildError(`the bundle requires ${foreign.join(', ')}, which the deployed Action does not have: bundle it or drop it`);
  }
  validateExportsHandler(code);
  return { code, bytes, limitBytes, requires };
}

/** `1234` → `1.2 kB`, `100000` → `100 kB`: decimal kilobytes, as Auth0 states its 100 kB limit. */
export function formatSize(bytes: number): string {
  const kb = bytes / 1000;
  return `${Number.isInteger(kb) ? kb : kb.toFixed(1)} kB`;
}

/** Every module id the code passes to `require` (read from the text); a `require` of a computed name cannot be checked, so it fails. */
function requiredModules(code: string): string[] {
  const found = new Set<string>();
  const literal = /\brequire\(\s*(["'`])([^"'`$]+)\1\s*\)/g;
  for (const match of code.matchAll(literal)) found.add(match[2]!);
  const calls = code.match(/\brequire\(/g)?.length ?? 0;
  if (calls > (code.match(literal)?.length ?? 0)) {
    throw new ActionBuildError('the bundle calls require with a computed module name, which cannot be checked: require Node built-ins by literal name');
  }
  return [...found].sort();
}

/** Runs the module body as Auth0 would load it and validates that it exports an async onExecutePostLogin. */
function validateExportsHandler(code: string): void {
  const module = { exports: {} as Record<string, unknown> };
  const body = vm.compileFunction(code, ['exports', 'require', 'module']) as (...args: unknown[]) => void;
  const requireBuiltin = (id: string): unknown => {
    if (!isBuiltin(id)) throw new ActionBuildError(`the bundle requires ${id} at load time, which the deployed Action does not have`);
    return process.getBuiltinModule(id);
  };
  body(module.exports, requireBuiltin, module);
  const handler = module.exports.onExecutePostLogin;
  if (typeof handler !== 'function' || handler.constructor.name !== 'AsyncFunction') {
    throw new ActionBuildError('the bundle does not export an async onExecutePostLogin: export it from the entry file');
  }
}
