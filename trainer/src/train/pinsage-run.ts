import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { leaveLastOut, temporalSplit, type InteractionSplit } from '../graph/interaction-splits.ts';
import type { ReviewGraph } from '../graph/review-graph.ts';
import type { RunReportData } from '../eval/report-data.ts';
import type { UserEmbeddingInput, UserSplitName } from '../eval/user-evaluate.ts';
import { selectBackend, type BackendName } from '../models/backend.ts';
import { silentProgress, type Progress } from '../util/progress.ts';
import { graphSageUserEmbeddings } from './graphsage-item-embeddings.ts';
import { readRunFile } from './graphsage-run.ts';
import type { PinSageConfig } from './pinsage-config.ts';
import { embedPinSage } from './pinsage-embed.ts';
import { loadPinSageData, type PinSageRunData } from './pinsage-run-data.ts';
import { evaluatePinSageEmbeddings, PINSAGE_SPLITS } from './pinsage-run-eval.ts';
import { readPinSageRunFile, writePinSageRunFile, writeServedEmbeddings, type PinSageRunFile } from './pinsage-run-file.ts';
import { trainPinSage, type PinSageTrainOutput } from './pinsage-trainer.ts';
import {
  readPinSageTraining, readSplitWeights, readVocabulary, writePinSageTraining, writeSplitWeights, writeVocabulary, type PinSageTrainingFile,
} from './pinsage-training-file.ts';

/** Options of {@link trainPinSageRun}. */
export interface PinSageRunOptions {
  /** A data set as `ingest` reads it (5-core reviews, metadata, `.b` image features) or a MovieLens folder. */
  dataPath: string;
  runDir: string;
  config: PinSageConfig;
  backend?: BackendName;
  /** Use image features when the data set has them (default true). */
  images?: boolean;
  /** Walk co-purchase edges too (the unified graph); needs product metadata. */
  unified?: boolean;
  /** Evaluate and write the report (default true). */
  evaluate?: boolean;
  /** Continue the run's checkpoints; without it a run folder with checkpoints is refused. */
  resume?: boolean;
  /** A GraphSAGE run whose embeddings are evaluated beside PinSage. */
  graphsageRun?: string;
  progress?: Progress;
  log?: (line: string) => void;
}

/** Result of {@link trainPinSageRun} and {@link evaluatePinSageRun}. */
export interface PinSageRunResult {
  run: PinSageRunFile;
  training: PinSageTrainingFile;
  report?: RunReportData;
  reportPath?: string;
}

/** The two splits the user protocols rank on; deterministic, so `eval` rebuilds exactly what training saw. */
export function pinSageSplits(graph: ReviewGraph): Record<UserSplitName, InteractionSplit> {
  return { 'leave-last-out': leaveLastOut(graph), temporal: temporalSplit(graph) };
}

/**
 * `graphrec train pinsage`: trains one PinSage model per user split (the
 * leave-last-out model is the one served; the temporal one exists so the
 * study's protocol is scored by a model that never saw its test interactions),
 * each with checkpoints under `RUN/checkpoint/<split>/`; writes `run.json`,
 * the served embeddings (leave-last-out weights, neighbourhoods over every
 * interaction), the weights and vocabulary, then evaluates and writes the report.
 *
 * @throws GraphrecError `train/run-exists` when `runDir` holds checkpoints and `resume` is off;
 *   see {@link loadPinSageData} and `trainPinSage` for the others.
 * @example
 * await trainPinSageRun({ dataPath: 'datasets/movielens-latest-small', runDir: 'runs/ml', config: parsePinSageConfig({ epochs: 5 }) });
 */
export async function trainPinSageRun(options: PinSageRunOptions): Promise<PinSageRunResult> {
  const progress = options.progress ?? silentProgress;
  const log = options.log ?? (() => {});
  const { runDir, config } = options;
  const existing = PINSAGE_SPLITS.find((s) => existsSync(join(runDir, 'checkpoint', s, 'state.json')));
  if (existing && !options.resume) {
    throw new GraphrecError('train/run-exists', `${runDir} already holds a training checkpoint (${existing}); pass --resume to continue it or choose another --out`);
  }
  // A wrong GraphSAGE run should fail now, not after training.
  if (options.graphsageRun) await readRunFile(options.graphsageRun);
  const backend = await selectBackend(options.backend);
  log(`backend: ${backend.backend} — ${backend.detail}`);
  const data = await loadPinSageData(options.dataPath, { images: options.images, unified: options.unified, progress });
  log(`data: ${Object.entries(data.facts).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')}${data.images ? '' : ' (no image features used)'}`);
  const splits = pinSageSplits(data.graph);
  const { outputs, training } = await trainSplits(data, splits, options, progress, log);
  const served = outputs['leave-last-out'];
  await writeVocabulary(runDir, served.vocabulary);
  const embedSeconds = await writeServed(runDir, data, served, config, log);
  const run: PinSageRunFile = {
    model: 'pinsage',
    dataset: resolve(options.dataPath),
    config,
    backend: backend.backend,
    createdAt: new Date().toISOString(),
    data: data.facts,
    history: served.history,
    trainSeconds: training.splits['leave-last-out'].trainSeconds,
    transductive: served.transductive,
    unifiedGraph: data.coPurchase !== undefined,
  };
  await writeRunFiles(runDir, run, training);
  if (options.evaluate === false) return { run, training };
  const embeddings = { 'leave-last-out': served.embeddings, temporal: outputs.temporal.embeddings };
  const timings = { train: PINSAGE_SPLITS.reduce((s, k) => s + training.splits[k].trainSeconds, 0), embedServed: embedSeconds };
  const extra = await extraEmbeddings(training.graphsageRun, data, progress);
  const evaluated = await evaluatePinSageEmbeddings({ runDir, run, training, data, splits, embeddings, extra, progress, timings });
  return { run, training, ...evaluated };
}

/**
 * `graphrec eval RUN` for a PinSage run: reloads its data and saved weights,
 * re-embeds each split's model over that split's training interactions
 * (inference only, the same embeddings training ended with), and evaluates
 * and reports as training did.
 *
 * @param options.graphsageRun a GraphSAGE run to rank beside PinSage (default: the one the run was trained with, if any).
 * @throws GraphrecError `eval/no-run` / `eval/bad-run` when `runDir` is not a finished PinSage run.
 */
export async function evaluatePinSageRun(runDir: string, options: { backend?: BackendName; progress?: Progress; graphsageRun?: string } = {}): Promise<Required<PinSageRunResult>> {
  const progress = options.progress ?? silentProgress;
  const run = await readPinSageRunFile(runDir);
  const training = await readPinSageTraining(runDir);
  if (options.graphsageRun) training.graphsageRun = resolve(options.graphsageRun);
  await selectBackend(options.backend);
  const data = await loadPinSageData(run.dataset, { images: training.images, unified: run.unifiedGraph, progress });
  const splits = pinSageSplits(data.graph);
  const vocabulary = await readVocabulary(runDir);
  const config = Object.freeze({ ...run.config });
  const started = performance.now();
  const embeddings = {} as Record<UserSplitName, Float32Array>;
  for (const split of PINSAGE_SPLITS) {
    const weights = await readSplitWeights(runDir, split);
    embeddings[split] = embedPinSage({ ...inputsOf(data), train: splits[split].train, weights, vocabulary, config }).embeddings;
  }
  const timings = { train: PINSAGE_SPLITS.reduce((s, k) => s + training.splits[k].trainSeconds, 0), embed: (performance.now() - started) / 1000 };
  const extra = await extraEmbeddings(training.graphsageRun, data, progress);
  const evaluated = await evaluatePinSageEmbeddings({ runDir, run, training, data, splits, embeddings, extra, progress, timings });
  return { run, training, ...evaluated };
}

/** Trains the model of each split in turn (checkpointed, resumable) and saves its weights. */
async function trainSplits(
  data: PinSageRunData,
  splits: Record<UserSplitName, InteractionSplit>,
  options: PinSageRunOptions,
  progress: Progress,
  log: (line: string) => void,
): Promise<{ outputs: Record<UserSplitName, PinSageTrainOutput>; training: PinSageTrainingFile }> {
  const outputs = {} as Record<UserSplitName, PinSageTrainOutput>;
  const graphsageRun = options.graphsageRun ? resolve(options.graphsageRun) : undefined;
  const training: PinSageTrainingFile = { splits: {} as PinSageTrainingFile['splits'], images: data.images !== undefined, graphsageRun };
  for (const split of PINSAGE_SPLITS) {
    const started = performance.now();
    const out = await trainPinSage({
      ...inputsOf(data), train: splits[split].train, config: options.config,
      progress: labelled(progress, split), checkpointDir: join(options.runDir, 'checkpoint', split),
    });
    const trainSeconds = (performance.now() - started) / 1000;
    log(`${split}: ${out.resumedFrom > 0 ? `resumed from epoch ${out.resumedFrom}, ` : ''}${out.history.length} epochs in ${trainSeconds.toFixed(1)}s, final loss ${out.history.at(-1)?.trainLoss.toFixed(4) ?? '–'}`);
    outputs[split] = out;
    training.splits[split] = { history: out.history, trainSeconds, resumedFrom: out.resumedFrom };
    await writeSplitWeights(options.runDir, split, out.weights);
  }
  return { outputs, training };
}

/** Embeds the served catalogue (the leave-last-out model, neighbourhoods over every interaction) and writes it; returns the seconds it took. */
async function writeServed(runDir: string, data: PinSageRunData, served: PinSageTrainOutput, config: PinSageConfig, log: (line: string) => void): Promise<number> {
  const started = performance.now();
  const all = Int32Array.from({ length: data.graph.item.length }, (_, e) => e);
  const { embeddings, dim } = embedPinSage({ ...inputsOf(data), train: all, weights: served.weights, vocabulary: served.vocabulary, config });
  await writeServedEmbeddings(runDir, { ids: data.graph.asins, embeddings, dim });
  log(`served embeddings: ${data.graph.numItems.toLocaleString('en-US')} products × ${dim}, neighbourhoods over all ${all.length.toLocaleString('en-US')} interactions`);
  return (performance.now() - started) / 1000;
}

async function writeRunFiles(runDir: string, run: PinSageRunFile, training: PinSageTrainingFile): Promise<void> {
  await writePinSageTraining(runDir, training);
  // run.json last: its presence says the run folder is complete.
  await writePinSageRunFile(runDir, run);
}

function inputsOf(data: PinSageRunData): Pick<Parameters<typeof embedPinSage>[0], 'graph' | 'features' | 'images' | 'coPurchase'> {
  return { graph: data.graph, features: data.features, images: data.images, coPurchase: data.coPurchase };
}

async function extraEmbeddings(graphsageRun: string | undefined, data: PinSageRunData, progress: Progress): Promise<UserEmbeddingInput[]> {
  return graphsageRun ? [await graphSageUserEmbeddings(graphsageRun, data.graph.asins, progress)] : [];
}

/** The trainer's progress with the split named in each stage ("pinsage epoch 3/10" would not say which model). */
function labelled(progress: Progress, split: UserSplitName): Progress {
  return { start: (stage, total, unit) => progress.start(`${split}: ${stage}`, total, unit), update: (d, f) => progress.update(d, f), finish: (m) => progress.finish(m) };
}
