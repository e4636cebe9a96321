import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { neighbors, type Csr, type EdgeList } from '../graph/csr.ts';
import type { InductiveSplit } from '../graph/splits.ts';
import { featureRow, type NodeFeatures } from '../models/feature-rows.ts';
import { Rng } from '../util/rng.ts';
import type { Query, RankingTask } from './types.ts';

/** A ranking task that remembers which product each query stands for (for sample tables). */
export type NodeRankingTask = RankingTask & { queryNodes: number[] };

/** Groups undirected test edges by endpoint: each endpoint is a query, its test partners the relevant items. */
function relevantByEndpoint(edges: EdgeList): Map<number, number[]> {
  const byNode = new Map<number, number[]>();
  const add = (u: number, v: number): void => {
    const list = byNode.get(u);
    if (list) list.push(v);
    else byNode.set(u, [v]);
  };
  for (let i = 0; i < edges.src.length; i++) {
    add(edges.src[i], edges.dst[i]);
    add(edges.dst[i], edges.src[i]);
  }
  return byNode;
}

/** A product known to the training graph, as a query: its features and training neighbours. */
export function nodeQuery(train: Csr, features: NodeFeatures, node: number): Query {
  return { node, features: featureRow(features, node), knownNeighbors: neighbors(train, node) };
}

function withSelf(node: number, others: Int32Array): Int32Array {
  const out = new Int32Array(others.length + 1);
  out[0] = node;
  out.set(others, 1);
  return out;
}

/**
 * The honest held-out-edge protocol: every endpoint `u` of a test edge is a
 * query, its test partners are relevant, and `u` itself and its training
 * neighbours are not candidates (recommending what is already known is no hit).
 */
export function heldOutEdgeTask(train: Csr, test: EdgeList, features: NodeFeatures, candidates?: Uint8Array): NodeRankingTask {
  const byNode = relevantByEndpoint(test);
  const nodes = [...byNode.keys()].sort((a, b) => a - b);
  return {
    numItems: train.numNodes,
    queries: nodes.map((u) => nodeQuery(train, features, u)),
    relevant: nodes.map((u) => Int32Array.from(byNode.get(u)!).sort()),
    excluded: nodes.map((u) => withSelf(u, neighbors(train, u))),
    candidates,
    queryNodes: nodes,
  };
}

/**
 * The reference study's protocol, reported beside the honest one and labelled:
 * the same queries, but every neighbour in the full graph (training edges
 * included) counts as a hit and only the query itself is excluded.
 */
export function studyProtocolTask(train: Csr, test: EdgeList, features: NodeFeatures, candidates?: Uint8Array): NodeRankingTask {
  const byNode = relevantByEndpoint(test);
  const nodes = [...byNode.keys()].sort((a, b) => a - b);
  return {
    numItems: train.numNodes,
    queries: nodes.map((u) => nodeQuery(train, features, u)),
    relevant: nodes.map((u) => {
      const all = new Set<number>(neighbors(train, u));
      for (const v of byNode.get(u)!) all.add(v);
      return Int32Array.from(all).sort();
    }),
    excluded: nodes.map((u) => Int32Array.of(u)),
    candidates,
    queryNodes: nodes,
  };
}

/**
 * Inductive cold start: each held-out product with hidden edges to training
 * products is a query known only by its title (`revealed = 0`), or by its
 * title plus one revealed neighbour (`revealed = 1`, products with at least two
 * such edges; the revealed one is neither relevant nor a candidate).
 * Candidates are the training products.
 */
export function coldStartTask(split: InductiveSplit, features: NodeFeatures, revealed: 0 | 1, seed: number): NodeRankingTask {
  if (revealed !== 0 && revealed !== 1) throw new GraphrecError('eval/bad-task', `revealed must be 0 or 1, got ${revealed}`);
  const n = split.train.numNodes;
  const candidates = new Uint8Array(n);
  for (let v = 0; v < n; v++) candidates[v] = split.isHeldOut[v] ? 0 : 1;
  const byNode = new Map<number, number[]>();
  const { src, dst } = split.hiddenEdges;
  for (let i = 0; i < src.length; i++) {
    for (const [cold, warm] of [[src[i], dst[i]], [dst[i], src[i]]]) {
      if (!split.isHeldOut[cold] || split.isHeldOut[warm]) continue;
      const list = byNode.get(cold);
      if (list) list.push(warm);
      else byNode.set(cold, [warm]);
    }
  }
  const rng = new Rng(seed);
  const queries: Query[] = [];
  const relevant: Int32Array[] = [];
  const excluded: Int32Array[] = [];
  const queryNodes: number[] = [];
  for (const v of [...byNode.keys()].sort((a, b) => a - b)) {
    const partners = Int32Array.from(byNode.get(v)!).sort();
    if (revealed === 1 && partners.length < 2) continue;
    const pick = revealed === 1 ? partners[rng.int(partners.length)] : -1;
    queries.push({ node: -1, features: featureRow(features, v), knownNeighbors: revealed === 1 ? Int32Array.of(pick) : new Int32Array(0) });
    relevant.push(partners.filter((u) => u !== pick));
    excluded.push(revealed === 1 ? Int32Array.of(pick) : new Int32Array(0));
    queryNodes.push(v);
  }
  return { numItems: n, queries, relevant, excluded, candidates, queryNodes };
}
