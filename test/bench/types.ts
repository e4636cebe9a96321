/** Settings shared by every benchmark in one `npm run bench`. */
export interface BenchConfig {
  /** Catalogue size for scale benchmarks (default 1,000,000). */
  products: number;
}

/** One section of BENCHMARKS.md. */
export interface BenchResult {
  markdown: string;
  figures: Record<string, unknown>;
}

export interface Benchmark {
  name: string;
  title: string;
  run(config: BenchConfig): Promise<BenchResult>;
}
