import type { FeatureRows } from '../../../artifacts/src/forward/graphsage.ts';
import type { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import { FloatBuffer, IntBuffer } from '../util/int-buffer.ts';

/** Node feature rows as CSR, plus the feature-space size. */
export interface NodeFeatures extends FeatureRows {
  dim: number;
}

/** TF-IDF rows of product titles under a fitted vocabulary (the same transform the edge runs). */
export function titleFeatures(titles: readonly string[], vocabulary: Vocabulary): NodeFeatures {
  const offsets = new Int32Array(titles.length + 1);
  const indices = new IntBuffer(titles.length * 8);
  const weights = new FloatBuffer(titles.length * 8);
  for (let v = 0; v < titles.length; v++) {
    const row = vocabulary.transform(titles[v]);
    for (let k = 0; k < row.indices.length; k++) {
      indices.push(row.indices[k]);
      weights.push(row.weights[k]);
    }
    offsets[v + 1] = indices.length;
  }
  return { offsets, indices: indices.toArray(), weights: Float32Array.from(weights.toArray()), dim: vocabulary.size };
}

/** L2-normalised rows of a sparse matrix (e.g. Cora's binary bag of words). */
export function normalisedRows(indptr: Int32Array, indices: Int32Array, data: Float32Array, dim: number): NodeFeatures {
  const weights = new Float32Array(data.length);
  for (let r = 0; r + 1 < indptr.length; r++) {
    let norm = 0;
    for (let k = indptr[r]; k < indptr[r + 1]; k++) norm += data[k] * data[k];
    norm = Math.sqrt(norm) || 1;
    for (let k = indptr[r]; k < indptr[r + 1]; k++) weights[k] = data[k] / norm;
  }
  return { offsets: Int32Array.from(indptr), indices: Int32Array.from(indices), weights, dim };
}

/** One node's row as views. */
export function featureRow(f: FeatureRows, v: number): { indices: Int32Array; weights: Float32Array } {
  const s = f.offsets[v];
  const e = f.offsets[v + 1];
  return { indices: f.indices.subarray(s, e), weights: f.weights.subarray(s, e) };
}
