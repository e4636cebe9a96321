import { GraphrecError } from '../../../artifacts/src/errors.ts';

/** One recorded problem with the input, kept as an example in the summary. */
export interface Problem {
  kind: string;
  file: string;
  /** 1-based line number, or record number for binary files. */
  line: number;
  message: string;
}

/** What a reader reports about bad input when it finishes. */
export interface DiagnosticsSummary {
  /** Number of problems by kind, e.g. `{ 'malformed-line': 3, 'truncated-gzip': 1 }`. */
  counts: Record<string, number>;
  total: number;
  /** The first few problems, in the order they were seen. */
  examples: Problem[];
}

/**
 * Collects bad-input problems while a reader streams: each is counted by kind,
 * the first few are kept as examples, and the record is skipped. With
 * `strict`, the first problem throws instead (`--strict` on the CLI).
 */
export class Diagnostics {
  readonly strict: boolean;
  private readonly maxExamples: number;
  private readonly counts = new Map<string, number>();
  private readonly examples: Problem[] = [];

  constructor(options: { strict?: boolean; maxExamples?: number } = {}) {
    this.strict = options.strict ?? false;
    this.maxExamples = options.maxExamples ?? 5;
  }

  /**
   * Records one problem.
   * @throws GraphrecError `data/<kind>` when the diagnostics are strict.
   */
  report(kind: string, file: string, line: number, message: string): void {
    if (this.strict) {
      throw new GraphrecError(`data/${kind}`, `${file}:${line}: ${kind}: ${message}`, { file, line });
    }
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    if (this.examples.length < this.maxExamples) this.examples.push({ kind, file, line, message });
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  count(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  summary(): DiagnosticsSummary {
    return { counts: Object.fromEntries(this.counts), total: this.total, examples: [...this.examples] };
  }
}

/** One line of text, with its 1-based number in the file. */
export interface NumberedLine {
  text: string;
  line: number;
}
