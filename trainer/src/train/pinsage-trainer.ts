/**
 * PinSage training on the users × products review graph.
 *
 * ```ts
 * interface PinSageTrainInput {
 *   graph: ReviewGraph;      // all interactions
 *   train: Int32Array;       // interaction indices the model may learn from; walks and positives use only these
 *   features: ItemFeatures;  // titles, priceCents / hasPrice, imageRow
 *   images?: ImageMatrix;    // { dim, data }, rows indexed by features.imageRow (see data/image-matrix.ts)
 *   coPurchase?: Csr;        // optional unified graph: product–product edges over the same item ids
 *   config: PinSageConfig;   // parsePinSageConfig({...}): walks 10, walkLength 2, restart 0.5, topT 3, dim 64, layers 2, …
 *   progress?: Progress;
 *   checkpointDir?: string;  // a run with a checkpoint there resumes from it
 * }
 * trainPinSage(input) → { embeddings [numItems × dim] unit rows, dim, history, weights, vocabulary, transductive }
 * embedPinSage({ ...data, weights, vocabulary, config }) → { embeddings, dim }   // inference from saved weights
 * ```
 *
 * A step: training interactions give (head, tail = another product of the
 * same user) pairs and uniform negatives; each layer samples random-walk
 * neighbourhoods (with the batch's own pairs hidden) from its own stream; the
 * model embeds heads, tails and negatives; a hinge loss on dot products (plus
 * per-product biases with `config.scoreBias`); Adam. Every random choice comes from `config.seed` (an
 * epoch's stream from the seed and the epoch number), so a resumed run
 * continues as an uninterrupted one would.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import type { Csr } from '../graph/csr.ts';
import { buildWalkGraph, type RandomWalkSampler, type WalkGraph } from '../graph/random-walk.ts';
import type { ItemFeatures, ReviewGraph } from '../graph/review-graph.ts';
import { sampleWalkBlocks } from '../graph/walk-blocks.ts';
import { buildItemInputs, type ImageMatrix, type ItemInputs } from '../models/pinsage-features.ts';
import { marginLoss, PinSageModel, type PinSageDims } from '../models/pinsage.ts';
import { fitVocabulary } from '../text/fit-vocabulary.ts';
import { silentProgress, type Progress } from '../util/progress.ts';
import { Rng } from '../util/rng.ts';
import { RecordedPinSageConfigSchema, type PinSageConfig } from './pinsage-config.ts';
import { layerSamplers, makePinSageBatch, type PinSageBatch } from './pinsage-data.ts';
import { embedWithModel, PRICE_STATS } from './pinsage-embed.ts';
import { readTensorFile, writeTensorFile, type NamedArrays } from './tensor-file.ts';

/** Inputs of {@link trainPinSage}; see the module comment. */
export interface PinSageTrainInput {
  graph: ReviewGraph;
  /** Interaction indices (a split's training set); walks, positives and the final neighbourhoods use only these. */
  train: Int32Array;
  features: ItemFeatures;
  /** Image vectors, rows indexed by `features.imageRow`; omitted: the model has no image term. */
  images?: ImageMatrix;
  /** Product–product edges over the review graph's item ids, walked alongside user–product edges. */
  coPurchase?: Csr;
  config: PinSageConfig;
  progress?: Progress;
  /** Where checkpoints go; a run with an existing checkpoint resumes from it. */
  checkpointDir?: string;
}

/** One epoch of the training history. */
export interface PinSageEpoch {
  epoch: number;
  /** Mean hinge loss over the epoch's batches. */
  trainLoss: number;
  seconds: number;
  /** Positive pairs trained per second (each with `negatives` negatives). */
  pairsPerSecond: number;
}

/** Result of {@link trainPinSage}. */
export interface PinSageTrainOutput {
  /** `[graph.numItems * dim]` unit rows, from neighbourhoods over training interactions only. */
  embeddings: Float32Array;
  dim: number;
  history: PinSageEpoch[];
  /** Every weight needed to recompute the embeddings (`embedPinSage`), including the price standardisation. */
  weights: NamedArrays;
  /** The title vocabulary the title term uses, fitted on every product's title (catalogue data, not interactions); save with `toJSON()`. */
  vocabulary: Vocabulary;
  /** Whether the learnable per-product ID embedding was on (the manifest should flag such a model transductive). */
  transductive: boolean;
  /** Epochs already done by a checkpoint this run resumed from (0 for a fresh run). */
  resumedFrom: number;
}

interface CheckpointState {
  epoch: number;
  history: PinSageEpoch[];
  /** The config without `epochs`: a checkpoint resumes only the same model and data settings. */
  config: string;
}

/**
 * Trains PinSage and embeds every product.
 *
 * @throws GraphrecError `pinsage/bad-input` when features or images do not match the graph.
 * @throws GraphrecError `pinsage/no-features` when products have nothing to tell them apart (no titles, prices or images, and no ID embedding).
 * @throws GraphrecError `train/diverged` when the loss stops being finite.
 * @throws GraphrecError `train/checkpoint-mismatch` when the checkpoint was written with other settings.
 * @example
 * const config = parsePinSageConfig({ epochs: 5 });
 * const out = await trainPinSage({ graph, train: leaveLastOut(graph).train, features, config });
 */
export async function trainPinSage(input: PinSageTrainInput): Promise<PinSageTrainOutput> {
  const { config, graph } = input;
  const progress = input.progress ?? silentProgress;
  checkInput(input);
  const vocabulary = fitVocabulary(input.features.titles, { minDf: config.minDf, maxSize: config.maxVocabulary });
  const inputs = buildItemInputs(input.features, vocabulary, input.images);
  const dims: PinSageDims = { numItems: graph.numItems, vocab: vocabulary.size, imageDim: input.images?.dim ?? 0, dim: config.dim, layers: config.layers, idEmbedding: config.idEmbedding };
  checkInformative(inputs, dims);
  const walk = buildWalkGraph(graph, input.train, input.coPurchase);
  const samplers = layerSamplers(walk, config);
  const model = new PinSageModel(dims, config.seed);
  const optimizer = tf.train.adam(config.learningRate);
  try {
    const state = await resume(input.checkpointDir, config, model, optimizer);
    const resumedFrom = state.epoch;
    const run: EpochContext = { model, optimizer, inputs, walk, samplers, input, progress };
    for (let epoch = state.epoch + 1; epoch <= config.epochs; epoch++) {
      state.history.push(trainEpoch(epoch, run));
      state.epoch = epoch;
      if (input.checkpointDir) await saveCheckpoint(input.checkpointDir, model, optimizer, state);
    }
    const embeddings = embedWithModel(model, inputs, walk, config);
    const weights = model.exportWeights();
    weights[PRICE_STATS] = { shape: [2], data: Float32Array.of(inputs.priceStats.mean, inputs.priceStats.std) };
    return { embeddings, dim: config.dim, history: state.history, weights, vocabulary, transductive: config.idEmbedding, resumedFrom };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

/** What every epoch of a run shares. */
interface EpochContext {
  model: PinSageModel;
  optimizer: tf.AdamOptimizer;
  inputs: ItemInputs;
  walk: WalkGraph;
  samplers: RandomWalkSampler[];
  input: PinSageTrainInput;
  progress: Progress;
}

function trainEpoch(epoch: number, run: EpochContext): PinSageEpoch {
  const { model, optimizer, inputs, walk, samplers, input, progress } = run;
  const { config, graph } = input;
  const started = performance.now();
  const rng = new Rng((config.seed * 1_000_003 + epoch) >>> 0);
  const layerRngs = samplers.map(() => rng.fork());
  const order = rng.shuffle(Int32Array.from(input.train));
  const steps = Math.ceil(order.length / config.batchSize);
  progress.start(`pinsage epoch ${epoch}/${config.epochs}`, steps, 'batches');
  let lossSum = 0;
  let batches = 0;
  let pairs = 0;
  for (let step = 0; step < steps; step++) {
    const batch = makePinSageBatch(graph, walk, order, step * config.batchSize, Math.min(order.length, (step + 1) * config.batchSize), config.negatives, rng, config.pairWindow);
    if (batch.rows.head.length === 0) continue;
    const value = trainStep(model, optimizer, inputs, samplers, layerRngs, batch, config);
    if (!Number.isFinite(value)) {
      throw new GraphrecError('train/diverged', `loss became ${value} at epoch ${epoch}, batch ${step + 1}; lower learningRate (checkpoint of epoch ${epoch - 1} kept)`);
    }
    lossSum += value;
    batches++;
    pairs += batch.rows.head.length;
    progress.update(step + 1, { loss: lossSum / batches });
  }
  const seconds = (performance.now() - started) / 1000;
  const record = { epoch, trainLoss: batches > 0 ? lossSum / batches : Number.NaN, seconds, pairsPerSecond: pairs / seconds };
  progress.finish(`train loss ${record.trainLoss.toFixed(4)}, ${Math.round(record.pairsPerSecond)} pairs/s`);
  return record;
}

/**
 * One Adam step. Gradients are handed over in the model's variable order with
 * zeros for unused variables (e.g. no product in the batch has an image; the
 * score bias when `config.scoreBias` is off, which so stays zero):
 * tfjs's Adam keeps its moments by position in the gradient list, so a
 * missing entry would shift every later variable's moments.
 */
function trainStep(model: PinSageModel, optimizer: tf.AdamOptimizer, inputs: ItemInputs, samplers: RandomWalkSampler[], rngs: Rng[], batch: PinSageBatch, config: PinSageConfig): number {
  const blocks = sampleWalkBlocks(samplers, batch.targets, rngs, batch.excluded);
  const vars = model.variables;
  const objective = (): tf.Scalar => marginLoss(model.embedBlocks(inputs, blocks), config.scoreBias ? model.scoreBias(batch.targets) : null, batch.rows, config.margin);
  const { value, grads } = tf.variableGrads(objective, vars);
  const ordered = vars.map((v) => ({ name: v.name, tensor: grads[v.name] ?? tf.zerosLike(v) }));
  optimizer.applyGradients(ordered);
  const loss = value.dataSync()[0];
  tf.dispose([value, ...ordered.map((g) => g.tensor)]);
  return loss;
}

function checkInput(input: PinSageTrainInput): void {
  const { graph, features, images } = input;
  const bad = (msg: string): never => {
    throw new GraphrecError('pinsage/bad-input', msg);
  };
  const n = graph.numItems;
  if (features.titles.length !== n || features.priceCents.length !== n || features.imageRow.length !== n) bad(`features cover ${features.titles.length} products, the graph has ${n}`);
  if (images && !(images.dim > 0 && images.data.length % images.dim === 0)) bad(`images.data has ${images.data.length} values, not a whole number of rows of ${images.dim}`);
  if (n < 2) bad(`the graph has ${n} products; negatives need at least 2`);
}

function checkInformative(inputs: ItemInputs, dims: PinSageDims): void {
  if (dims.idEmbedding || (dims.imageDim > 0 && inputs.images!.row.some((r) => r >= 0))) return;
  if (inputs.titles.indices.length > 0) return;
  for (let i = 0; i < inputs.numItems; i++) if (inputs.price[2 * i + 1] === 1) return;
  throw new GraphrecError('pinsage/no-features', 'products have no titles, prices or images, so every product would get the same embedding; set idEmbedding: true (transductive) or supply metadata');
}

async function resume(dir: string | undefined, config: PinSageConfig, model: PinSageModel, optimizer: tf.AdamOptimizer): Promise<CheckpointState> {
  const settings = JSON.stringify({ ...config, epochs: 0 });
  if (!dir || !existsSync(join(dir, 'state.json'))) return { epoch: 0, history: [], config: settings };
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as CheckpointState;
  if (recordedSettings(state.config) !== settings) throw new GraphrecError('train/checkpoint-mismatch', `${dir} holds a checkpoint trained with other settings (${state.config}); use another checkpoint directory`);
  model.loadWeights(await readTensorFile(join(dir, 'last.bin')));
  const opt = Object.entries(await readTensorFile(join(dir, 'optimizer.bin'))).map(([name, { shape, data }]) => ({ name, tensor: tf.tensor(data, shape) }));
  await optimizer.setWeights(opt);
  tf.dispose(opt.map((o) => o.tensor));
  return state;
}

/** A checkpoint's recorded settings in today's form (a checkpoint older than `scoreBias` trained with the bias on). */
function recordedSettings(saved: string): string {
  const parsed = RecordedPinSageConfigSchema.safeParse(JSON.parse(saved));
  return parsed.success ? JSON.stringify({ ...parsed.data, epochs: 0 }) : saved;
}

async function saveCheckpoint(dir: string, model: PinSageModel, optimizer: tf.AdamOptimizer, state: CheckpointState): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeTensorFile(join(dir, 'last.bin'), model.exportWeights());
  const opt: NamedArrays = {};
  for (const { name, tensor } of await optimizer.getWeights()) opt[name] = { shape: tensor.shape, data: Float32Array.from(tensor.dataSync() as Float32Array) };
  await writeTensorFile(join(dir, 'optimizer.bin'), opt);
  await writeFile(join(dir, 'state.json'), JSON.stringify(state));
}
