// Smoke test of `npm run bench`: every section at a toy size, checking what it counts (never how fast anything was).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchBackfill } from '../scripts/lib/bench/backfill-throughput.ts';
import { benchColdStart } from '../scripts/lib/bench/cold-start.ts';
import { benchExportMemory } from '../scripts/lib/bench/export-memory.ts';
import { CATEGORIES, parseMix } from '../scripts/lib/bench/login-mix.ts';
import { benchLoginPath } from '../scripts/lib/bench/login-path.ts';
import { describeMachine, renderMarkdown, verdicts } from '../scripts/lib/bench/report.ts';

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'auto-link-bench-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('login path', () => {
  it('runs the same mix through both Actions: no request from steady-state logins of this project, the per-login counts match the tenant', async () => {
    const result = await benchLoginPath({ logins: 40, mix: parseMix('0.7,0.1,0.1,0.1'), latencyMs: 0, concurrency: 8, seed: 3 });
    expect(result.parameters.counts).toEqual({ returning: 28, refresh: 4, 'first-alone': 4, 'first-duplicate': 4 });
    const { 'auto-link': ours, baseline } = result.sides;
    for (const side of [ours, baseline]) {
      expect(side.logins).toBe(40);
      for (const category of CATEGORIES) expect(side.byCategory[category].logins).toBe(result.parameters.counts[category]);
      // What each login saw its Action send is what the tenant answered.
      expect(side.tenantCounted.managementApi).toBe(side.apiCalls.total);
      expect(side.tenantCounted.total).toBe(side.httpCalls.total);
    }
    expect(ours.steadyStateHttpCalls).toBe(0);
    expect(ours.failures).toEqual({});
    expect(baseline.steadyStateHttpCalls).toBeGreaterThan(0);
    // The baseline asks for a token, looks up and links on every duplicate signup; this project looks up, records, links.
    expect(baseline.byCategory['first-duplicate'].httpCalls.mean).toBe(3);
    expect(ours.byCategory['first-duplicate'].apiCalls.mean).toBe(3);
    expect(ours.byCategory['first-duplicate'].failures).toBe(0);
  });

  it('refuses a mix whose shares do not add up to 1', () => {
    expect(() => parseMix('0.5,0.1,0.1,0.1')).toThrow(/add up to 1/);
  });
});

describe('cold start', () => {
  it('loads and runs each variant once in a child process', async () => {
    const result = await benchColdStart({ runs: 1 });
    const { 'auto-link': ours, 'sdk-dependency': dependency, 'sdk-bundled': bundled } = result.variants;
    for (const variant of [ours, dependency, bundled]) {
      expect(variant.samples).toHaveLength(1);
      expect(variant.codeBytes).toBeGreaterThan(0);
    }
    expect(ours.withinCodeLimit).toBe(true);
    expect(ours.dependencies).toEqual([]);
    expect(dependency.dependencies).toEqual(['auth0']);
    expect(dependency.dependencyBytes).toBeGreaterThan(0);
    expect(bundled.withinCodeLimit).toBe(false);
  });
});

describe('backfill', () => {
  it('links every planned group through the rate-limited tenant and relates its requests to the ceiling', async () => {
    const result = await benchBackfill({ users: 600, seed: 2, ratePerSecond: 1000, burst: 5, concurrency: 4, latencyMs: 0, workDir });
    expect(result.plannedLinks).toBeGreaterThan(0);
    expect(result.linked).toBe(result.plannedLinks);
    expect(result.failedGroups).toBe(0);
    expect(result.requests).toBeGreaterThanOrEqual(result.linked);
    expect(result.ceilingLinksPerSecond).not.toBeNull();
  });

  it('reads and plans every user of a generated export in a child process, sampling memory', async () => {
    const result = await benchExportMemory({ users: 2000, seed: 1, workDir });
    expect(result.read).toBe(2000);
    expect(result.planned).toBe(2000);
    expect(result.peakRssAt.map((p) => p.share)).toEqual([0.1, 0.5, 1]);
    expect(result.samples).toBeGreaterThan(0);
  });
});

describe('report', () => {
  it('states each target as met or missed', () => {
    const exportMemory = {
      users: 10,
      fileBytes: 1,
      generateSeconds: 0,
      readSeconds: 0,
      read: 10,
      planned: 9,
      groups: 0,
      links: 0,
      partitions: 1,
      peakRssAt: [
        { share: 0.1, rssBytes: 1, heapUsedBytes: 1 },
        { share: 1, rssBytes: 2, heapUsedBytes: 1 },
      ],
      peakRssBytes: 400e6,
      peakHeapUsedBytes: 1,
      endRssBytes: 1,
      endHeapUsedBytes: 1,
      growthBytes: 1,
      samples: 2,
    };
    const report = { machine: describeMachine(), seconds: 1, exportMemory };
    const found = verdicts(report);
    expect(found.map((v) => [v.measure.split(' ')[0], v.met])).toEqual([
      ['peak', false],
      ['memory', true],
      ['every', false],
    ]);
    expect(renderMarkdown({ ...report, verdicts: found })).toContain('**missed**');
  });
});
