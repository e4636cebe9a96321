import * as tf from '@tensorflow/tfjs';

/**
 * A fixed sparse matrix `S` `[rows, cols]` in CSR form: row `i` has entries
 * `(index[k], weight[k])` for `k` in `offsets[i] .. offsets[i + 1]`.
 */
export interface SparseMatrix {
  rows: number;
  cols: number;
  offsets: Int32Array;
  index: Int32Array;
  weight: Float32Array;
}

function multiply(s: SparseMatrix, values: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(s.rows * dim);
  for (let i = 0; i < s.rows; i++) {
    const o = i * dim;
    for (let k = s.offsets[i]; k < s.offsets[i + 1]; k++) {
      const w = s.weight[k];
      const base = s.index[k] * dim;
      for (let c = 0; c < dim; c++) out[o + c] += w * values[base + c];
    }
  }
  return out;
}

function multiplyTransposed(s: SparseMatrix, dy: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(s.cols * dim);
  for (let i = 0; i < s.rows; i++) {
    const o = i * dim;
    for (let k = s.offsets[i]; k < s.offsets[i + 1]; k++) {
      const w = s.weight[k];
      const base = s.index[k] * dim;
      for (let c = 0; c < dim; c++) out[base + c] += w * dy[o + c];
    }
  }
  return out;
}

/**
 * `S · values` with its gradient `Sᵀ · dy`, as one op computed in JS.
 *
 * Why not `gather` + `unsortedSegmentSum`: on the wasm backend their gradients
 * run through broadcasting `logicalAnd`/`select` and a slow generic gather, and
 * a profile of one GraphSAGE step spent over 80% of its time there. This op
 * does the same arithmetic in two tight loops, on every backend alike, and
 * serves both the embedding bag (S = feature weights) and neighbour means
 * (S = sampled mean weights).
 *
 * @param values `[s.cols, dim]`
 * @returns `[s.rows, dim]`
 */
export function sparseMatMul(s: SparseMatrix, values: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    const dim = x.shape[1] as number;
    const value = tf.tensor2d(multiply(s, x.dataSync() as Float32Array, dim), [s.rows, dim]);
    return {
      value,
      gradFunc: (dy: tf.Tensor) => tf.tensor2d(multiplyTransposed(s, dy.dataSync() as Float32Array, dim), [s.cols, dim]),
    };
  });
  return op(values) as tf.Tensor2D;
}
