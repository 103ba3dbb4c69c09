// Runs the chosen benchmark sections one after another and assembles the report (figures, verdicts, machine).
import { join } from 'node:path';
import { benchBackfill } from './backfill-throughput.ts';
import { benchColdStart } from './cold-start.ts';
import { benchConfirmPath } from './confirm-path.ts';
import { benchExportMemory } from './export-memory.ts';
import type { LoginMix } from './login-mix.ts';
import { benchLoginPath } from './login-path.ts';
import { describeMachine, verdicts, type BenchReport } from './report.ts';

export const SECTIONS = ['login', 'confirm', 'cold-start', 'backfill', 'export'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  sections: readonly Section[];
  seed: number;
  /** Request latency of the login path, the confirm path and the backfill. */
  latencyMs: number;
  logins: number;
  mix: LoginMix;
  loginConcurrency: number;
  /** People per kind of login in the confirm path. */
  confirmPeople: number;
  confirmConcurrency: number;
  coldRuns: number;
  backfillUsers: number;
  ratePerSecond: number;
  burst: number;
  backfillConcurrency: number;
  exportUsers: number;
  /** Scratch space for the export file and the backfill journal. */
  workDir: string;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  const machine = describeMachine();
  const onProgress = options.onProgress;
  const report: Omit<BenchReport, 'verdicts'> = { machine, seconds: 0 };
  const wanted = new Set(options.sections);
  const progress = onProgress ? { onProgress } : {};
  if (wanted.has('login')) {
    report.loginPath = await benchLoginPath({
      logins: options.logins,
      mix: options.mix,
      latencyMs: options.latencyMs,
      concurrency: options.loginConcurrency,
      seed: options.seed,
      ...progress,
    });
  }
  if (wanted.has('confirm')) {
    report.confirmPath = await benchConfirmPath({
      people: options.confirmPeople,
      latencyMs: options.latencyMs,
      concurrency: options.confirmConcurrency,
      seed: options.seed,
      ...progress,
    });
  }
  if (wanted.has('cold-start')) report.coldStart = await benchColdStart({ runs: options.coldRuns, ...progress });
  if (wanted.has('backfill')) {
    report.backfill = await benchBackfill({
      users: options.backfillUsers,
      seed: options.seed,
      ratePerSecond: options.ratePerSecond,
      burst: options.burst,
      concurrency: options.backfillConcurrency,
      latencyMs: options.latencyMs,
      workDir: join(options.workDir, 'backfill'),
      ...progress,
    });
  }
  if (wanted.has('export'))
    report.exportMemory = await benchExportMemory({ users: options.exportUsers, seed: options.seed, workDir: join(options.workDir, 'export'), ...progress });
  report.seconds = (performance.now() - started) / 1000;
  return { ...report, verdicts: verdicts(report) };
}
