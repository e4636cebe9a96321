import cliProgress from 'cli-progress';

/**
 * Progress output for long jobs, always on stderr so stdout stays clean for
 * `--json`. On a terminal it draws a cli-progress bar; otherwise (CI, pipes,
 * logs) it prints a plain line at most every `intervalMs`.
 */
export interface Progress {
  /** Starts a stage; `total` is undefined when the amount of work is unknown. */
  start(stage: string, total?: number, unit?: string): void;
  /** Reports `done` units of the current stage and optional extra fields (e.g. loss). */
  update(done: number, fields?: Record<string, string | number>): void;
  /** Ends the current stage with a one-line summary. */
  finish(message?: string): void;
}

/** A progress reporter that prints nothing, for tests and library callers. */
export const silentProgress: Progress = { start() {}, update() {}, finish() {} };

function formatFields(fields: Record<string, string | number> | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .map(([k, v]) => ` ${k}=${typeof v === 'number' ? +v.toPrecision(4) : v}`)
    .join('');
}

/** Creates the reporter suited to the current stderr (bar on a TTY, lines elsewhere). */
export function createProgress(options: { quiet?: boolean; intervalMs?: number; tty?: boolean } = {}): Progress {
  if (options.quiet) return silentProgress;
  const tty = options.tty ?? Boolean(process.stderr.isTTY);
  return tty ? new BarProgress() : new LineProgress(options.intervalMs ?? 2000);
}

class LineProgress implements Progress {
  private stage = '';
  private total: number | undefined;
  private unit = '';
  private started = 0;
  private lastPrint = 0;

  constructor(private readonly intervalMs: number) {}

  start(stage: string, total?: number, unit = 'items'): void {
    this.stage = stage;
    this.total = total;
    this.unit = unit;
    this.started = Date.now();
    this.lastPrint = this.started;
    process.stderr.write(`[graphrec] ${stage}${total !== undefined ? ` (${total.toLocaleString('en-US')} ${unit})` : ''}\n`);
  }

  update(done: number, fields?: Record<string, string | number>): void {
    const now = Date.now();
    if (now - this.lastPrint < this.intervalMs) return;
    this.lastPrint = now;
    const elapsed = (now - this.started) / 1000;
    let line = `[graphrec] ${this.stage}: ${done.toLocaleString('en-US')}`;
    if (this.total !== undefined && this.total > 0) {
      const eta = done > 0 ? (elapsed * (this.total - done)) / done : Number.NaN;
      line += `/${this.total.toLocaleString('en-US')} ${this.unit} (${((100 * done) / this.total).toFixed(1)}%, ETA ${Number.isFinite(eta) ? `${eta.toFixed(0)}s` : '?'})`;
    } else {
      line += ` ${this.unit} (${elapsed.toFixed(0)}s)`;
    }
    process.stderr.write(`${line}${formatFields(fields)}\n`);
  }

  finish(message?: string): void {
    const elapsed = ((Date.now() - this.started) / 1000).toFixed(1);
    process.stderr.write(`[graphrec] ${this.stage}: done in ${elapsed}s${message ? ` — ${message}` : ''}\n`);
  }
}

class BarProgress implements Progress {
  private bar: cliProgress.SingleBar | undefined;
  private stage = '';
  private started = 0;

  start(stage: string, total?: number, unit = 'items'): void {
    this.stage = stage;
    this.started = Date.now();
    const format =
      total !== undefined
        ? `${stage} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}{extra}`
        : `${stage} {value} ${unit} | {duration_formatted}{extra}`;
    this.bar = new cliProgress.SingleBar({ format, stream: process.stderr, hideCursor: true, etaBuffer: 50 }, cliProgress.Presets.shades_classic);
    this.bar.start(total ?? 0, 0, { extra: '' });
  }

  update(done: number, fields?: Record<string, string | number>): void {
    this.bar?.update(done, { extra: formatFields(fields) });
  }

  finish(message?: string): void {
    this.bar?.stop();
    this.bar = undefined;
    const elapsed = ((Date.now() - this.started) / 1000).toFixed(1);
    process.stderr.write(`${this.stage}: done in ${elapsed}s${message ? ` — ${message}` : ''}\n`);
  }
}

/** This process's peak resident memory so far, in MB. */
export function peakRssMB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
