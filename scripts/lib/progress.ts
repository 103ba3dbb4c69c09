// A progress bar with rate and ETA on stderr for long work; on a non-TTY (CI, pipes) a line every few seconds instead.

export interface Progress {
  /** Moves the bar to `done` (of `total`, which may grow once known). */
  update(done: number, total?: number, note?: string): void;
  /** Clears the bar. */
  finish(): void;
}

export interface ProgressOptions {
  label: string;
  total?: number;
  stream?: NodeJS.WriteStream;
  /** A wait with no known end (a build on the tenant): shows the time waited and the note, no bar, count or rate. */
  waiting?: boolean;
  /** No output at all (e.g. with --json, or in tests). */
  silent?: boolean;
  now?: () => number;
}

const WIDTH = 24;

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const started = now();
  let total = options.total ?? 0;
  let lastDraw = 0;
  let drawn = false;
  if (options.silent) return { update() {}, finish() {} };

  const render = (done: number, note?: string): string => {
    const elapsed = (now() - started) / 1000;
    if (options.waiting) return `${options.label}: ${formatDuration(elapsed)}${note ? `, ${note}` : ''}`;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const share = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(share * WIDTH);
    const eta = rate > 0 && total > done ? formatDuration((total - done) / rate) : '--';
    const bar = total > 0 ? `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(share * 100).toFixed(0).padStart(3)}%` : '';
    return `${options.label} ${bar} ${done}${total > 0 ? `/${total}` : ''} ${rate.toFixed(1)}/s ETA ${eta}${note ? ` ${note}` : ''}`;
  };

  return {
    update(done, newTotal, note) {
      if (newTotal !== undefined) total = newTotal;
      const t = now();
      const interval = stream.isTTY ? 100 : 5000;
      if (t - lastDraw < interval && (options.waiting || done !== total)) return;
      lastDraw = t;
      if (stream.isTTY) {
        stream.write(`\r${render(done, note).slice(0, (stream.columns ?? 120) - 1)}\x1b[K`);
        drawn = true;
      } else {
        stream.write(`${render(done, note)}\n`);
      }
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
