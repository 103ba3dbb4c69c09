// The documentation holds together: every relative link and anchor in README.md, local-tenant/README.md and docs/ resolves, nothing in the
// tree points outside the repository, and docs/benchmarks.md is what the bench renders from docs/benchmarks.json.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderPage } from '../scripts/lib/bench/page.ts';
import type { BenchReport } from '../scripts/lib/bench/report.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PAGES = [
  'README.md',
  'local-tenant/README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Markdown outside fenced code blocks and inline code, where links are links. */
function prose(markdown: string): string {
  return markdown
    .split(/^```.*$/m)
    .filter((_, i) => i % 2 === 0)
    .join('\n')
    .replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const text = markdown
    .split(/^```.*$/m)
    .filter((_, i) => i % 2 === 0)
    .join('\n');
  for (const [, heading] of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = heading!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

function links(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

describe('README.md and docs/', () => {
  it('have pages to check', () => {
    expect(PAGES).toContain('README.md');
    expect(PAGES).toEqual(expect.arrayContaining(['docs/security-model.md', 'docs/auth0-behaviour.md', 'docs/benchmarks.md']));
  });

  it('README.md stays an admin’s page: at most 250 lines', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(250);
  });

  for (const page of PAGES) {
    it(`${page}: every relative link and anchor resolves`, () => {
      const markdown = readFileSync(join(ROOT, page), 'utf8');
      const dead: string[] = [];
      for (const target of links(markdown)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: — not checked offline
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path === '' ? join(ROOT, page) : resolve(ROOT, dirname(page), decodeURIComponent(path));
        if (relative(ROOT, file).startsWith('..')) {
          dead.push(`${target} (outside the repository)`);
          continue;
        }
        if (!existsSync(file)) {
          dead.push(`${target} (no such file)`);
          continue;
        }
        if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) dead.push(`${target} (no such heading)`);
      }
      expect(dead).toEqual([]);
    });
  }
});

describe('the tree', () => {
  const SKIP = new Set(['node_modules', '.git', 'dist', '.bench', '.tmp', 'coverage']);
  const OUTSIDE = ['..', 'shared'].join('/');

  function* files(dir: string): Generator<string> {
    for (const name of readdirSync(dir)) {
      if (SKIP.has(name)) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) yield* files(path);
      else yield path;
    }
  }

  it(`nothing in code, comments or docs points at ${OUTSIDE}`, () => {
    const hits = [...files(ROOT)].filter((file) => !/\.(gz|png|jpg)$/.test(file) && readFileSync(file, 'utf8').includes(OUTSIDE));
    expect(hits.map((file) => relative(ROOT, file))).toEqual([]);
  });
});

describe('docs/benchmarks.md', () => {
  it('is generated from docs/benchmarks.json (npm run bench -- --from docs/benchmarks.json), not edited by hand', () => {
    const report = JSON.parse(readFileSync(join(ROOT, 'docs/benchmarks.json'), 'utf8')) as BenchReport;
    expect(readFileSync(join(ROOT, 'docs/benchmarks.md'), 'utf8')).toBe(renderPage(report));
  });
});
