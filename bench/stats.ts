export interface Figure {
  readonly name: string;
  readonly unit: string;
  readonly rate: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly note?: string;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function latencies(samples: number[]): { p50Ms: number; p99Ms: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

/** Runs `fn` until a deadline `seconds` from now; answers the seconds it really took. */
export async function timed(seconds: number, fn: (deadline: number) => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn(start + seconds * 1000);
  return (performance.now() - start) / 1000;
}

export function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    `${Math.round(f.rate).toLocaleString('en-US')} ${f.unit}`,
    f.p50Ms === undefined ? '' : f.p50Ms.toFixed(2),
    f.p99Ms === undefined ? '' : f.p99Ms.toFixed(2),
    f.note ?? '',
  ]);
  const header = ['figure', 'rate', 'p50 ms', 'p99 ms', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
