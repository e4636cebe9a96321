import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { embeddingScorer } from './embedding-scorer.ts';
import type { Query, Scorer } from './types.ts';

/** How an embedding method turns a user into a query vector. */
export type UserQueryMode = 'latest-item' | 'mean-history';

/** Item embeddings lined up with a ReviewGraph's item ids. */
export interface AlignedEmbeddings {
  /** `[targetIds.length, dim]` row-major; zero rows for items the source lacks. */
  matrix: Float32Array;
  dim: number;
  /** Target items the source had no row for. */
  missing: number;
  /** The first few missing ids, for the report. */
  missingExamples: string[];
}

/**
 * Reorders an embedding matrix keyed by its own ids (e.g. GraphSAGE rows keyed
 * by ASIN) into the order of `targetIds` (e.g. `ReviewGraph.asins`). Items the
 * source lacks get a zero vector, so they score 0 against every query (and a
 * zero query scores everything 0); `missing` says how many.
 * @param source `matrix` is `[ids.length, dim]` row-major.
 * @param targetIds the ids the rows must follow.
 * @throws GraphrecError `eval/dim-mismatch` when `matrix` is not `[ids.length, dim]`.
 * @example
 * const aligned = alignEmbeddings({ ids: data.ids, matrix: emb.z, dim: 64 }, graph.asins);
 */
export function alignEmbeddings(source: { ids: readonly string[]; matrix: Float32Array; dim: number }, targetIds: readonly string[]): AlignedEmbeddings {
  const { ids, matrix, dim } = source;
  checkShape('source', matrix, ids.length, dim);
  const rowOf = new Map<string, number>();
  ids.forEach((id, row) => {
    if (!rowOf.has(id)) rowOf.set(id, row);
  });
  const out = new Float32Array(targetIds.length * dim);
  const missingExamples: string[] = [];
  let missing = 0;
  targetIds.forEach((id, i) => {
    const row = rowOf.get(id);
    if (row === undefined) {
      missing++;
      if (missingExamples.length < 5) missingExamples.push(id);
      return;
    }
    out.set(matrix.subarray(row * dim, (row + 1) * dim), i * dim);
  });
  return { matrix: out, dim, missing, missingExamples };
}

/**
 * Scores items by cosine with a user's query vector, the way the edge ranks
 * neighbours of an item: `'latest-item'` uses the embedding of the user's
 * latest training item that has one (a non-zero row); `'mean-history'` the
 * mean of the history's non-zero rows. A user with no embedded item scores
 * every item 0, so the engine's random tie-break ranks them.
 * @param name method name, e.g. `'pinsage'`; the scorer is named `'<name>/<mode>'`.
 * @param items `[numItems, dim]` row-major item embeddings (L2-normalised for cosine).
 * @throws GraphrecError `eval/dim-mismatch` when `items.length` is not a multiple of `dim`.
 */
export function userEmbeddingScorer(name: string, items: Float32Array, dim: number, mode: UserQueryMode): Scorer {
  if (!(Number.isInteger(dim) && dim > 0) || items.length % dim !== 0) {
    throw new GraphrecError('eval/dim-mismatch', `${name}: ${items.length} values are not rows of dim ${dim}`);
  }
  const numItems = items.length / dim;
  const present = new Uint8Array(numItems);
  for (let i = 0; i < numItems; i++) {
    for (let d = 0; d < dim; d++) {
      if (items[i * dim + d] !== 0) {
        present[i] = 1;
        break;
      }
    }
  }
  const vector = (q: Query): Float32Array => {
    const history = q.knownNeighbors.length > 0 ? q.knownNeighbors : Int32Array.of(q.node);
    const v = new Float32Array(dim);
    if (mode === 'latest-item') {
      for (let k = history.length - 1; k >= 0; k--) {
        if (present[history[k]] !== 1) continue;
        v.set(items.subarray(history[k] * dim, (history[k] + 1) * dim));
        break;
      }
      return v;
    }
    for (let k = 0; k < history.length; k++) {
      const h = history[k];
      if (present[h] !== 1) continue;
      for (let d = 0; d < dim; d++) v[d] += items[h * dim + d];
    }
    return normalised(v);
  };
  return embeddingScorer(`${name}/${mode}`, items, dim, vector);
}

/** The vector scaled to unit length (ranking is unchanged; scores stay cosines). */
function normalised(v: Float32Array): Float32Array {
  let sq = 0;
  for (let d = 0; d < v.length; d++) sq += v[d] * v[d];
  if (sq === 0) return v;
  const s = 1 / Math.sqrt(sq);
  for (let d = 0; d < v.length; d++) v[d] *= s;
  return v;
}

/**
 * Checks that `matrix` is `[rows, dim]`.
 * @throws GraphrecError `eval/dim-mismatch` naming the argument and both sizes.
 */
export function checkShape(what: string, matrix: Float32Array, rows: number, dim: number): void {
  if (!(Number.isInteger(dim) && dim > 0) || matrix.length !== rows * dim) {
    throw new GraphrecError('eval/dim-mismatch', `${what}: matrix has ${matrix.length} values, expected ${rows} rows × dim ${dim}`);
  }
}
