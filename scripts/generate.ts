// `npm run generate`: writes a synthetic tenant as a gzipped users-export NDJSON file and/or a JSON seed.
import { relative } from 'node:path';
import { main, numberFlag, UsageError } from './lib/cli.ts';
import { checkOutputPath } from './lib/output-path.ts';
import { createProgress } from './lib/progress.ts';
import { exportLine } from '../local-tenant/index.ts';
import {
  GENERATED_CONNECTIONS,
  GENERATOR_DEFAULTS,
  resolveOptions,
  writeGenerated,
  writeGeneratedNdjsonGz,
  type GeneratorOptions,
  type TenantSummary,
} from './lib/generator.ts';

const d = GENERATOR_DEFAULTS;

main(
  {
    usage: 'npm run generate -- --users <n> [options] (--out <file.ndjson.gz> | --seed-json <file.json>)',
    summary:
      'Generates a deterministic synthetic Auth0 tenant (same options, same tenant) with duplicate-email groups, ' +
      'pre-hijack traps, case variants and already-linked users, streamed in bounded memory. --out writes it gzipped in ' +
      "the shape of Auth0's users-export job (format json); --seed-json writes a seed for npm start -- --seed " +
      '(fine up to ~100k users; use --out beyond, which the seed loader streams).',
    options: {
      users: { type: 'string', short: 'n' },
      seed: { type: 'string' },
      duplicates: { type: 'string' },
      linked: { type: 'string' },
      metadata: { type: 'string' },
      traps: { type: 'string' },
      'case-variants': { type: 'string' },
      excluded: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      out: { type: 'string', short: 'o' },
      'seed-json': { type: 'string' },
    },
    values: {
      users: '<n>',
      seed: '<n>',
      duplicates: '<share>',
      linked: '<share>',
      metadata: '<share>',
      traps: '<share>',
      'case-variants': '<share>',
      excluded: '<share>',
      since: '<date>',
      until: '<date>',
      out: '<file.ndjson.gz>',
      'seed-json': '<file.json>',
    },
    descriptions: {
      users: 'number of user records (required)',
      seed: `PRNG seed, an integer ≥ 0 (default ${d.seed})`,
      duplicates: `share of users in duplicate-email groups of 2–4 (default ${d.duplicates})`,
      linked: `share of verified users already holding linked identities (default ${d.linked})`,
      metadata: `share of users with metadata (default ${d.metadata})`,
      traps: `share of groups that are pre-hijack traps: an earlier unverified database signup (default ${d.traps})`,
      'case-variants': `share of groups whose social/enterprise emails differ in case (default ${d.caseVariants})`,
      excluded: `share of users with app_metadata.auto_link_exclude (default ${d.excluded})`,
      since: `earliest created_at, ISO date (default ${d.since.slice(0, 10)})`,
      until: `latest created_at, ISO date (default ${d.until.slice(0, 10)})`,
      out: 'write gzipped NDJSON export lines here (gzipped whatever the name)',
      'seed-json': 'write a JSON seed {connections, users} here',
    },
    examples: [
      'npm run generate -- --users 1000000 --duplicates 0.05 --seed 1 --out tenant.ndjson.gz',
      'npm run generate -- --users 500 --seed 7 --seed-json seed.json --json',
    ],
  },
  async (flags) => {
    if (flags.users === undefined) throw new UsageError('--users is required');
    if (flags.out === undefined && flags['seed-json'] === undefined) throw new UsageError('give --out <file.ndjson.gz>, --seed-json <file.json>, or both');
    const share = (name: string, value: string | undefined): number | undefined =>
      value === undefined ? undefined : numberFlag(name, value, 0, { min: 0, max: 1 });
    const options: GeneratorOptions = {
      users: numberFlag('users', flags.users, 0, { min: 0, integer: true }),
      duplicates: share('duplicates', flags.duplicates),
      linked: share('linked', flags.linked),
      metadata: share('metadata', flags.metadata),
      traps: share('traps', flags.traps),
      caseVariants: share('case-variants', flags['case-variants']),
      excluded: share('excluded', flags.excluded),
      since: flags.since,
      until: flags.until,
    };
    // Before any work: a folder, or a path in a missing folder, is one line naming the flag.
    if (flags.out !== undefined) checkOutputPath('out', flags.out, 'tenant.ndjson.gz');
    if (flags['seed-json'] !== undefined) checkOutputPath('seed-json', flags['seed-json'], 'seed.json');
    if (flags.seed !== undefined) options.seed = numberFlag('seed', flags.seed, 0, { min: 0, integer: true });
    try {
      resolveOptions(options);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }

    const started = performance.now();
    const files: string[] = [];
    let summary: TenantSummary | undefined;
    const run = async (label: string, write: (progress: (n: number) => void) => Promise<TenantSummary>): Promise<void> => {
      const progress = createProgress({ label, total: options.users, silent: flags.json === true });
      summary = await write((n) => progress.update(n));
      progress.finish();
    };
    if (flags.out !== undefined) {
      const out = flags.out;
      await run(`writing ${out}`, (progress) => writeGeneratedNdjsonGz(out, options, progress));
      files.push(out);
    }
    if (flags['seed-json'] !== undefined) {
      const out = flags['seed-json'];
      const head = `{"connections":${JSON.stringify(GENERATED_CONNECTIONS)},"users":[`;
      await run(`writing ${out}`, (progress) => writeGenerated(out, options, exportLine, { gzip: false, head, tail: ']}', separator: ',' }, progress));
      files.push(out);
    }
    const seconds = (performance.now() - started) / 1000;
    const s = summary!;
    return {
      summary: [
        `${s.users} users (${s.identities} identities) written to ${files.map((f) => relative(process.cwd(), f) || f).join(' and ')} in ${seconds.toFixed(1)} s`,
        `duplicate groups ${s.duplicateGroups} holding ${s.usersInDuplicateGroups} users; eligible ${s.eligibleGroups} ` +
          `(${s.eligibleGroupsTrustingEnterprise} trusting enterprise); traps ${s.trapGroups}; case variants ${s.caseVariantGroups}; already linked ${s.linkedUsers}`,
      ].join('\n'),
      result: { ok: true, files, seconds, summary: s },
    };
  },
);
