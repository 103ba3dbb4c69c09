// Replays the vendored recordings of a real tenant (auth0/go-auth0 v1.45.0) against the local tenant, one test per
// cassette: every difference in status, content type or body shape must be declared in declared.ts, with its reason.
import { afterAll, describe, expect, it } from 'vitest';
import { readCassettes } from './cassettes.ts';
import { DECLARED, declarationOf, type Declared } from './declared.ts';
import { isConformanceCase, LocalTarget } from './local-target.ts';
import { replayCassette, type CaseResult } from './replay.ts';

const cassettes = readCassettes();
const target = new LocalTarget();
const used = new Set<Declared>();
const results: CaseResult[] = [];

afterAll(() => target.close());

describe('the local tenant answers as the recorded tenant did', () => {
  for (const cassette of cassettes) {
    it(cassette.name, async () => {
      const replayed = await replayCassette(cassette, target, isConformanceCase);
      results.push(...replayed);
      const undeclared = replayed
        .flatMap((r) => r.differences)
        .filter((difference) => {
          const declared = declarationOf(difference);
          if (declared) used.add(declared);
          return declared === undefined;
        });
      expect(undeclared).toEqual([]);
    });
  }

  it('replays every case and declares no difference that no longer occurs', () => {
    // Runs after the cassettes (vitest runs a file's tests in order).
    expect(results.length).toBeGreaterThanOrEqual(80);
    expect(DECLARED.filter((d) => !used.has(d)).map((d) => d.reason)).toEqual([]);
  });
});
