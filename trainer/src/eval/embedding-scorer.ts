import * as tf from '@tensorflow/tfjs';
import type { Query, Scorer } from './types.ts';

/**
 * Scores items by the dot product of L2-normalised embeddings (cosine), the
 * way the edge ranks them. Query vectors come from `queryVector` (an item's
 * own row, or a new product's inductive embedding); a block is one tfjs
 * `matMul` of `[block, dim] × [dim, numItems]`.
 *
 * @param items `[numItems, dim]` row-major item embeddings.
 */
export function embeddingScorer(name: string, items: Float32Array, dim: number, queryVector: (q: Query) => Float32Array): Scorer {
  const numItems = items.length / dim;
  const itemMatrix = tf.tensor2d(items, [numItems, dim]);
  return {
    name,
    scoreBlock(queries: readonly Query[], out: Float32Array): void {
      const q = new Float32Array(queries.length * dim);
      queries.forEach((query, i) => q.set(queryVector(query), i * dim));
      const scores = tf.tidy(() => tf.matMul(tf.tensor2d(q, [queries.length, dim]), itemMatrix, false, true));
      out.set(scores.dataSync() as Float32Array);
      scores.dispose();
    },
  };
}

/** `items[row]` as a view. */
export function rowOf(items: Float32Array, dim: number, row: number): Float32Array {
  return items.subarray(row * dim, (row + 1) * dim);
}
