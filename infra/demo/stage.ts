import { GraphrecError } from '../../artifacts/src/errors.ts';

/** How a stage ended: built now, reused from an earlier run, (given data) only checked, or (the server) started. */
export type StageStatus = 'built' | 'reused' | 'checked' | 'started';

/** One line of the closing summary (and of `--json`). */
export interface StageRecord {
  name: string;
  status: StageStatus;
  seconds: number;
  detail: string;
}

/** What a stage's check found: its output, complete and current, or why it must be built. */
export type StageCheck<T> = { reusable: true; value: T; detail: string } | { reusable: false; why: string };

/**
 * One step of the demo. `check` must be cheap and must not change anything;
 * `build` may assume `check` said no (or `--fresh`) and starts from scratch or
 * resumes, as its output allows.
 */
export interface Stage<T> {
  name: string;
  check(): Promise<StageCheck<T>>;
  /** What building means, shown before it starts (e.g. "training GraphSAGE, 10 epochs"). */
  intro: string;
  /** `fresh`: `--fresh` was given, so nothing already there may be kept or resumed. */
  build(options: { fresh: boolean }): Promise<{ value: T; detail: string; status?: StageStatus }>;
}

/** A failure of one stage, for a message that names it (and no stack trace). */
export class StageError extends Error {
  constructor(
    readonly stage: string,
    cause: unknown,
  ) {
    super(`stage '${stage}' failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StageError';
  }
}

/**
 * Runs stages in order with numbered, timed progress lines on stdout:
 * `[3/6] train: …`, then `built in 41.2s — …` or `reused (0.0s) — …`.
 */
export class StageRunner {
  readonly records: StageRecord[] = [];
  /** The stage running now, for an interruption message. */
  current: string | undefined;

  constructor(
    private readonly total: number,
    private readonly fresh: boolean,
    private readonly print: (line: string) => void,
    first?: StageRecord,
  ) {
    if (first) this.records.push(first);
  }

  private label(name: string): string {
    return `[${this.records.length + 1}/${this.total}] ${name}`;
  }

  /** Runs one stage: reuses its output when the check allows (never with `--fresh`), else builds it. */
  async run<T>(stage: Stage<T>): Promise<T> {
    const label = this.label(stage.name);
    this.current = stage.name;
    const started = performance.now();
    const seconds = (): number => Number(((performance.now() - started) / 1000).toFixed(1));
    try {
      const check: StageCheck<T> = this.fresh ? { reusable: false, why: '--fresh' } : await stage.check();
      if (check.reusable) {
        this.finish({ name: stage.name, status: 'reused', seconds: seconds(), detail: check.detail }, label);
        return check.value;
      }
      this.print(`${label}: ${stage.intro} (${check.why})`);
      const built = await stage.build({ fresh: this.fresh });
      this.finish({ name: stage.name, status: built.status ?? 'built', seconds: seconds(), detail: built.detail }, label);
      return built.value;
    } catch (err) {
      throw err instanceof StageError ? err : new StageError(stage.name, err);
    } finally {
      this.current = undefined;
    }
  }

  /** Prints a line under the running stage's label (progress the trainer's reporter does not cover). */
  say(line: string): void {
    this.print(`${this.label(this.current ?? '')}: ${line}`);
  }

  private finish(record: StageRecord, label: string): void {
    this.records.push(record);
    const time = record.seconds.toFixed(1);
    const how = record.status === 'built' || record.status === 'started' ? `${record.status} in ${time}s` : `${record.status} (${time}s)`;
    this.print(`${label}: ${how} — ${record.detail}`);
  }
}

/** The message of a failure as the user should see it: its code when it has one, never a stack. */
export function describeFailure(err: unknown): string {
  const cause = err instanceof StageError ? err.cause : err;
  const code = cause instanceof GraphrecError ? ` [${cause.code}]` : '';
  return `${err instanceof Error ? err.message : String(err)}${code}`;
}
