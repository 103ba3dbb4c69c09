// `npm run bench`: login cost against the usual approach, cold start, backfill throughput and export memory, on local tenants.
import { resolve } from 'node:path';
import { main, numberFlag, UsageError } from './lib/cli.ts';
import { DEFAULT_MIX, parseMix, type LoginMix } from './lib/bench/login-mix.ts';
import { createProgress, type Progress } from './lib/progress.ts';
import { PAGE_PATH, readReport, writePage } from './lib/bench/page.ts';
import { renderMarkdown } from './lib/bench/report.ts';
import { runBench, SECTIONS, type Section } from './lib/bench/run.ts';
import { writeReport } from './lib/bench/write.ts';

const DEFAULTS = {
  logins: 10_000,
  latency: 40,
  concurrency: 16,
  people: 50,
  confirmConcurrency: 4,
  seed: 1,
  coldRuns: 7,
  backfillUsers: 15_000,
  rate: 16,
  burst: 50,
  backfillConcurrency: 8,
  exportUsers: 1_000_000,
  out: '.bench',
  record: 'docs/benchmarks.json',
  page: PAGE_PATH,
} as const;

main(
  {
    usage: 'npm run bench -- [options]',
    summary:
      'Measures, against local tenants over loopback HTTP: Management API calls and added latency per login of this ' +
      "project's Action versus the usual approach (a token and a users-by-email lookup on every login), the confirmed-linking " +
      'path through the real sign-in and the linking page against a silent link, cold start of the ' +
      'bundle versus the same logic on the auth0 SDK, backfill links per second under a rate limit, and memory reading a ' +
      `large users export. Writes ${DEFAULTS.out}/results.json, ${DEFAULTS.out}/results.md and ${DEFAULTS.out}/runs/<time>-<commit>.json; ` +
      'prints the tables. The default run takes a few minutes. --record also writes ' +
      `${DEFAULTS.record} and ${DEFAULTS.page}; --from renders ${DEFAULTS.page} from a recorded run without running.`,
    options: {
      sections: { type: 'string' },
      logins: { type: 'string' },
      mix: { type: 'string' },
      latency: { type: 'string' },
      concurrency: { type: 'string' },
      people: { type: 'string' },
      'confirm-concurrency': { type: 'string' },
      seed: { type: 'string' },
      'cold-runs': { type: 'string' },
      'backfill-users': { type: 'string' },
      rate: { type: 'string' },
      burst: { type: 'string' },
      'backfill-concurrency': { type: 'string' },
      'export-users': { type: 'string' },
      out: { type: 'string' },
      record: { type: 'boolean' },
      from: { type: 'string' },
    },
    descriptions: {
      sections: `comma-separated sections to run: ${SECTIONS.join(', ')} (default all)`,
      logins: `logins in the login-path mix (default ${DEFAULTS.logins})`,
      mix: `shares of returning,refresh,first-alone,first-duplicate logins (default ${Object.values(DEFAULT_MIX).join(',')})`,
      latency: `milliseconds the tenant adds to every request, modelling the round trip to Auth0 (default ${DEFAULTS.latency})`,
      concurrency: `login-path logins in flight at once (default ${DEFAULTS.concurrency})`,
      people: `people per kind of login in the confirm path: as many confirm a link, answer "Not now" (then log in again) and link silently (default ${DEFAULTS.people})`,
      'confirm-concurrency': `confirm-path logins in flight at once (default ${DEFAULTS.confirmConcurrency})`,
      seed: `seed of the generated tenants and the login order (default ${DEFAULTS.seed})`,
      'cold-runs': `fresh processes per cold-start variant (default ${DEFAULTS.coldRuns})`,
      'backfill-users': `users of the backfill's generated tenant (default ${DEFAULTS.backfillUsers})`,
      rate: `the backfill tenant's rate limit in requests per second (default ${DEFAULTS.rate}, Auth0 Enterprise)`,
      burst: `the backfill tenant's burst (default ${DEFAULTS.burst})`,
      'backfill-concurrency': `the backfill's --concurrency (default ${DEFAULTS.backfillConcurrency})`,
      'export-users': `users in the export file read for memory (default ${DEFAULTS.exportUsers})`,
      out: `directory for results (default ${DEFAULTS.out}, not committed)`,
      record: `also write the report to ${DEFAULTS.record} (committed, to compare commits) and the page ${DEFAULTS.page}`,
      from: `run nothing: render ${DEFAULTS.page} from a results.json an earlier run wrote (e.g. ${DEFAULTS.record})`,
    },
    examples: [
      'npm run bench',
      'npm run bench -- --sections login --logins 2000 --latency 20',
      'npm run bench -- --sections confirm --people 20',
      'npm run bench -- --sections cold-start,export --export-users 200000 --json',
      'npm run bench -- --record',
      `npm run bench -- --from ${DEFAULTS.record}`,
    ],
  },
  async (flags) => {
    if (flags.from !== undefined) {
      const recorded = await readReport(flags.from);
      await writePage(recorded, resolve(DEFAULTS.page));
      return { summary: `${renderMarkdown(recorded)}\nWritten: ${resolve(DEFAULTS.page)}`, result: recorded };
    }
    const integer = (name: string, value: string | undefined, fallback: number, min: number): number =>
      numberFlag(name, value, fallback, { min, integer: true });
    const options = {
      sections: parseSections(flags.sections),
      seed: integer('seed', flags.seed, DEFAULTS.seed, 0),
      latencyMs: numberFlag('latency', flags.latency, DEFAULTS.latency, { min: 0, max: 10_000 }),
      logins: integer('logins', flags.logins, DEFAULTS.logins, 1),
      mix: mixFlag(flags.mix),
      loginConcurrency: integer('concurrency', flags.concurrency, DEFAULTS.concurrency, 1),
      confirmPeople: integer('people', flags.people, DEFAULTS.people, 1),
      confirmConcurrency: integer('confirm-concurrency', flags['confirm-concurrency'], DEFAULTS.confirmConcurrency, 1),
      coldRuns: integer('cold-runs', flags['cold-runs'], DEFAULTS.coldRuns, 1),
      backfillUsers: integer('backfill-users', flags['backfill-users'], DEFAULTS.backfillUsers, 2),
      ratePerSecond: numberFlag('rate', flags.rate, DEFAULTS.rate, { min: 0.1 }),
      burst: integer('burst', flags.burst, DEFAULTS.burst, 1),
      backfillConcurrency: integer('backfill-concurrency', flags['backfill-concurrency'], DEFAULTS.backfillConcurrency, 1),
      exportUsers: integer('export-users', flags['export-users'], DEFAULTS.exportUsers, 1),
    };
    const outDir = resolve(flags.out ?? DEFAULTS.out);
    const bars = progressBars(flags.json ?? false);
    let report;
    try {
      report = await runBench({ ...options, workDir: resolve(outDir, 'tmp'), onProgress: bars.update });
    } finally {
      bars.finish();
    }
    const files = await writeReport(report, outDir, flags.record ? { results: resolve(DEFAULTS.record), page: resolve(DEFAULTS.page) } : undefined);
    const written = [files.json, files.markdown, files.run, ...(files.recorded ? [files.recorded] : []), ...(files.page ? [files.page] : [])];
    return { summary: `${renderMarkdown(report)}\nWritten: ${written.join(', ')}`, result: report };
  },
);

function parseSections(value: string | undefined): Section[] {
  if (value === undefined) return [...SECTIONS];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) throw new UsageError(`--sections takes names from ${SECTIONS.join(', ')}, got "${value}"`);
  return names as Section[];
}

function mixFlag(value: string | undefined): LoginMix {
  if (value === undefined) return DEFAULT_MIX;
  try {
    return parseMix(value);
  } catch (error) {
    throw new UsageError(`--mix: ${(error as Error).message}`);
  }
}

/** One progress bar per phase the sections report; a new phase closes the previous bar. */
function progressBars(silent: boolean): { update: (phase: string, done: number, total: number) => void; finish: () => void } {
  let phase: string | undefined;
  let bar: Progress | undefined;
  return {
    update(next, done, total) {
      if (next !== phase) {
        bar?.finish();
        phase = next;
        bar = createProgress({ label: next, total, silent });
      }
      bar!.update(done, total);
    },
    finish() {
      bar?.finish();
    },
  };
}
