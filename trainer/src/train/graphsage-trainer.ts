import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { GraphSageWeights } from '../../../artifacts/src/forward/graphsage.ts';
import type { Csr, EdgeList } from '../graph/csr.ts';
import { sampleBlocks } from '../graph/neighbor-sampler.ts';
import { pairKey } from '../graph/splits.ts';
import type { NodeFeatures } from '../models/feature-rows.ts';
import { edgeLoss, GraphSageModel } from '../models/graphsage.ts';
import { silentProgress, type Progress } from '../util/progress.ts';
import { Rng } from '../util/rng.ts';
import type { GraphSageConfig } from './graphsage-config.ts';
import { readTensorFile, writeTensorFile, type NamedArrays } from './tensor-file.ts';
import { DenseIndex } from '../util/dense-index.ts';

/** One epoch of the training history. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  seconds: number;
}

export interface TrainInput {
  /** Message-passing graph during training (validation edges removed). */
  graph: Csr;
  trainEdges: EdgeList;
  valEdges: EdgeList;
  features: NodeFeatures;
  config: GraphSageConfig;
  progress?: Progress;
  /** Where checkpoints go; a run with an existing checkpoint resumes from it. */
  checkpointDir?: string;
}

export interface TrainOutput {
  /** Weights of the best validation epoch. */
  weights: GraphSageWeights;
  history: EpochRecord[];
  bestEpoch: number;
  stoppedEarly: boolean;
  resumedFrom: number;
}

/** A training batch: distinct target nodes, positive and negative pairs as rows of `targets`, and the positive pairs hidden from sampling. */
export interface Batch {
  targets: Int32Array;
  pos: EdgeList;
  neg: EdgeList;
  excluded: Set<number>;
}

/** Builds a batch: distinct targets, positives and negatives as rows of the targets. */
export function makeBatch(edges: EdgeList, order: Int32Array, from: number, to: number, numNodes: number, negatives: number, rng: Rng): Batch {
  const index = new DenseIndex();
  const row = (v: number): number => index.row(v);
  const size = to - from;
  const pos = { src: new Int32Array(size), dst: new Int32Array(size) };
  const neg = { src: new Int32Array(size * negatives), dst: new Int32Array(size * negatives) };
  const excluded = new Set<number>();
  for (let i = 0; i < size; i++) {
    const e = order[i + from];
    const flip = rng.next() < 0.5;
    const u = flip ? edges.dst[e] : edges.src[e];
    const v = flip ? edges.src[e] : edges.dst[e];
    excluded.add(pairKey(u, v, numNodes));
    pos.src[i] = row(u);
    pos.dst[i] = row(v);
    for (let j = 0; j < negatives; j++) {
      neg.src[i * negatives + j] = pos.src[i];
      neg.dst[i * negatives + j] = row(rng.int(numNodes));
    }
  }
  return { targets: index.ids(), pos, neg, excluded };
}

function dropoutSets(targets: Int32Array, config: GraphSageConfig, rng: Rng): { isolated: Set<number>; single: Set<number> } {
  const isolated = new Set<number>();
  const single = new Set<number>();
  for (const v of targets) {
    const r = rng.next();
    if (r < config.isolateRate) isolated.add(v);
    else if (r < config.isolateRate + config.singleRate) single.add(v);
  }
  return { isolated, single };
}

/** The loss of one batch: sample its neighbourhoods (with neighbour dropout when training), embed, score. */
export function batchLoss(model: GraphSageModel, input: TrainInput, batch: Batch, rng: Rng, dropout: boolean): tf.Scalar {
  const { config } = input;
  const sets = dropout ? dropoutSets(batch.targets, config, rng) : { isolated: undefined, single: undefined };
  const blocks = sampleBlocks(input.graph, batch.targets, rng, { fanouts: config.fanouts, excludedPairs: batch.excluded, ...sets });
  const z = model.embedBlocks(input.features, blocks);
  return edgeLoss(z, batch.pos, batch.neg, config.scoreScale);
}

/** Validation loss on a fixed sample (same negatives and neighbourhoods every epoch), so epochs compare. */
function validationLoss(model: GraphSageModel, input: TrainInput): number {
  const { valEdges, config, graph } = input;
  const rng = new Rng(config.seed ^ 0x5eed);
  const order = Int32Array.from({ length: valEdges.src.length }, (_, i) => i);
  let total = 0;
  let batches = 0;
  for (let from = 0; from < order.length; from += config.batchSize) {
    const batch = makeBatch(valEdges, order, from, Math.min(order.length, from + config.batchSize), graph.numNodes, config.negatives, rng);
    total += tf.tidy(() => batchLoss(model, input, batch, rng, false).dataSync()[0]);
    batches++;
  }
  return batches === 0 ? Number.NaN : total / batches;
}

function weightsToArrays(w: GraphSageWeights): NamedArrays {
  const { vocab, input, hidden, output } = w.dims;
  return {
    embedding: { shape: [vocab, input], data: w.embedding },
    w1Self: { shape: [input, hidden], data: w.w1Self },
    w1Neigh: { shape: [input, hidden], data: w.w1Neigh },
    w2Self: { shape: [hidden, output], data: w.w2Self },
    w2Neigh: { shape: [hidden, output], data: w.w2Neigh },
  };
}

function arraysToWeights(a: NamedArrays, dims: GraphSageWeights['dims']): GraphSageWeights {
  return { dims, embedding: a.embedding.data, w1Self: a.w1Self.data, w1Neigh: a.w1Neigh.data, w2Self: a.w2Self.data, w2Neigh: a.w2Neigh.data };
}

interface CheckpointState {
  epoch: number;
  history: EpochRecord[];
  bestEpoch: number;
  bestValLoss: number;
  sinceBest: number;
}

/**
 * Trains GraphSAGE with Adam on mini-batches of edges with sampled
 * neighbourhoods, validation-loss early stopping, and a checkpoint per epoch
 * (weights, Adam state, history) that a re-run resumes from. Every random
 * choice comes from `config.seed` (an epoch's stream is derived from the seed
 * and the epoch number), so a resumed run continues exactly as an
 * uninterrupted one would.
 */
export async function trainGraphSage(input: TrainInput): Promise<TrainOutput> {
  const { config, graph, trainEdges } = input;
  const progress = input.progress ?? silentProgress;
  const dims = { vocab: input.features.dim, input: config.inputDim, hidden: config.hiddenDim, output: config.outputDim };
  const model = new GraphSageModel(dims, config.seed);
  const optimizer = tf.train.adam(config.learningRate);
  let state: CheckpointState = { epoch: 0, history: [], bestEpoch: 0, bestValLoss: Number.POSITIVE_INFINITY, sinceBest: 0 };
  let best = model.exportWeights();
  const dir = input.checkpointDir;
  if (dir && existsSync(join(dir, 'state.json'))) {
    state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as CheckpointState;
    model.loadWeights(arraysToWeights(await readTensorFile(join(dir, 'last.bin')), dims));
    best = arraysToWeights(await readTensorFile(join(dir, 'best.bin')), dims);
    const opt = await readTensorFile(join(dir, 'optimizer.bin'));
    await optimizer.setWeights(Object.entries(opt).map(([name, { shape, data }]) => ({ name, tensor: tf.tensor(data, shape) })));
  }
  const resumedFrom = state.epoch;
  const batchSize = config.fullBatch ? trainEdges.src.length : config.batchSize;
  const steps = Math.ceil(trainEdges.src.length / batchSize);
  let stoppedEarly = false;

  for (let epoch = state.epoch + 1; epoch <= config.epochs; epoch++) {
    if (state.sinceBest >= config.patience) {
      stoppedEarly = true;
      break;
    }
    const started = performance.now();
    const rng = new Rng((config.seed * 1_000_003 + epoch) >>> 0);
    const order = rng.shuffle(Int32Array.from({ length: trainEdges.src.length }, (_, i) => i));
    progress.start(`epoch ${epoch}/${config.epochs}`, steps, 'batches');
    let lossSum = 0;
    for (let step = 0; step < steps; step++) {
      const batch = makeBatch(trainEdges, order, step * batchSize, Math.min(order.length, (step + 1) * batchSize), graph.numNodes, config.negatives, rng);
      const loss = optimizer.minimize(() => batchLoss(model, input, batch, rng, true), true, model.variables);
      const value = loss!.dataSync()[0];
      loss!.dispose();
      if (!Number.isFinite(value)) {
        throw new GraphrecError('train/diverged', `loss became ${value} at epoch ${epoch}, batch ${step + 1}; lower --lr or check the features (checkpoint of epoch ${state.epoch} kept)`);
      }
      lossSum += value;
      progress.update(step + 1, { loss: lossSum / (step + 1) });
    }
    const valLoss = validationLoss(model, input);
    const record = { epoch, trainLoss: lossSum / steps, valLoss, seconds: (performance.now() - started) / 1000 };
    state.history.push(record);
    state.epoch = epoch;
    if (valLoss < state.bestValLoss - 1e-4) {
      state.bestValLoss = valLoss;
      state.bestEpoch = epoch;
      state.sinceBest = 0;
      best = model.exportWeights();
    } else {
      state.sinceBest++;
    }
    progress.finish(`train loss ${record.trainLoss.toFixed(4)}, val loss ${valLoss.toFixed(4)}${state.bestEpoch === epoch ? ' (best)' : ''}`);
    if (dir) await saveCheckpoint(dir, model, best, optimizer, state);
  }
  if (state.sinceBest >= config.patience && state.epoch < config.epochs) stoppedEarly = true;
  model.dispose();
  optimizer.dispose();
  return { weights: best, history: state.history, bestEpoch: state.bestEpoch, stoppedEarly, resumedFrom };
}

async function saveCheckpoint(dir: string, model: GraphSageModel, best: GraphSageWeights, optimizer: tf.AdamOptimizer, state: CheckpointState): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeTensorFile(join(dir, 'last.bin'), weightsToArrays(model.exportWeights()));
  await writeTensorFile(join(dir, 'best.bin'), weightsToArrays(best));
  const opt: NamedArrays = {};
  for (const { name, tensor } of await optimizer.getWeights()) opt[name] = { shape: tensor.shape, data: Float32Array.from(tensor.dataSync() as Float32Array) };
  await writeTensorFile(join(dir, 'optimizer.bin'), opt);
  await writeFile(join(dir, 'state.json'), JSON.stringify(state));
}

export { weightsToArrays, arraysToWeights };
