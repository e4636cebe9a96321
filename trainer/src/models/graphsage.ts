import * as tf from '@tensorflow/tfjs';
import type { GraphSageDims, GraphSageWeights } from '../../../artifacts/src/forward/graphsage.ts';
import type { Block } from '../graph/neighbor-sampler.ts';
import type { NodeFeatures } from './feature-rows.ts';
import { linear } from './linear-op.ts';
import { sparseMatMul } from './sparse-ops.ts';

/**
 * GraphSAGE (2 mean-aggregator layers, no biases) in tfjs for training on
 * sampled blocks. Its forward is the training-time twin of
 * `artifacts/src/forward/graphsage.ts` (same formulas, sampled means);
 * `exportWeights()` hands that pass the trained matrices.
 */
export class GraphSageModel {
  readonly dims: GraphSageDims;
  readonly embedding: tf.Variable;
  readonly w1Self: tf.Variable;
  readonly w1Neigh: tf.Variable;
  readonly w2Self: tf.Variable;
  readonly w2Neigh: tf.Variable;

  /** Initialises weights from `seed` (Glorot uniform; embedding rows N(0, 1/input)). */
  constructor(dims: GraphSageDims, seed: number) {
    this.dims = dims;
    const glorot = (rows: number, cols: number, s: number): tf.Variable => {
      const limit = Math.sqrt(6 / (rows + cols));
      return tf.variable(tf.randomUniform([rows, cols], -limit, limit, 'float32', s), true);
    };
    this.embedding = tf.variable(tf.randomNormal([dims.vocab, dims.input], 0, 1 / Math.sqrt(dims.input), 'float32', seed), true);
    this.w1Self = glorot(dims.input, dims.hidden, seed + 1);
    this.w1Neigh = glorot(dims.input, dims.hidden, seed + 2);
    this.w2Self = glorot(dims.hidden, dims.output, seed + 3);
    this.w2Neigh = glorot(dims.hidden, dims.output, seed + 4);
  }

  get variables(): tf.Variable[] {
    return [this.embedding, this.w1Self, this.w1Neigh, this.w2Self, this.w2Neigh];
  }

  /** Title encoder for `nodes`: a weighted embedding bag, `[nodes.length, input]`; never a dense vocabulary-wide row. */
  encode(features: NodeFeatures, nodes: Int32Array): tf.Tensor2D {
    const offsets = new Int32Array(nodes.length + 1);
    for (let i = 0; i < nodes.length; i++) offsets[i + 1] = offsets[i] + features.offsets[nodes[i] + 1] - features.offsets[nodes[i]];
    const index = new Int32Array(offsets[nodes.length]);
    const weight = new Float32Array(offsets[nodes.length]);
    for (let i = 0; i < nodes.length; i++) {
      const from = features.offsets[nodes[i]];
      const to = features.offsets[nodes[i] + 1];
      index.set(features.indices.subarray(from, to), offsets[i]);
      weight.set(features.weights.subarray(from, to), offsets[i]);
    }
    return sparseMatMul({ rows: nodes.length, cols: this.dims.vocab, offsets, index, weight }, this.embedding as tf.Tensor2D);
  }

  /** Sampled-mean aggregation: `[block.dstCount, dim]` from `h` `[block.src.length, dim]`. */
  private aggregate(h: tf.Tensor2D, block: Block): tf.Tensor2D {
    const offsets = Int32Array.from({ length: block.dstCount + 1 }, (_, i) => i * block.fanout);
    return sparseMatMul({ rows: block.dstCount, cols: block.src.length, offsets, index: block.neighbor, weight: block.weight }, h);
  }

  /** L2-normalised embeddings of the last block's dst nodes, `[dstCount, output]`. */
  embedBlocks(features: NodeFeatures, blocks: readonly Block[]): tf.Tensor2D {
    const [b0, b1] = blocks;
    const x = this.encode(features, b0.src);
    const xSelf = tf.slice(x, [0, 0], [b0.dstCount, this.dims.input]);
    const h1 = tf.relu(tf.add(linear(xSelf, this.w1Self as tf.Tensor2D), linear(this.aggregate(x, b0), this.w1Neigh as tf.Tensor2D))) as tf.Tensor2D;
    const h1Self = tf.slice(h1, [0, 0], [b1.dstCount, this.dims.hidden]);
    const h2 = tf.add(linear(h1Self, this.w2Self as tf.Tensor2D), linear(this.aggregate(h1, b1), this.w2Neigh as tf.Tensor2D));
    // sqrt(Σh² + ε) rather than max(|h|, ε): the gradient of |h| at h = 0 is 0/0, and NaN × 0 is still NaN.
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(h2), 1, true), 1e-12));
    return tf.div(h2, norm) as tf.Tensor2D;
  }

  /** The trained weights as plain arrays, for the shared forward pass and export. */
  exportWeights(): GraphSageWeights {
    const data = (v: tf.Variable): Float32Array => Float32Array.from(v.dataSync() as Float32Array);
    return {
      dims: { ...this.dims },
      embedding: data(this.embedding),
      w1Self: data(this.w1Self),
      w1Neigh: data(this.w1Neigh),
      w2Self: data(this.w2Self),
      w2Neigh: data(this.w2Neigh),
    };
  }

  /** Loads weights saved by {@link exportWeights} (checkpoint resume). */
  loadWeights(w: GraphSageWeights): void {
    this.embedding.assign(tf.tensor2d(w.embedding, [this.dims.vocab, this.dims.input]));
    this.w1Self.assign(tf.tensor2d(w.w1Self, [this.dims.input, this.dims.hidden]));
    this.w1Neigh.assign(tf.tensor2d(w.w1Neigh, [this.dims.input, this.dims.hidden]));
    this.w2Self.assign(tf.tensor2d(w.w2Self, [this.dims.hidden, this.dims.output]));
    this.w2Neigh.assign(tf.tensor2d(w.w2Neigh, [this.dims.hidden, this.dims.output]));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/**
 * Binary cross-entropy of scaled dot-product edge scores: positives `(u_i, v_i)`
 * against negatives `(u_i, n_ij)`; inputs are row indices into `z`.
 */
export function edgeLoss(z: tf.Tensor2D, pos: { src: Int32Array; dst: Int32Array }, neg: { src: Int32Array; dst: Int32Array }, scale: number): tf.Scalar {
  const score = (e: { src: Int32Array; dst: Int32Array }): tf.Tensor1D =>
    tf.mul(tf.sum(tf.mul(tf.gather(z, tf.tensor1d(e.src, 'int32')), tf.gather(z, tf.tensor1d(e.dst, 'int32'))), 1), scale) as tf.Tensor1D;
  const posLoss = tf.softplus(tf.neg(score(pos)));
  const negLoss = tf.softplus(score(neg));
  return tf.add(tf.mean(posLoss), tf.mean(negLoss)) as tf.Scalar;
}
