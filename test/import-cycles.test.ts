// No module imports itself through others: the repository's import graph, type-only imports and re-exports included, has no circle.
// Lint's import-x/no-cycle skips type-only imports and costs lint seconds; this walks the graph once.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = /\.(ts|js|cjs|mjs)$/;
/** Not the project's modules: dependencies, build output, and the dot-folders (.git, .bench, .tmp, …). */
const SKIPPED = new Set(['node_modules', 'dist', 'coverage']);

type Graph = ReadonlyMap<string, readonly string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name.startsWith('.') || SKIPPED.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE.test(name) ? [path] : [];
  });
}

/** Each file's relative imports (import, import type, export … from, import(), require()), as paths from the root. */
function importGraph(): Graph {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(ROOT)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map(({ fileName }) => fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolve(dirname(file), specifier))
      .filter((target) => existsSync(target) && statSync(target).isFile())
      .map((target) => relative(ROOT, target));
    graph.set(relative(ROOT, file), [...new Set(targets)]);
  }
  return graph;
}

/** One circle per strongly connected component (Tarjan), as `a → b → … → a` along real edges. */
function circles(graph: Graph): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = new Set<string>();
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.add(member);
    } while (member !== node);
    if (component.size > 1 || (graph.get(node) ?? []).includes(node)) found.push(pathAround(graph, component, node));
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

/** A shortest way from `start` back to itself inside `component`. */
function pathAround(graph: Graph, component: ReadonlySet<string>, start: string): string {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== start && at !== undefined; at = cameFrom.get(at)) path.splice(1, 0, at);
        return [...path, start].join(' → ');
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [...component].join(', ');
}

describe('import circles', () => {
  it('finds a circle, a type-only one too, and names it', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    expect(circles(graph)).toEqual(['a.ts → b.ts → c.ts → a.ts', 'e.ts → e.ts']);
    const typeOnly = ts.preProcessFile("import type { A } from './a.ts';\nexport type { B } from './b.ts';", true, true).importedFiles;
    expect(typeOnly.map((f) => f.fileName)).toEqual(['./a.ts', './b.ts']);
  });

  it('there are none in the repository, type-only imports included', () => {
    const graph = importGraph();
    // The walk sees the code: the local tenant's state and its authentication store, a type-only edge among others.
    expect(graph.get('local-tenant/state.ts')).toContain('local-tenant/auth/store.ts');
    expect(graph.get('local-tenant/auth/store.ts')).toContain('local-tenant/login-identity.ts');
    expect(circles(graph)).toEqual([]);
  });
});
