import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { readEvaluation } from '../export/export-run.ts';
import { evaluateRun, trainRun } from '../train/graphsage-run.ts';
import { evaluatePinSageRun, trainPinSageRun } from '../train/pinsage-run.ts';
import { PINSAGE_SPLITS } from '../train/pinsage-run-eval.ts';
import type { Progress } from '../util/progress.ts';
import type { Metrics } from './gate.ts';
import type { RetrainConfig } from './config.ts';

/** What the train stage records. */
export interface TrainOutput {
  runDir: string;
  epochs: number;
  trainSeconds: number;
  backend: string;
}

/** Options every model stage gets. */
export interface ModelStageOptions {
  progress: Progress;
  log: (line: string) => void;
}

/**
 * Trains the configured model into `<dir>/run` with the existing run
 * functions (evaluation is its own stage). A folder left by a crashed attempt
 * resumes from its checkpoints.
 */
export async function trainStage(config: RetrainConfig, dir: string, options: ModelStageOptions): Promise<TrainOutput> {
  const runDir = join(dir, 'run');
  const common = { dataPath: config.data.path, runDir, backend: config.backend, evaluate: false, progress: options.progress, log: options.log };
  if (config.model === 'graphsage') {
    const resume = existsSync(join(runDir, 'checkpoint', 'state.json'));
    const { run } = await trainRun({ ...common, protocol: config.protocol, config: Object.freeze(config.training), resume });
    return { runDir, epochs: run.history.length, trainSeconds: run.trainSeconds, backend: run.backend };
  }
  const resume = PINSAGE_SPLITS.some((s) => existsSync(join(runDir, 'checkpoint', s, 'state.json')));
  const { run, training } = await trainPinSageRun({ ...common, config: Object.freeze(config.training), images: config.images, unified: config.unified, resume });
  return { runDir, epochs: run.history.length, trainSeconds: Object.values(training.splits).reduce((s, x) => s + x.trainSeconds, 0), backend: run.backend };
}

/**
 * Evaluates a trained run on its held-out splits (writing its `eval.json` and
 * report, as `graphrec eval` does) and returns the metrics exactly as export
 * will record them in the manifest, so the gate compares like with like.
 */
export async function evaluateStage(config: RetrainConfig, runDir: string, options: ModelStageOptions): Promise<Metrics> {
  if (config.model === 'graphsage') await evaluateRun(runDir, { backend: config.backend, progress: options.progress });
  else await evaluatePinSageRun(runDir, { backend: config.backend, progress: options.progress });
  return (await readEvaluation(runDir)) ?? {};
}
