import { GraphrecError } from '../../../../artifacts/src/errors.ts';
import type { Query, Scorer, TrainingView } from '../types.ts';
import { checkOut } from './shape.ts';

/** Why TF-IDF returns no metrics when no query has any features. */
export const NEEDS_FEATURES = 'needs query features (every query has an empty feature row)';

/** Feature id → the items containing it, with their L2-normalised weights. */
interface InvertedIndex {
  /** `[dim + 1]` */
  offsets: Int32Array;
  /** `[nnz]` item ids */
  items: Int32Array;
  /** `[nnz]` */
  weights: Float32Array;
}

/**
 * TF-IDF cosine: score[x] = cos(query.features, features row x), through an
 * inverted index built once. Rows are renormalised here, so rows that are not
 * quite unit length still give cosines; an all-zero row scores 0.
 * @param view the training view; `features` is `[numItems, dim]` CSR.
 */
export function tfidfScorer(view: TrainingView): Scorer {
  const index = invertFeatures(view.features);
  const numItems = view.features.offsets.length - 1;
  const dim = view.features.dim;
  return {
    name: 'tfidf',
    cannotScore: (queries) => (noneHasFeatures(queries) ? NEEDS_FEATURES : undefined),
    scoreBlock(queries, out) {
      checkOut('tfidf', queries, out, numItems);
      for (let q = 0; q < queries.length; q++) {
        const row = out.subarray(q * numItems, (q + 1) * numItems);
        row.fill(0);
        const { indices, weights } = queries[q].features;
        let norm = 0;
        for (let t = 0; t < indices.length; t++) {
          if (!(indices[t] >= 0 && indices[t] < dim)) {
            throw new GraphrecError('eval/bad-feature-id', `tfidf: query ${q} has feature id ${indices[t]} outside [0, ${dim})`);
          }
          norm += weights[t] * weights[t];
        }
        if (norm === 0) continue;
        const scale = 1 / Math.sqrt(norm);
        for (let t = 0; t < indices.length; t++) {
          const wq = weights[t] * scale;
          const f = indices[t];
          for (let p = index.offsets[f]; p < index.offsets[f + 1]; p++) row[index.items[p]] += wq * index.weights[p];
        }
      }
    },
  };
}

/** Transposes the item × feature CSR into feature → items, dividing each row by its norm. */
function invertFeatures(features: TrainingView['features']): InvertedIndex {
  const { offsets, indices, weights, dim } = features;
  const numItems = offsets.length - 1;
  const counts = new Int32Array(dim + 1);
  for (let p = 0; p < indices.length; p++) {
    const f = indices[p];
    if (!(f >= 0 && f < dim)) throw new GraphrecError('eval/bad-feature-id', `tfidf: item feature id ${f} is outside [0, ${dim})`);
    counts[f + 1]++;
  }
  for (let f = 0; f < dim; f++) counts[f + 1] += counts[f];
  const cursor = counts.slice(0, dim);
  const items = new Int32Array(indices.length);
  const postingWeights = new Float32Array(indices.length);
  for (let x = 0; x < numItems; x++) {
    let norm = 0;
    for (let p = offsets[x]; p < offsets[x + 1]; p++) norm += weights[p] * weights[p];
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let p = offsets[x]; p < offsets[x + 1]; p++) {
      const slot = cursor[indices[p]]++;
      items[slot] = x;
      postingWeights[slot] = weights[p] * scale;
    }
  }
  return { offsets: counts, items, weights: postingWeights };
}

function noneHasFeatures(queries: readonly Query[]): boolean {
  if (queries.length === 0) return false;
  for (const query of queries) if (query.features.indices.length > 0) return false;
  return true;
}
