// The synthetic tenant generator: deterministic, streaming, shares honoured, the traps and case variants the Action must face.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { User } from '../actions/types.ts';
import { EXCLUDE_KEY, isExcluded, LINKS_KEY, linkRecords, RECORD_KEY_PREFIX, recordKey } from '../actions/link-record.ts';
import { eligibility, planGroups, type TrustRule } from '../actions/policy.ts';
import { connectionKind } from '../actions/strategies.ts';
import { exportLine, TenantState } from '../local-tenant/index.ts';
import { loadSeedFile } from '../scripts/lib/seed-file.ts';
import {
  GENERATED_CONNECTIONS,
  generateTenant,
  loadGenerated,
  PROJECT_KEYS,
  TRUST_WITH_ENTERPRISE,
  type GroupIntent,
  writeGeneratedNdjsonGz,
  type GeneratorOptions,
  type TenantSummary,
} from '../scripts/lib/generator.ts';

const dir = mkdtempSync(join(tmpdir(), 'generator-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function drain(options: GeneratorOptions): { users: User[]; summary: TenantSummary } {
  const users: User[] = [];
  const iterator = generateTenant(options);
  for (let next = iterator.next(); ; next = iterator.next()) {
    if (next.done) return { users, summary: next.value };
    users.push(next.value);
  }
}

function loaded(options: GeneratorOptions): { state: TenantState; summary: TenantSummary } {
  const state = new TenantState();
  return { state, summary: loadGenerated(state, options) };
}

/** Users grouped by lowercased email: the duplicate groups as a human (and the Action) sees them. */
function groupsOf(users: Iterable<User>): User[][] {
  const groups = new Map<string, User[]>();
  for (const user of users) {
    if (user.email === undefined) continue;
    const key = user.email.toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), user]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

describe('generateTenant', () => {
  // One 50k-user tenant serves the share and consistency checks: loading it is part of what is tested.
  const big = loaded({ users: 50_000, seed: 11, duplicates: 0.05 });

  it('is deterministic: the same options give the same tenant, another seed another', () => {
    const lines = (seed: number) => drain({ users: 3000, seed, duplicates: 0.2, linked: 0.1 }).users.map(exportLine);
    const first = lines(5);
    expect(lines(5)).toEqual(first);
    const other = lines(6);
    expect(other).toHaveLength(3000);
    expect(other.filter((line, i) => line === first[i])).toHaveLength(0);
  });

  it("streams: it yields users without building the tenant first, and a group's members come together", () => {
    const iterator = generateTenant({ users: 1_000_000_000, seed: 2, duplicates: 0.5 });
    const firstUsers = Array.from({ length: 200 }, () => iterator.next().value as User);
    iterator.return(undefined as never);
    expect(new Set(firstUsers.map((u) => u.user_id)).size).toBe(200);

    const positions = new Map<string, number[]>();
    drain({ users: 20_000, seed: 3, duplicates: 0.3 }).users.forEach((user, i) => {
      if (user.email !== undefined) positions.set(user.email.toLowerCase(), [...(positions.get(user.email.toLowerCase()) ?? []), i]);
    });
    const spans = [...positions.values()].filter((p) => p.length > 1).map((p) => p.at(-1)! - p[0]!);
    expect(spans.length).toBeGreaterThan(1000);
    expect(Math.max(...spans)).toBeLessThanOrEqual(3);
  });

  it('honours the requested shares within tolerance', () => {
    const s = big.summary;
    expect(s.users).toBe(50_000);
    expect(s.usersInDuplicateGroups / s.users).toBeCloseTo(0.05, 2);
    expect(s.groupSizes[2]! + s.groupSizes[3]! + s.groupSizes[4]!).toBe(s.duplicateGroups);
    expect(s.groupSizes[2]!).toBeGreaterThan(s.groupSizes[3]!);
    expect(s.groupSizes[3]!).toBeGreaterThan(s.groupSizes[4]!);
    expect(s.linkedUsers / s.verifiedEmails).toBeGreaterThan(0.015);
    expect(s.linkedUsers / s.verifiedEmails).toBeLessThan(0.025);
    expect(s.withMetadata / s.users).toBeGreaterThan(0.18);
    expect(s.withMetadata / s.users).toBeLessThan(0.22);
    expect(s.excluded).toBeGreaterThan(50);
    expect(s.excluded).toBeLessThan(150);
    expect(s.caseVariantGroups / s.duplicateGroups).toBeGreaterThan(0.15);
    expect(s.trapGroups / s.duplicateGroups).toBeGreaterThan(0.1);
    for (const kind of ['database', 'social', 'passwordless-email', 'passwordless-sms', 'enterprise'] as const) {
      expect(s.usersByKind[kind], kind).toBeGreaterThan(1000);
    }
    expect(Object.keys(s.usersByConnection).sort()).toEqual(GENERATED_CONNECTIONS.map((c) => c.name).sort());

    const exact = drain({ users: 101, seed: 4, duplicates: 0.5 }).summary;
    expect(Math.abs(exact.usersInDuplicateGroups - 50)).toBeLessThanOrEqual(4);
    expect(drain({ users: 500, seed: 4, duplicates: 0 }).summary.duplicateGroups).toBe(0);
  });

  it('loads into a TenantState whose email index finds every group member, and whose counts match the summary', () => {
    const { state, summary } = big;
    expect(state.userCount()).toBe(summary.users);
    const users = [...state.allUsers()];
    for (const user of users) {
      if (user.email !== undefined) expect(state.usersByEmail(user.email)).toContain(user);
    }
    const groups = groupsOf(users);
    expect(groups).toHaveLength(summary.duplicateGroups);
    expect(groups.reduce((n, g) => n + g.length, 0)).toBe(summary.usersInDuplicateGroups);
    expect(groups.filter((g) => g.filter((u) => eligibility(u, { connections: undefined }).eligible).length >= 2)).toHaveLength(summary.eligibleGroups);
    expect(groups.filter((g) => g.filter((u) => eligibility(u, TRUST_WITH_ENTERPRISE).eligible).length >= 2)).toHaveLength(
      summary.eligibleGroupsTrustingEnterprise,
    );
    expect(summary.eligibleGroups).toBeGreaterThan(0);
    expect(summary.eligibleGroupsTrustingEnterprise).toBeGreaterThan(summary.eligibleGroups);
    // Auth0 allows one account per email per connection.
    for (const group of groups) expect(new Set(group.map((u) => u.identities[0]!.connection)).size).toBe(group.length);
  });

  it("states its own intent, and the Action's planGroups links exactly the accounts the generator meant to link", () => {
    const intents: GroupIntent[] = [];
    const users: User[] = [];
    const iterator = generateTenant({ users: 20_000, seed: 13, duplicates: 0.3, linked: 0.05, excluded: 0.02 }, (g) => intents.push(g));
    for (let next = iterator.next(); !next.done; next = iterator.next()) users.push(next.value);
    expect(intents).toHaveLength(groupsOf(users).length);
    for (const role of ['owner', 'enterprise', 'unproven', 'attacker', 'excluded'] as const) {
      expect(
        intents.some((g) => g.members.some((m) => m.role === role)),
        role,
      ).toBe(true);
    }
    const linkedBy = (trust: TrustRule) =>
      Object.fromEntries(
        planGroups(users, { trust })
          .groups.filter((g) => g.secondaries.length > 0)
          .map((g) => [g.email, [g.primary, ...g.secondaries].map((u) => u.user_id).sort()]),
      );
    const meant = (pick: (g: GroupIntent) => string[]) =>
      Object.fromEntries(intents.filter((g) => pick(g).length > 0).map((g) => [g.email, [...pick(g)].sort()]));
    expect(linkedBy({ connections: undefined })).toEqual(meant((g) => g.link));
    expect(linkedBy(TRUST_WITH_ENTERPRISE)).toEqual(meant((g) => g.linkTrustingEnterprise));
    // A trap's attacker never links, whatever the trust.
    const attackers = new Set(intents.flatMap((g) => g.members.filter((m) => m.role === 'attacker').map((m) => m.user_id)));
    expect(attackers.size).toBeGreaterThan(0);
    expect(
      Object.values(linkedBy(TRUST_WITH_ENTERPRISE))
        .flat()
        .filter((id) => attackers.has(id)),
    ).toEqual([]);
  });

  it("writes the project's app_metadata under the keys the Action reads", () => {
    expect(PROJECT_KEYS).toEqual({ recordPrefix: RECORD_KEY_PREFIX, exclude: EXCLUDE_KEY });
    const users = [...big.state.allUsers()];
    expect(users.filter((u) => isExcluded(u))).toHaveLength(big.summary.excluded);
  });

  it("writes emails as Auth0 stores them: lowercased on its own connections, in the IdP's case elsewhere", () => {
    const users = [...big.state.allUsers()];
    for (const user of users) {
      const kind = connectionKind(user.identities[0]!.provider);
      if (kind === 'database' || kind === 'passwordless-email') expect(user.email).toBe(user.email!.toLowerCase());
      if (kind === 'enterprise') expect(user.email_verified).toBe(true);
      if (kind === 'passwordless-sms') expect([user.email, user.phone_verified]).toEqual([undefined, true]);
    }
    const variantGroup = groupsOf(users).find((g) => g.some((u) => u.email !== u.email!.toLowerCase()) && g.some((u) => u.email === u.email!.toLowerCase()))!;
    const variant = variantGroup.find((u) => u.email !== u.email!.toLowerCase())!;
    expect(['social', 'enterprise']).toContain(connectionKind(variant.identities[0]!.provider));
    // A case-sensitive lookup of the lowercased address misses the variant: the trap users-by-email sets.
    expect(big.state.usersByEmail(variant.email!.toLowerCase())).not.toContain(variant);
    expect(big.state.usersByEmail(variant.email!)).toContain(variant);
  });

  it("plants pre-hijack traps: an earlier unverified database signup sharing a verified account's email", () => {
    const traps = groupsOf(big.state.allUsers()).filter((g) => {
      const attacker = g.find((u) => u.identities[0]!.provider === 'auth0' && u.email_verified === false);
      return attacker !== undefined && g.some((u) => u.email_verified === true && u.created_at > attacker.created_at);
    });
    expect(traps.length).toBeGreaterThanOrEqual(big.summary.duplicateGroups * 0.05);
    expect(traps.length).toBeLessThanOrEqual(big.summary.trapGroups);
    for (const group of traps) {
      const attacker = group.find((u) => u.identities[0]!.provider === 'auth0')!;
      expect(eligibility(attacker, { connections: undefined })).toEqual({ eligible: false, reason: 'unverified' });
    }
  });

  it("makes already-linked users as a link would: profileData on secondaries, no standalone copies, some audit records in today's format", () => {
    const linked = [...big.state.allUsers()].filter((u) => u.identities.length > 1);
    expect(linked).toHaveLength(big.summary.linkedUsers);
    for (const user of linked) {
      for (const identity of user.identities.slice(1)) {
        expect(identity.profileData).toMatchObject({ email_verified: true });
        expect(big.state.getUser(`${identity.provider}|${identity.user_id}`)).toBeUndefined();
      }
    }
    const audited = linked.filter((u) => linkRecords(u).length > 0);
    expect(audited).toHaveLength(big.summary.auditedLinkedUsers);
    expect(audited.length).toBeGreaterThan(0);
    for (const user of audited) {
      const secondaries = user.identities.slice(1).map((i) => `${i.provider}|${i.user_id}`);
      expect(linkRecords(user).map((r) => r.user_id)).toEqual(secondaries);
      // One key per linked account, named as the Action names it; never the legacy array, which is read but not written.
      expect(Object.keys(user.app_metadata!).filter((key) => key.startsWith(RECORD_KEY_PREFIX))).toEqual(secondaries.map(recordKey));
      expect(user.app_metadata).not.toHaveProperty(LINKS_KEY);
    }
  });

  it("uses Auth0's id shapes, enterprise ids carrying the connection name, and created_at within the range", () => {
    const { users } = drain({ users: 5000, seed: 8, since: '2020-01-01', until: '2021-01-01' });
    const byProvider = new Map(users.map((u) => [u.identities[0]!.provider, u.identities[0]!.user_id]));
    expect(byProvider.get('auth0')).toMatch(/^[0-9a-f]{24}$/);
    expect(byProvider.get('google-oauth2')).toMatch(/^\d{21}$/);
    expect(byProvider.get('samlp')).toMatch(/^acme-saml\|.+@acme\.example$/i);
    expect(byProvider.get('oidc')).toMatch(/^globex-oidc\|/);
    for (const user of users) {
      expect(user.created_at >= '2020-01-01T00:00:00.000Z' && user.created_at <= '2021-01-01T00:00:00.000Z').toBe(true);
    }
    const identities = users.flatMap((u) => u.identities.map((i) => `${i.provider}|${i.user_id}`));
    expect(new Set(identities).size).toBe(identities.length);
  });

  it('rejects bad options, naming each one and the accepted range', () => {
    expect(() => generateTenant({ users: -1 })).toThrow(/users must be a whole number ≥ 0, got -1/);
    expect(() => generateTenant({ users: 10, duplicates: 1.5, since: 'soon' })).toThrow(
      /duplicates must be a share between 0 and 1.*since must be an ISO date/,
    );
  });
});

describe('writeGeneratedNdjsonGz', () => {
  it('writes gzipped export lines that load back into the same tenant', async () => {
    const options = { users: 2000, seed: 21, duplicates: 0.2, linked: 0.2 };
    const path = join(dir, 'tenant.json');
    const summary = await writeGeneratedNdjsonGz(path, options);
    const text = gunzipSync(readFileSync(path)).toString('utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2000);
    const first = JSON.parse(lines[0]!);
    expect(Object.keys(first)).toEqual(expect.arrayContaining(['user_id', 'created_at', 'identities']));

    const expected = loaded(options);
    expect(summary).toEqual(expected.summary);
    const state = new TenantState();
    expect((await loadSeedFile(state, path)).users).toBe(2000);
    expect([...state.allUsers()].map(exportLine)).toEqual([...expected.state.allUsers()].map(exportLine));
    expect(state.usersByEmail(first.email)).toHaveLength(expected.state.usersByEmail(first.email).length);
  });
});

describe('scripts/generate.ts', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['scripts/generate.ts', ...args], { encoding: 'utf8' });

  it('exits 2 with a message on usage errors', () => {
    const missing = run('--out', join(dir, 'x.gz'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--users is required');
    const bad = run('--users', '10', '--duplicates', '2', '--out', join(dir, 'x.gz'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--duplicates must be a number');
  });

  it('writes the export file and the seed, and reports the summary as JSON', () => {
    const out = join(dir, 'cli.ndjson.gz');
    const seed = join(dir, 'cli-seed.json');
    const result = run('--users', '300', '--seed', '4', '--out', out, '--seed-json', seed, '--json');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toEqual(drain({ users: 300, seed: 4 }).summary);
    expect(JSON.parse(readFileSync(seed, 'utf8')).users).toHaveLength(300);
    expect(gunzipSync(readFileSync(out)).toString('utf8').trimEnd().split('\n')).toHaveLength(300);
  });
});
