// Export-memory benchmark: generates a users export (gzipped NDJSON, the generator's writer) and has a child process read
// and plan it as the backfill does, sampling memory; reports the peak and how flat the curve is across the file.
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeGeneratedNdjsonGz } from '../generator.ts';
import { runJsonChild } from './child.ts';
import type { ExportMemoryReport, MemorySample } from './export-memory-child.ts';

export interface ExportMemoryOptions {
  users: number;
  seed: number;
  /** Where the export file is written (and removed afterwards). */
  workDir: string;
  onProgress?: (phase: string, done: number, total: number) => void;
}

/** Shares of the file at which the curve is read. */
export const CHECKPOINTS = [0.1, 0.5, 1] as const;

export interface ExportMemoryResult {
  users: number;
  fileBytes: number;
  generateSeconds: number;
  readSeconds: number;
  /** Users the reader yielded and the plan counted: both must equal `users`. */
  read: number;
  planned: number;
  groups: number;
  links: number;
  partitions: number;
  /** Highest RSS seen up to each checkpoint of the file (10 %, 50 %, 100 % read). */
  peakRssAt: Array<{ share: number; rssBytes: number; heapUsedBytes: number }>;
  /** Highest RSS and heap over the whole run, planning included. */
  peakRssBytes: number;
  peakHeapUsedBytes: number;
  /** RSS and heap once the plan is made and still held (what planning keeps, as against what it needs on the way). */
  endRssBytes: number;
  endHeapUsedBytes: number;
  /** Peak RSS at 100 % read minus peak RSS at 10 %: near zero when memory does not grow with the file. */
  growthBytes: number;
  samples: number;
}

const CHILD = fileURLToPath(new URL('./export-memory-child.ts', import.meta.url));

export async function benchExportMemory(options: ExportMemoryOptions): Promise<ExportMemoryResult> {
  await mkdir(options.workDir, { recursive: true });
  const file = join(options.workDir, `export-${options.users}-seed${options.seed}.ndjson.gz`);
  try {
    const generateStarted = performance.now();
    await writeGeneratedNdjsonGz(file, { users: options.users, seed: options.seed }, (done) => options.onProgress?.('generating export', done, options.users));
    const generateSeconds = (performance.now() - generateStarted) / 1000;
    const fileBytes = (await stat(file)).size;
    options.onProgress?.('reading export (child process)', 0, 1);
    const readStarted = performance.now();
    const report = await runJsonChild<ExportMemoryReport>(CHILD, [file, String(options.users)]);
    const readSeconds = (performance.now() - readStarted) / 1000;
    return summarise(options.users, fileBytes, generateSeconds, readSeconds, report);
  } finally {
    await rm(file, { force: true });
  }
}

function summarise(users: number, fileBytes: number, generateSeconds: number, readSeconds: number, report: ExportMemoryReport): ExportMemoryResult {
  const { samples } = report;
  const peakRssAt = CHECKPOINTS.map((share) => {
    const upTo = samples.filter((s) => s.phase === 'reading' && s.read <= share * users);
    return { share, rssBytes: maxOf(upTo, (s) => s.rssBytes), heapUsedBytes: maxOf(upTo, (s) => s.heapUsedBytes) };
  });
  return {
    users,
    fileBytes,
    generateSeconds,
    readSeconds,
    read: report.read,
    planned: report.totals.users,
    groups: report.totals.groups,
    links: report.totals.links,
    partitions: report.partitions,
    peakRssAt,
    peakRssBytes: maxOf(samples, (s) => s.rssBytes),
    peakHeapUsedBytes: maxOf(samples, (s) => s.heapUsedBytes),
    endRssBytes: samples[samples.length - 1]?.rssBytes ?? 0,
    endHeapUsedBytes: samples[samples.length - 1]?.heapUsedBytes ?? 0,
    growthBytes: peakRssAt[peakRssAt.length - 1]!.rssBytes - peakRssAt[0]!.rssBytes,
    samples: samples.length,
  };
}

function maxOf(samples: MemorySample[], value: (s: MemorySample) => number): number {
  return samples.reduce((max, s) => Math.max(max, value(s)), 0);
}
