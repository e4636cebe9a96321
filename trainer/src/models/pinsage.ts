import * as tf from '@tensorflow/tfjs';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { WalkBlock } from '../graph/walk-blocks.ts';
import type { NamedArrays } from '../train/tensor-file.ts';
import { linear } from './linear-op.ts';
import { imageRows, priceRows, selectRows, titleRows, type ItemInputs } from './pinsage-features.ts';
import { sparseMatMul, type SparseMatrix } from './sparse-ops.ts';

/**
 * PinSage (Ying et al. 2018, after DGL's `examples/pytorch/pinsage`) in tfjs:
 *
 *   x(v)    = price(v)·Wp + [img(v)/|img(v)|]·Wi + Σ_t tfidf(v,t)·Et + [Eid(v)] + b    (LinearProjector)
 *   n(u)    = relu(h(u)·Q + q)
 *   h'(v)   = l2norm(relu(Σ_u c(v,u) n(u) / Σ_u c(v,u) · Wn + h(v)·Ws + w))   (WeightedSAGEConv)
 *   z(v)    = l2norm(x(v) + h_L(v))                                             (get_repr + unit length)
 *
 * where u runs over v's random-walk neighbours and c(v, u) are their visit
 * counts (importance pooling). Unlike DGL the final sum is normalised, so the
 * scores the loss sees are the cosines the served index ranks by.
 */

/** Sizes and switches of a PinSage model; recoverable from its weights ({@link pinSageDimsOf}). */
export interface PinSageDims {
  numItems: number;
  /** Title vocabulary size; 0 drops the title term. */
  vocab: number;
  /** Image vector length; 0 drops the image term. */
  imageDim: number;
  /** Width of the projector, every layer and the output. */
  dim: number;
  layers: number;
  /** Learnable per-product embedding: transductive (products unseen in training cannot be embedded faithfully). */
  idEmbedding: boolean;
}

const PRICE_INPUTS = 2;

/** The per-layer weight names, so export, load and checks agree. */
const layerNames = (l: number) => ({ q: `sage/${l}/q`, qBias: `sage/${l}/qBias`, wSelf: `sage/${l}/wSelf`, wNeigh: `sage/${l}/wNeigh`, wBias: `sage/${l}/wBias` });

/** The model's trainable tensors, by name; see {@link PinSageModel}. */
export class PinSageModel {
  readonly dims: PinSageDims;
  private readonly vars = new Map<string, tf.Variable>();

  /**
   * Initialises weights from `seed`: Glorot uniform for square maps and the
   * price map, N(0, 1/dim) for maps of unit-length inputs (titles, images,
   * one-hot ids) so every input term starts at a similar scale, zeros for biases.
   */
  constructor(dims: PinSageDims, seed: number) {
    this.dims = dims;
    const d = dims.dim;
    let s = seed;
    const glorot = (rows: number, cols: number): tf.Tensor => tf.randomUniform([rows, cols], -Math.sqrt(6 / (rows + cols)), Math.sqrt(6 / (rows + cols)), 'float32', s++);
    const unitInput = (rows: number): tf.Tensor => tf.randomNormal([rows, d], 0, 1 / Math.sqrt(d), 'float32', s++);
    const add = (name: string, init: tf.Tensor): void => {
      this.vars.set(name, tf.variable(init, true));
      init.dispose();
    };
    if (dims.vocab > 0) add('proj/title', unitInput(dims.vocab));
    add('proj/price', glorot(PRICE_INPUTS, d));
    if (dims.imageDim > 0) add('proj/image', unitInput(dims.imageDim));
    if (dims.idEmbedding) add('proj/id', unitInput(dims.numItems));
    add('proj/bias', tf.zeros([1, d]));
    for (let l = 0; l < dims.layers; l++) {
      const n = layerNames(l);
      add(n.q, glorot(d, d));
      add(n.qBias, tf.zeros([1, d]));
      add(n.wSelf, glorot(d, d));
      add(n.wNeigh, glorot(d, d));
      add(n.wBias, tf.zeros([1, d]));
    }
    add('score/bias', tf.zeros([dims.numItems, 1]));
  }

  /** Trainable variables in a fixed order (Adam's saved moments are matched by position). */
  get variables(): tf.Variable[] {
    return [...this.vars.values()];
  }

  private v(name: string): tf.Tensor2D {
    const found = this.vars.get(name);
    if (!found) throw new GraphrecError('pinsage/no-weight', `model has no weight '${name}'`);
    return found as tf.Tensor2D;
  }

  /**
   * Input projection of `nodes`, `[nodes.length, dim]`: every present
   * feature projected to `dim` and summed (DGL's `LinearProjector`).
   * @throws GraphrecError `pinsage/no-images` when the model has an image term but `inputs` has no images.
   */
  project(inputs: ItemInputs, nodes: Int32Array): tf.Tensor2D {
    const { dims } = this;
    const n = nodes.length;
    const terms: tf.Tensor2D[] = [linear(tf.tensor2d(priceRows(inputs, nodes), [n, PRICE_INPUTS]), this.v('proj/price'))];
    if (dims.vocab > 0) terms.push(sparseMatMul(titleRows(inputs.titles, nodes), this.v('proj/title')));
    if (dims.imageDim > 0) {
      const img = imageRows(inputs, nodes);
      if (!img) throw new GraphrecError('pinsage/no-images', 'the model was trained with image features; pass the same image matrix');
      if (img.k > 0) terms.push(sparseMatMul(img.place, linear(tf.tensor2d(img.data, [img.k, dims.imageDim]), this.v('proj/image'))));
    }
    if (dims.idEmbedding) terms.push(sparseMatMul(selectRows(nodes, dims.numItems), this.v('proj/id')));
    return tf.add(terms.length === 1 ? terms[0] : tf.addN(terms), this.v('proj/bias')) as tf.Tensor2D;
  }

  /**
   * Layer `l` (DGL's `WeightedSAGEConv`): `[block.dstCount, dim]` from `h`
   * `[block.src.length, dim]`, pooling neighbours by visit-count-weighted mean.
   */
  conv(l: number, h: tf.Tensor2D, block: WalkBlock): tf.Tensor2D {
    const n = layerNames(l);
    const d = this.dims.dim;
    const messages = tf.relu(tf.add(linear(h, this.v(n.q)), this.v(n.qBias))) as tf.Tensor2D;
    const pooled = sparseMatMul(importancePooling(block, h.shape[0]), messages);
    const self = block.dstCount === h.shape[0] ? h : tf.slice(h, [0, 0], [block.dstCount, d]);
    const z = tf.relu(tf.add(tf.add(linear(pooled, this.v(n.wNeigh)), linear(self, this.v(n.wSelf))), this.v(n.wBias))) as tf.Tensor2D;
    return l2Normalise(z);
  }

  /**
   * Unit embeddings of the last block's dst nodes, `[dstCount, dim]` (DGL's
   * `get_repr`): the projection of each target plus the layers' output, normalised.
   * @param blocks input side first, as `sampleWalkBlocks` returns them.
   */
  embedBlocks(inputs: ItemInputs, blocks: readonly WalkBlock[]): tf.Tensor2D {
    if (blocks.length !== this.dims.layers) throw new GraphrecError('pinsage/blocks', `got ${blocks.length} blocks for a ${this.dims.layers}-layer model`);
    const x = this.project(inputs, blocks[0].src);
    let h = x;
    for (let l = 0; l < blocks.length; l++) h = this.conv(l, h, blocks[l]);
    const targets = blocks[blocks.length - 1].dstCount;
    return l2Normalise(tf.add(tf.slice(x, [0, 0], [targets, this.dims.dim]), h) as tf.Tensor2D);
  }

  /**
   * Per-product score biases of `nodes`, `[nodes.length]`: used by the loss only
   * (`scoreBias` on), never by the served embeddings. The weight exists either way
   * (zero when unused) so every run's weights have one layout.
   */
  scoreBias(nodes: Int32Array): tf.Tensor1D {
    return tf.reshape(sparseMatMul(selectRows(nodes, this.dims.numItems), this.v('score/bias')), [nodes.length]);
  }

  /** The weights as named arrays (checkpoints, export). */
  exportWeights(): NamedArrays {
    const out: NamedArrays = {};
    for (const [name, v] of this.vars) out[name] = { shape: [...v.shape], data: Float32Array.from(v.dataSync() as Float32Array) };
    return out;
  }

  /**
   * Loads weights saved by {@link exportWeights}; other entries are ignored.
   * @throws GraphrecError `pinsage/weight-shape` when a weight is missing or has another shape.
   */
  loadWeights(weights: NamedArrays): void {
    for (const [name, v] of this.vars) {
      const w = weights[name];
      if (!w || w.shape.join('x') !== v.shape.join('x')) {
        throw new GraphrecError('pinsage/weight-shape', `weight '${name}' should be [${v.shape.join(', ')}], got ${w ? `[${w.shape.join(', ')}]` : 'nothing'}`);
      }
      v.assign(tf.tensor(w.data, w.shape));
    }
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
  }
}

/** The block's pooling matrix `[dstCount, srcCount]`: each row's visit counts scaled to sum 1 (empty rows stay zero). */
export function importancePooling(block: WalkBlock, srcCount: number): SparseMatrix {
  const weight = new Float32Array(block.count.length);
  for (let i = 0; i < block.dstCount; i++) {
    let total = 0;
    for (let k = block.offsets[i]; k < block.offsets[i + 1]; k++) total += block.count[k];
    for (let k = block.offsets[i]; k < block.offsets[i + 1]; k++) weight[k] = block.count[k] / total;
  }
  return { rows: block.dstCount, cols: srcCount, offsets: block.offsets, index: block.neighbor, weight };
}

/** Rows scaled to unit length; sqrt(Σh² + ε) keeps the gradient finite at h = 0 (see GraphSAGE). */
export function l2Normalise(h: tf.Tensor2D): tf.Tensor2D {
  return tf.div(h, tf.sqrt(tf.add(tf.sum(tf.square(h), 1, true), 1e-12))) as tf.Tensor2D;
}

/** A batch's scored pairs as rows of the embedded targets: `neg` holds `negatives` rows per head, head-major. */
export interface PairRows {
  head: Int32Array;
  tail: Int32Array;
  neg: Int32Array;
  negatives: number;
}

/**
 * Max-margin loss of dot-product scores (DGL's `ItemToItemScorer` + hinge):
 * mean of `max(0, s(h, n) − s(h, t) + margin)` with `s(a, b) = z_a·z_b`, or
 * `z_a·z_b + bias_b` when `bias` is given (the head's bias cancels).
 * @param z `[targets, dim]` embeddings; @param bias `[targets]`, or null for scores by the embeddings alone (as served).
 */
export function marginLoss(z: tf.Tensor2D, bias: tf.Tensor1D | null, rows: PairRows, margin: number): tf.Scalar {
  const targets = z.shape[0];
  const headRep = new Int32Array(rows.neg.length);
  for (let k = 0; k < headRep.length; k++) headRep[k] = rows.head[Math.floor(k / rows.negatives)];
  const biasColumn = bias ? (tf.reshape(bias, [targets, 1]) as tf.Tensor2D) : null;
  // Row selection as a sparse product rather than tf.gather: the cpu backend's gather gradient
  // (UnsortedSegmentSum) loops over segments with whole-tensor ops, seconds per batch.
  const pick = (m: tf.Tensor2D, idx: Int32Array): tf.Tensor2D => sparseMatMul(selectRows(idx, targets), m);
  const score = (a: Int32Array, b: Int32Array): tf.Tensor1D => {
    const dot = tf.sum(tf.mul(pick(z, a), pick(z, b)), 1) as tf.Tensor1D;
    return biasColumn ? (tf.add(dot, tf.reshape(pick(biasColumn, b), [-1])) as tf.Tensor1D) : dot;
  };
  const pos = tf.reshape(tf.tile(tf.reshape(score(rows.head, rows.tail), [-1, 1]), [1, rows.negatives]), [-1]);
  const neg = score(headRep, rows.neg);
  return tf.mean(tf.relu(tf.add(tf.sub(neg, pos), margin))) as tf.Scalar;
}

/**
 * The dims a set of saved weights implies.
 * @throws GraphrecError `pinsage/weight-shape` when the core weights are missing.
 */
export function pinSageDimsOf(weights: NamedArrays): PinSageDims {
  const price = weights['proj/price'];
  const bias = weights['score/bias'];
  if (!price || !bias) throw new GraphrecError('pinsage/weight-shape', 'weights lack proj/price or score/bias: not a PinSage model');
  let layers = 0;
  while (weights[layerNames(layers).q]) layers++;
  return {
    numItems: bias.shape[0],
    vocab: weights['proj/title']?.shape[0] ?? 0,
    imageDim: weights['proj/image']?.shape[0] ?? 0,
    dim: price.shape[1],
    layers,
    idEmbedding: weights['proj/id'] !== undefined,
  };
}
