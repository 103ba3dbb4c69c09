// Smoke test of `npm run bench`: every section at a toy size, checking what it counts (never how fast anything was).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchBackfill } from '../scripts/lib/bench/backfill-throughput.ts';
import { benchColdStart } from '../scripts/lib/bench/cold-start.ts';
import { benchConfirmPath, CONFIRM_KINDS } from '../scripts/lib/bench/confirm-path.ts';
import { benchExportMemory } from '../scripts/lib/bench/export-memory.ts';
import { CATEGORIES, parseMix } from '../scripts/lib/bench/login-mix.ts';
import { benchLoginPath } from '../scripts/lib/bench/login-path.ts';
import { renderPage } from '../scripts/lib/bench/page.ts';
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
    // Beyond those three, the password accounts of a link have their sessions and refresh tokens ended first: two calls each.
    const duplicates = ours.byCategory['first-duplicate'];
    expect(duplicates.apiCalls.mean * duplicates.logins - ours.sessionEndingCalls).toBe(3 * duplicates.logins);
    expect(ours.sessionEndingCalls % 2).toBe(0);
    expect(ours.sessionEndingCalls).toBeGreaterThan(0);
    expect(ours.byCategory['first-duplicate'].failures).toBe(0);
  });

  it('refuses a mix whose shares do not add up to 1', () => {
    expect(() => parseMix('0.5,0.1,0.1,0.1')).toThrow(/add up to 1/);
  });
});

describe('confirm path', () => {
  it('costs the Action one lookup on the offer, lookup + PATCH + link on /continue, nothing once "Not now" is remembered; every confirmed person ends on the primary', async () => {
    const people = 3;
    const result = await benchConfirmPath({ people, latencyMs: 0, concurrency: 2, seed: 4 });
    const { confirm, decline, 'declined-later': later, silent } = result.kinds;
    for (const kind of CONFIRM_KINDS) {
      const k = result.kinds[kind];
      expect(k.logins).toBe(people);
      expect(k.failureReasons).toEqual({});
      expect(k.asPlanned).toBe(people);
      // The page itself calls no /api/v2: everything the tenant's Management API answered is the Action's.
      expect(k.tenantCounted.managementApi).toBe(k.login.apiCalls.total + k.continue.apiCalls.total);
      expect(k.browser.hops.total).toBe(k.browser.redirects.total + k.browser.refreshes.total + k.browser.autoSubmits.total);
      expect(k.browser.hops.max).toBeLessThanOrEqual(k.browser.requests.max);
    }
    // Exact, by route: one more call on any execution (a token the cache should hold, a second lookup) fails here.
    expect(confirm.actionCallsByRoute).toEqual({
      'login GET /api/v2/users-by-email': people,
      'continue GET /api/v2/users-by-email': people,
      'continue PATCH /api/v2/users/:id': people,
      'continue POST /api/v2/users/:id/identities': people,
    });
    expect(confirm.login.apiCalls).toMatchObject({ mean: 1, max: 1 });
    expect(confirm.continue.apiCalls).toMatchObject({ mean: 3, max: 3 });
    expect(confirm.asked).toBe(people);
    expect(confirm.executions).toEqual({ logins: people, continues: people, pageSignIns: people });
    expect(confirm.pageSignInCalls.total).toBe(0);
    expect(confirm.tokenEndpoint).toEqual({ all: 2 * people, action: 0, page: people, app: people });
    expect(confirm.browser.refreshes.total).toBe(people);
    expect(confirm.browser.autoSubmits.total).toBe(people);
    expect(decline.actionCallsByRoute).toEqual({ 'login GET /api/v2/users-by-email': people });
    expect(decline.asked).toBe(people);
    expect(later.actionCallsByRoute).toEqual({});
    expect(later.asked).toBe(0);
    expect(silent.asked).toBe(0);
    // The silent pair's database account had its password reset (the evidence); its sessions end before the link.
    expect(silent.actionCallsByRoute).toEqual({
      'login GET /api/v2/users-by-email': people,
      'login DELETE /api/v2/users/:id/sessions': people,
      'login DELETE /api/v2/grants': people,
      'login PATCH /api/v2/users/:id': people,
      'login POST /api/v2/users/:id/identities': people,
    });
    expect(confirm.browser.requests.mean).toBeGreaterThan(silent.browser.requests.mean);
    const found = verdicts({ machine: describeMachine(), seconds: 1, confirmPath: result });
    expect(found.map((v) => [v.section, v.met])).toEqual(Array.from({ length: 4 }, () => ['confirm path', true]));
    const page = renderPage({ machine: describeMachine(), seconds: 1, confirmPath: result, verdicts: found });
    expect(page).toContain('#### Confirm path');
    expect(page).not.toContain('has no Confirm path section');
  }, 60_000);

  it('renders a recorded run without the section, saying so', () => {
    expect(renderPage({ machine: describeMachine(), seconds: 1, verdicts: [] })).toContain('The recorded run has no Confirm path section');
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
