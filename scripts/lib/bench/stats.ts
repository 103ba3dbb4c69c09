// Summary statistics for benchmark samples: mean, nearest-rank percentiles, median, a distribution, and a ratio that survives a zero.

/** The p-th percentile (0–100) by the nearest-rank method; 0 for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function mean(samples: readonly number[]): number {
  return samples.length === 0 ? 0 : samples.reduce((sum, x) => sum + x, 0) / samples.length;
}

/** `a / b`; Infinity when only `b` is 0 (e.g. "N calls versus none"), 1 when both are. */
export function ratio(a: number, b: number): number {
  if (b === 0) return a === 0 ? 1 : Infinity;
  return a / b;
}

/** What the report shows of a set of samples. */
export interface Distribution {
  mean: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
}

export function distribution(samples: readonly number[]): Distribution {
  return {
    mean: mean(samples),
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: samples.length === 0 ? 0 : Math.max(...samples),
    total: samples.reduce((sum, x) => sum + x, 0),
  };
}
