import { ZodError } from 'zod';
import { GraphrecError, isGraphrecError } from '../../../artifacts/src/errors.ts';
import type { BackendName } from '../models/backend.ts';
import { parsePinSageConfig, type PinSageConfig } from '../train/pinsage-config.ts';
import { trainPinSageRun } from '../train/pinsage-run.ts';
import { peakRssMB } from '../util/progress.ts';
import { numberFlag, parseFlags, type CommandContext } from './command.ts';
import { metricsTables } from './metrics-table.ts';
import { parseBackend } from './parse-backend.ts';

export const pinSageUsage =
  'graphrec train pinsage DATA --out RUN [--epochs N] [--batch-size N] [--dim N] [--layers N] [--negatives N] [--lr X] [--walks N] [--walk-length N] [--restart P] [--top-t N] [--margin X] [--pair-window N] [--id-embedding] [--score-bias|--no-score-bias] [--no-images] [--unified] [--graphsage RUN] [--seed S] [--backend tensorflow|wasm|cpu] [--resume] [--no-eval] [--json]';

const FLAGS = {
  out: { type: 'string' }, epochs: { type: 'string' }, 'batch-size': { type: 'string' }, dim: { type: 'string' }, layers: { type: 'string' },
  negatives: { type: 'string' }, lr: { type: 'string' }, walks: { type: 'string' }, 'walk-length': { type: 'string' }, restart: { type: 'string' },
  'top-t': { type: 'string' }, margin: { type: 'string' }, 'pair-window': { type: 'string' }, 'id-embedding': { type: 'boolean' }, 'score-bias': { type: 'boolean' }, 'no-score-bias': { type: 'boolean' }, 'no-images': { type: 'boolean' }, unified: { type: 'boolean' },
  graphsage: { type: 'string' }, seed: { type: 'string' }, backend: { type: 'string' }, resume: { type: 'boolean' }, 'no-eval': { type: 'boolean' },
} as const;

/** Everything `graphrec train pinsage` was asked, checked. */
export interface PinSageCommandArgs {
  dataPath: string;
  runDir: string;
  config: PinSageConfig;
  backend?: BackendName;
  images: boolean;
  unified: boolean;
  graphsageRun?: string;
  resume: boolean;
  evaluate: boolean;
}

/**
 * Parses `train pinsage DATA --out RUN [flags]` (the arguments after `train`).
 * Flags left out keep the config's defaults.
 * @throws GraphrecError `cli/bad-arguments` naming the flag and its allowed values.
 */
export function parsePinSageArgs(args: string[]): PinSageCommandArgs {
  const { values, positionals } = parseFlags(args, FLAGS, pinSageUsage);
  const [model, dataPath, ...rest] = positionals;
  if (model !== 'pinsage') throw new GraphrecError('cli/bad-arguments', `expected 'pinsage' first, got '${model ?? ''}'\nusage: ${pinSageUsage}`);
  if (!dataPath || !values.out) throw new GraphrecError('cli/bad-arguments', `DATA and --out RUN are required\nusage: ${pinSageUsage}`);
  if (rest.length > 0) throw new GraphrecError('cli/bad-arguments', `unexpected argument '${rest[0]}'\nusage: ${pinSageUsage}`);
  const int = (name: keyof typeof FLAGS, min = 1): number | undefined => {
    const v = values[name];
    return typeof v === 'string' ? numberFlag(v, name, 0, { min, integer: true }) : undefined;
  };
  const real = (name: keyof typeof FLAGS, range: { min: number; max: number }): number | undefined => {
    const v = values[name];
    return typeof v === 'string' ? numberFlag(v, name, 0, range) : undefined;
  };
  const config = toConfig({
    seed: int('seed', 0),
    epochs: int('epochs'),
    batchSize: int('batch-size'),
    dim: int('dim'),
    layers: int('layers'),
    negatives: int('negatives'),
    learningRate: real('lr', { min: 1e-6, max: 1 }),
    walks: int('walks'),
    walkLength: int('walk-length'),
    restart: real('restart', { min: 0, max: 1 }),
    topT: int('top-t'),
    margin: real('margin', { min: 1e-6, max: 2 }),
    pairWindow: int('pair-window', 0),
    idEmbedding: values['id-embedding'] === true ? true : undefined,
    scoreBias: scoreBiasFlag(values['score-bias'], values['no-score-bias']),
  });
  return {
    dataPath,
    runDir: values.out,
    config,
    backend: parseBackend(values.backend),
    images: values['no-images'] !== true,
    unified: values.unified === true,
    graphsageRun: values.graphsage,
    resume: values.resume === true,
    evaluate: values['no-eval'] !== true,
  };
}

/** `--score-bias` / `--no-score-bias` as the config's `scoreBias`; neither keeps the default. */
function scoreBiasFlag(on: boolean | undefined, off: boolean | undefined): boolean | undefined {
  if (on === true && off === true) throw new GraphrecError('cli/bad-arguments', `give one of --score-bias and --no-score-bias, not both\nusage: ${pinSageUsage}`);
  return on === true ? true : off === true ? false : undefined;
}

/** The config from the flags given; a zod complaint (should the ranges above miss one) becomes a CLI error. */
function toConfig(given: Record<string, number | boolean | undefined>): PinSageConfig {
  try {
    return parsePinSageConfig(Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)));
  } catch (err) {
    if (err instanceof ZodError) throw new GraphrecError('cli/bad-arguments', `invalid PinSage setting ${err.issues[0]?.path.join('.')}: ${err.issues[0]?.message}\nusage: ${pinSageUsage}`);
    throw err;
  }
}

/** Runs `graphrec train pinsage …`: trains, evaluates, prints the metrics tables; returns the JSON result. */
export async function trainPinSageCommand(ctx: CommandContext): Promise<Record<string, unknown>> {
  const a = parsePinSageArgs(ctx.args);
  let result;
  try {
    result = await trainPinSageRun({
      dataPath: a.dataPath, runDir: a.runDir, config: a.config, backend: a.backend, images: a.images, unified: a.unified,
      graphsageRun: a.graphsageRun, resume: a.resume, evaluate: a.evaluate, progress: ctx.progress, log: (l) => process.stderr.write(`[graphrec] ${l}\n`),
    });
  } catch (err) {
    if (isGraphrecError(err, 'pinsage/no-features')) throw new GraphrecError(err.code, `${err.message} (on the command line: --id-embedding)`);
    throw err;
  }
  const { run, training, report, reportPath } = result;
  if (report) ctx.print(metricsTables(report.protocols));
  if (reportPath) ctx.print(`report: ${reportPath}`);
  const epochs = run.history.length;
  return {
    run: a.runDir,
    model: 'pinsage',
    backend: run.backend,
    trainSeconds: Object.values(training.splits).reduce((sum, s) => sum + s.trainSeconds, 0),
    evaluateSeconds: report?.timings.evaluate,
    secondsPerEpoch: epochs > 0 ? run.history.reduce((s, e) => s + e.seconds, 0) / epochs : undefined,
    pairsPerSecond: epochs > 0 ? run.history.reduce((s, e) => s + (e.pairsPerSecond ?? 0), 0) / epochs : undefined,
    peakRssMB: peakRssMB(),
    epochs,
    images: training.images,
    unifiedGraph: run.unifiedGraph,
    transductive: run.transductive,
    data: run.data,
    protocols: report?.protocols ?? [],
    report: reportPath,
  };
}
