import { GraphrecError } from '../../../../artifacts/src/errors.ts';
import type { Csr } from '../../graph/csr.ts';
import type { Query, Scorer, TrainingView } from '../types.ts';
import { checkOut } from './shape.ts';

/** Why a neighbourhood method returns no metrics when no query reveals any neighbour. */
export const NEEDS_NEIGHBOURS = 'needs known neighbours (cannot score a title-only cold-start product)';

/**
 * Common neighbours: score[x] = |K ∩ N(x)|, K = `query.knownNeighbors`.
 * A query with no known neighbours scores 0 everywhere, so its ranks come from
 * the engine's random tie-break; when no query has any, `cannotScore` says so.
 * @param view the training view; scores are `[numItems = graph.numNodes]` per query.
 */
export function commonNeighborsScorer(view: TrainingView): Scorer {
  const weights = new Float32Array(view.graph.numNodes).fill(1);
  return neighbourhoodScorer('common-neighbours', view.graph, weights, null);
}

/**
 * Adamic-Adar: score[x] = Σ_{w ∈ K ∩ N(x)} 1 / ln(max(deg(w), 2)); the floor at 2
 * keeps a degree-1 revealed neighbour finite in cold start. Queries with no known
 * neighbours score 0 everywhere (see {@link commonNeighborsScorer}).
 * @param view the training view.
 */
export function adamicAdarScorer(view: TrainingView): Scorer {
  const { graph } = view;
  const weights = new Float32Array(graph.numNodes);
  for (let w = 0; w < graph.numNodes; w++) weights[w] = 1 / Math.log(Math.max(graph.offsets[w + 1] - graph.offsets[w], 2));
  return neighbourhoodScorer('adamic-adar', graph, weights, null);
}

/**
 * ItemKNN, cosine on co-occurrence: the query is the indicator vector of K, so
 * score[x] = |K ∩ N(x)| / sqrt(|K| · deg(x)), 0 when deg(x) = 0. Queries with no
 * known neighbours score 0 everywhere (see {@link commonNeighborsScorer}).
 * @param view the training view.
 */
export function itemKnnScorer(view: TrainingView): Scorer {
  const { graph } = view;
  const invSqrtDegree = new Float32Array(graph.numNodes);
  for (let x = 0; x < graph.numNodes; x++) {
    const d = graph.offsets[x + 1] - graph.offsets[x];
    invSqrtDegree[x] = d > 0 ? 1 / Math.sqrt(d) : 0;
  }
  const weights = new Float32Array(graph.numNodes).fill(1);
  return neighbourhoodScorer('itemknn', graph, weights, invSqrtDegree);
}

/**
 * Walks K's neighbourhoods: for each distinct w ∈ K and x ∈ N(w), score[x] += weights[w];
 * then, when `columnScale` is given, score[x] *= columnScale[x] / sqrt(|K|).
 */
function neighbourhoodScorer(name: string, graph: Csr, weights: Float32Array, columnScale: Float32Array | null): Scorer {
  const numItems = graph.numNodes;
  const { offsets, targets } = graph;
  const seen = new Uint8Array(numItems);
  return {
    name,
    cannotScore: (queries) => (noneHasNeighbours(queries) ? NEEDS_NEIGHBOURS : undefined),
    scoreBlock(queries, out) {
      checkOut(name, queries, out, numItems);
      for (let q = 0; q < queries.length; q++) {
        const row = out.subarray(q * numItems, (q + 1) * numItems);
        row.fill(0);
        const known = queries[q].knownNeighbors;
        checkKnown(name, known, numItems);
        let distinct = 0;
        for (let i = 0; i < known.length; i++) {
          const w = known[i];
          if (seen[w] === 1) continue;
          seen[w] = 1;
          distinct++;
          const weight = weights[w];
          for (let p = offsets[w]; p < offsets[w + 1]; p++) row[targets[p]] += weight;
        }
        for (let i = 0; i < known.length; i++) seen[known[i]] = 0;
        if (columnScale && distinct > 0) {
          const norm = 1 / Math.sqrt(distinct);
          for (let x = 0; x < numItems; x++) row[x] *= columnScale[x] * norm;
        }
      }
    },
  };
}

function checkKnown(name: string, known: Int32Array, numItems: number): void {
  for (let i = 0; i < known.length; i++) {
    const w = known[i];
    if (!(w >= 0 && w < numItems)) {
      throw new GraphrecError('eval/bad-node-id', `${name}: known neighbour ${w} is outside [0, ${numItems})`);
    }
  }
}

function noneHasNeighbours(queries: readonly Query[]): boolean {
  if (queries.length === 0) return false;
  for (const query of queries) if (query.knownNeighbors.length > 0) return false;
  return true;
}
