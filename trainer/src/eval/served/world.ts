import * as tf from '@tensorflow/tfjs';
import type { GraphEmbeddings, GraphSageWeights, NeighborState } from '../../../../artifacts/src/forward/graphsage.ts';
import { decodeNeighborState, encodeNeighborState } from '../../../../artifacts/src/forward/weights-codec.ts';
import { capNeighbours, type GraphList, type Proposal } from '../../../../artifacts/src/ranker/rank.ts';
import { quantizeRows, unitFromCodes } from '../../../../artifacts/src/vectors/maxabs.ts';
import { degree, neighbors, type Csr } from '../../graph/csr.ts';
import { selectTop } from '../rank-pass.ts';

/**
 * What the served ranker sees of one graph and its embeddings, built the way
 * export builds it: unit vectors decoded from the int16 codes the edge serves,
 * each item's co-purchase list capped as export caps it, neighbour states
 * through their int8 catalogue encoding, and the popular list. The evaluator
 * ranks `served` rows from this, so its figures are those of the artifacts.
 */
export interface ServedWorld {
  numItems: number;
  dim: number;
  /** `[numItems × dim]` unit vectors of the served int16 codes. */
  units: Float32Array;
  lists: GraphList[];
  /** Items that may be served (training products in cold start); all when absent. */
  allowed?: Uint8Array;
  popular: Proposal[];
  degrees: Int32Array;
  maxDegree: number;
  /** A known product's neighbour state as the catalogue stores it (int8), for a new product's forward pass. */
  state(node: number): NeighborState;
  /** `[numItems × dim]` as a tensor, for block cosine searches. */
  matrix: tf.Tensor2D;
  dispose(): void;
}

/**
 * @param neighbourCap longest list kept per item (`RankerSettings.candidates.neighbours`).
 * @param popularCount popular items proposed per query.
 */
export function servedWorld(graph: Csr, emb: GraphEmbeddings, weights: GraphSageWeights, ids: readonly string[], options: { neighbourCap: number; popularCount: number; allowed?: Uint8Array }): ServedWorld {
  const n = graph.numNodes;
  const dim = weights.dims.output;
  const hidden = weights.dims.hidden;
  const codes = quantizeRows(emb.z, dim, 16).codes as Int16Array;
  const units = new Float32Array(n * dim);
  for (let v = 0; v < n; v++) units.set(unitFromCodes(codes.subarray(v * dim, (v + 1) * dim)), v * dim);
  const degrees = Int32Array.from({ length: n }, (_, v) => degree(graph, v));
  const maxDegree = degrees.reduce((m, d) => Math.max(m, d), 0);
  const idOf = (k: number): string => ids[k];
  const degreeOf = (k: number): number => degrees[k];
  const lists: GraphList[] = Array.from({ length: n }, (_, v) => {
    const keys = capNeighbours(neighbors(graph, v), options.neighbourCap, degreeOf, idOf);
    return { degree: degrees[v], keys, degrees: keys.map(degreeOf) };
  });
  const { allowed } = options;
  const popular = Array.from({ length: n }, (_, k) => k)
    .filter((k) => !allowed || allowed[k] === 1)
    .sort((a, b) => degrees[b] - degrees[a] || a - b)
    .slice(0, options.popularCount)
    .map((key) => ({ key, degree: degrees[key] }));
  const states = new Map<number, NeighborState>();
  const matrix = tf.tensor2d(units, [n, dim]);
  return {
    numItems: n,
    dim,
    units,
    lists,
    allowed,
    popular,
    degrees,
    maxDegree,
    matrix,
    state(node) {
      let s = states.get(node);
      if (!s) {
        s = decodeNeighborState(encodeNeighborState(emb.p.subarray(node * hidden, (node + 1) * hidden), emb.h1.subarray(node * hidden, (node + 1) * hidden)), hidden);
        states.set(node, s);
      }
      return s;
    },
    dispose: () => matrix.dispose(),
  };
}

/**
 * The `count` nearest allowed items of each query vector by cosine (the query's own node excluded):
 * what the edge's embedding search proposes (exact here; the edge's IVF search reaches recall@10 ≥ 0.98 of it).
 * @param vectors `[queries × dim]` unit query vectors.
 * @param selfNodes the node each query stands for, or -1.
 */
export function nearestByCosine(world: ServedWorld, vectors: Float32Array, selfNodes: readonly number[], count: number): Proposal[][] {
  const { numItems: n, dim } = world;
  const b = selfNodes.length;
  if (count === 0 || b === 0) return selfNodes.map(() => []);
  const scores = tf.tidy(() => tf.matMul(tf.tensor2d(vectors, [b, dim]), world.matrix, false, true));
  const all = scores.dataSync() as Float32Array;
  scores.dispose();
  const blocked = new Uint8Array(n);
  if (world.allowed) for (let i = 0; i < n; i++) blocked[i] = world.allowed[i] === 1 ? 0 : 1;
  const order = identityOrder(n);
  const heap = new Int32Array(count);
  return selfNodes.map((self, q) => {
    const row = all.subarray(q * n, (q + 1) * n);
    const was = self >= 0 ? blocked[self] : 0;
    if (self >= 0) blocked[self] = 1;
    const top = selectTop(row, blocked, order, count, heap);
    if (self >= 0) blocked[self] = was;
    return Array.from(top, (key) => ({ key, degree: world.degrees[key], cosine: row[key] }));
  });
}

let identity: Int32Array | undefined;
/** Ties by key, as the edge breaks them. */
function identityOrder(n: number): Int32Array {
  if (!identity || identity.length !== n) identity = Int32Array.from({ length: n }, (_, i) => i);
  return identity;
}
