import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import type { Csr } from '../graph/csr.ts';
import { buildWalkGraph, type WalkGraph } from '../graph/random-walk.ts';
import type { ItemFeatures, ReviewGraph } from '../graph/review-graph.ts';
import { embedAllItems } from '../models/pinsage-embed.ts';
import { buildItemInputs, type ImageMatrix, type ItemInputs, type PriceStats } from '../models/pinsage-features.ts';
import { PinSageModel, pinSageDimsOf } from '../models/pinsage.ts';
import { Rng } from '../util/rng.ts';
import type { PinSageConfig } from './pinsage-config.ts';
import { layerSamplers } from './pinsage-data.ts';
import type { NamedArrays } from './tensor-file.ts';

/** Name of the non-trainable entry holding the price standardisation `[mean, std]`. */
export const PRICE_STATS = 'proj/priceStats';

/** What {@link embedPinSage} needs besides the weights: the data, as for training. */
export interface PinSageEmbedInput {
  graph: ReviewGraph;
  /** Interactions the neighbourhoods may use (the training set the model saw, or more for a refreshed graph). */
  train: Int32Array;
  features: ItemFeatures;
  /** Required when the weights include an image projection. */
  images?: ImageMatrix;
  coPurchase?: Csr;
  /** Trained weights, including {@link PRICE_STATS}. */
  weights: NamedArrays;
  vocabulary: Vocabulary;
  /** Walk settings and seed (the run's config). */
  config: PinSageConfig;
}

/** Price statistics saved with a model. */
export function savedPriceStats(weights: NamedArrays): PriceStats {
  const s = weights[PRICE_STATS];
  if (!s || s.data.length !== 2) throw new GraphrecError('pinsage/weight-shape', `weights lack '${PRICE_STATS}' [2]`);
  return { mean: s.data[0], std: s.data[1] };
}

/**
 * Embeds every product from saved weights (inference only, DGL's `get_repr`):
 * neighbourhoods from the given interactions with the run's walk settings
 * (`inferenceWalks` walks per product, seeded by `config.seed`), then the
 * whole-catalogue pass. Needs a tfjs backend (`selectBackend`).
 *
 * @returns `[graph.numItems * dim]` unit rows, and `dim`.
 * @throws GraphrecError `pinsage/weight-shape` when the weights do not fit the data.
 * @example
 * const { embeddings } = embedPinSage({ graph, train: split.train, features, weights, vocabulary, config });
 */
export function embedPinSage(input: PinSageEmbedInput): { embeddings: Float32Array; dim: number } {
  const dims = pinSageDimsOf(input.weights);
  if (dims.numItems !== input.graph.numItems) {
    throw new GraphrecError('pinsage/weight-shape', `weights are for ${dims.numItems} products, the graph has ${input.graph.numItems}`);
  }
  const inputs = buildItemInputs(input.features, input.vocabulary, dims.imageDim > 0 ? input.images : undefined, savedPriceStats(input.weights));
  const model = new PinSageModel(dims, 0);
  try {
    model.loadWeights(input.weights);
    const walk = buildWalkGraph(input.graph, input.train, input.coPurchase);
    return { embeddings: embedWithModel(model, inputs, walk, input.config), dim: dims.dim };
  } finally {
    model.dispose();
  }
}

/** The final embeddings of a model in memory (shared by the trainer and {@link embedPinSage}). */
export function embedWithModel(model: PinSageModel, inputs: ItemInputs, walk: WalkGraph, config: PinSageConfig): Float32Array {
  const rng = new Rng((config.seed ^ 0x6a09e667) >>> 0);
  const all = Int32Array.from({ length: walk.numItems }, (_, i) => i);
  const hoods = layerSamplers(walk, config, config.inferenceWalks ?? config.walks).map((s) => s.sample(all, rng.fork()));
  return embedAllItems(model, inputs, hoods);
}
