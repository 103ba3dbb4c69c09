// The execution an Action's code is running in, found through AsyncLocalStorage: where its console lines and fetch calls go.
// Module-level code keeps one console and one fetch per instance (Auth0 reuses an instance across executions), so
// both look the current execution up rather than being bound to one; concurrent logins on an instance stay apart.
// Auth0 keeps at most LOG_LIMIT characters of console output "for each Action" (auth0-limits.ts), read here as per
// execution of an Action, not per line: what comes after is lost.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { LOG_LIMIT } from '../../actions/auth0-limits.ts';

/** The `fetch` an Action's code sees: `globalThis.fetch` unless the tenant's caller routes it. */
export type Fetch = typeof fetch;

/** One request the Action made through the fetch it was given. */
export interface HttpCall {
  method: string;
  url: string;
}

/** What one execution collects while it runs; `closed` once its result is taken, so late work of a timed-out Action is dropped. */
export interface ExecutionContext {
  /** What Auth0 keeps of the execution's console output: its lines, within LOG_LIMIT characters in all. */
  logs: string[];
  /** Characters of output that did not fit and were dropped. */
  logCharsDropped: number;
  httpCalls: HttpCall[];
  closed: boolean;
}

const storage = new AsyncLocalStorage<ExecutionContext>();

export function newExecutionContext(): ExecutionContext {
  return { logs: [], logCharsDropped: 0, httpCalls: [], closed: false };
}

/** Runs `fn` as `context`: console lines and fetch calls made from it (and what it awaits) are recorded there. */
export function runIn<T>(context: ExecutionContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The current execution, when it is still open. */
function currentExecution(): ExecutionContext | undefined {
  const context = storage.getStore();
  return context && !context.closed ? context : undefined;
}

/** A console whose output lines go to the current execution's logs (and nowhere else), until its LOG_LIMIT characters are used. */
export function executionConsole(): Console {
  const sink = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      const context = currentExecution();
      if (context) {
        const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
        const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
        for (const line of lines) {
          const room = LOG_LIMIT - context.logs.reduce((sum, kept) => sum + kept.length, 0);
          if (room > 0) context.logs.push(line.slice(0, room));
          context.logCharsDropped += Math.max(0, line.length - Math.max(0, room));
        }
      }
      done();
    },
  });
  return new Console({ stdout: sink, stderr: sink, colorMode: false });
}

/** A fetch that records method and URL of each call in the current execution, then calls the fetch `inner()` gives at that moment. */
export function countingFetch(inner: () => Fetch): Fetch {
  return (input, init) => {
    const context = currentExecution();
    if (context) context.httpCalls.push({ method: methodOf(input, init), url: urlOf(input) });
    return inner()(input, init);
  };
}

function methodOf(input: Parameters<Fetch>[0], init: Parameters<Fetch>[1]): string {
  const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
  return method.toUpperCase();
}

function urlOf(input: Parameters<Fetch>[0]): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}
