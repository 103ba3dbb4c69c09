// Writes a benchmark report: the latest JSON and Markdown, a JSON per run named by time and commit (to compare
// commits), and, when asked, the committed summary docs/benchmarks.json with the page generated from it (docs/benchmarks.md).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writePage } from './page.ts';
import { renderMarkdown, type BenchReport } from './report.ts';

export interface WrittenFiles {
  json: string;
  markdown: string;
  run: string;
  recorded?: string;
  page?: string;
}

/** Where a recorded run goes: the committed report and its docs page. */
export interface RecordPaths {
  results: string;
  page: string;
}

export async function writeReport(report: BenchReport, outDir: string, record?: RecordPaths): Promise<WrittenFiles> {
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const stamp = `${report.machine.date.replace(/[:.]/g, '-')}-${(report.machine.commit ?? 'unknown').replace(/[^a-z0-9+-]/gi, '_')}`;
  const files: WrittenFiles = { json: join(outDir, 'results.json'), markdown: join(outDir, 'results.md'), run: join(outDir, 'runs', `${stamp}.json`) };
  await mkdir(dirname(files.run), { recursive: true });
  await writeFile(files.json, json);
  await writeFile(files.markdown, renderMarkdown(report));
  await writeFile(files.run, json);
  if (record) {
    await mkdir(dirname(record.results), { recursive: true });
    await writeFile(record.results, json);
    await writePage(report, record.page);
    files.recorded = record.results;
    files.page = record.page;
  }
  return files;
}
