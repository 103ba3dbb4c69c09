// Loads Action code as Auth0 does: a CommonJS module compiled once per instance, its module-level code run once and
// its state kept across the executions of that instance; `require` reaches Node built-ins and declared npm dependencies only.
// Modelled on Auth0's own local Actions runner (vm.compileFunction with a CommonJS wrapper, lazy module initialisation
// inside the first execution so top-level console output is captured, an initialisation error re-thrown on every
// execution, and a handler that must be an async function).
import { createRequire, isBuiltin } from 'node:module';
import vm from 'node:vm';
import type { OnExecutePostLogin } from '../../actions/types.ts';
import type { Fetch } from './context.ts';
import type { ActionDependency } from '../actions-store.ts';
import { countingFetch, executionConsole } from './context.ts';

/** The CommonJS wrapper's parameters; `console` and `fetch` shadow the globals so output and calls are attributed. */
const WRAPPER_PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname', 'console', 'fetch'];

/** Resolves declared dependencies from this project's node_modules, where `npm install` put them. */
const projectRequire = createRequire(import.meta.url);

/** Compiled Action code: compiling throws on a syntax error, as Auth0's build of the Action would fail. */
export class CompiledAction {
  readonly name: string;
  private readonly body: (...args: unknown[]) => void;
  private readonly require: NodeJS.Require;

  constructor(code: string, name: string, dependencies: readonly ActionDependency[]) {
    if (typeof code !== 'string' || code.trim() === '') throw new Error(`Action ${name}: the code is empty; pass the bundled JavaScript as a string`);
    this.name = name;
    try {
      this.body = vm.compileFunction(code, WRAPPER_PARAMETERS, { filename: `/action/${name}.js` }) as (...args: unknown[]) => void;
    } catch (error) {
      throw new Error(`Action ${name} does not compile (deploy JavaScript, CommonJS): ${(error as Error).message}`);
    }
    this.require = actionRequire(dependencies);
  }

  /** A fresh instance: its module-level code has not run yet and its module state is its own. */
  instance(fetch: () => Fetch): ActionInstance {
    return new ActionInstance(this, fetch);
  }

  /** Runs the module body with the given `module` object (for ActionInstance). */
  run(module: { exports: unknown }, console: Console, fetch: Fetch): void {
    this.body.call(module.exports, module.exports, this.require, module, `/action/${this.name}.js`, '/action', console, fetch);
  }
}

/** One warm instance of an Action: module state persists from one execution to the next. */
export class ActionInstance {
  private readonly compiled: CompiledAction;
  private readonly module: { exports: unknown } = { exports: {} };
  private readonly console = executionConsole();
  private readonly fetch: Fetch;
  private initialized = false;
  private initError: Error | undefined;

  constructor(compiled: CompiledAction, fetch: () => Fetch) {
    this.compiled = compiled;
    this.fetch = countingFetch(fetch);
  }

  /**
   * The `onExecutePostLogin` handler (or `onContinuePostLogin`, which /continue calls in the Action that redirected).
   * The first call runs the module-level code, so call it inside the execution context. A module that threw while
   * initialising throws the same error on every later execution too.
   */
  handler(name: 'onExecutePostLogin' | 'onContinuePostLogin' = 'onExecutePostLogin'): OnExecutePostLogin {
    if (!this.initialized) {
      this.initialized = true;
      try {
        this.compiled.run(this.module, this.console, this.fetch);
      } catch (error) {
        this.initError = error instanceof Error ? error : new Error(String(error));
      }
    }
    if (this.initError) throw this.initError;
    const exported = this.module.exports as Record<string, unknown> | null;
    const handler = typeof exported === 'object' && exported !== null ? exported[name] : undefined;
    if (typeof handler !== 'function' || handler.constructor.name !== 'AsyncFunction') {
      throw new Error(`Invalid function signature for the "${name}" handler. Use "exports.${name} = async function(event, api) { }" as the signature.`);
    }
    return handler as OnExecutePostLogin;
  }
}

/** Node built-ins, and the declared dependencies (or a subpath of one); anything else is "Cannot find module", as on Auth0. */
function actionRequire(dependencies: readonly ActionDependency[]): NodeJS.Require {
  const declared = new Set(dependencies.map((d) => d.name));
  const isDeclared = (id: string): boolean => declared.has(id) || [...declared].some((name) => id.startsWith(`${name}/`));
  const require = ((id: string) => {
    if (isBuiltin(id) || isDeclared(id)) return projectRequire(id);
    const error = new Error(`Cannot find module '${id}' (an Action can require Node built-ins and the npm dependencies declared with it)`);
    (error as NodeJS.ErrnoException).code = 'MODULE_NOT_FOUND';
    throw error;
  }) as NodeJS.Require;
  return Object.assign(require, { resolve: projectRequire.resolve, cache: projectRequire.cache, extensions: projectRequire.extensions, main: undefined });
}
