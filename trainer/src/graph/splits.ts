import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { Rng } from '../util/rng.ts';
import { csrFromEdges, hasEdge, undirectedEdges, type Csr, type EdgeList } from './csr.ts';

/** A held-out edge split of an undirected graph. */
export interface EdgeSplit {
  /** The training graph: no held-out edge in either direction. */
  train: Csr;
  /** Held-out edges, each undirected edge once (`src < dst`). */
  test: EdgeList;
}

/** The GAE protocol's split: positives plus the same number of sampled non-edges. */
export interface GaeSplit {
  train: Csr;
  valPos: EdgeList;
  valNeg: EdgeList;
  testPos: EdgeList;
  testNeg: EdgeList;
}

/** Inductive split: products held out with all their edges. */
export interface InductiveSplit {
  /** The training graph over all node ids; held-out nodes are isolated in it. */
  train: Csr;
  /** Held-out node ids, ascending. */
  heldOut: Int32Array;
  /** `1` for held-out nodes. */
  isHeldOut: Uint8Array;
  /** Every edge touching a held-out node (once each, `src < dst`). */
  hiddenEdges: EdgeList;
}

function checkFraction(name: string, value: number): void {
  if (!(value > 0 && value < 1)) throw new GraphrecError('split/bad-fraction', `${name} must be in (0, 1), got ${value}`);
}

/** Shuffled indices `[0, n)` under `seed`. */
function permutation(n: number, rng: Rng): Int32Array {
  return rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
}

function pick(edges: EdgeList, idx: Int32Array): EdgeList {
  return { src: idx.map((i) => edges.src[i]), dst: idx.map((i) => edges.dst[i]) };
}

/**
 * Random edge split (default 90/10): a shuffled `testFraction` of undirected
 * edges is held out; both directions leave the training graph.
 */
export function randomEdgeSplit(graph: Csr, options: { testFraction?: number; seed: number }): EdgeSplit {
  const fraction = options.testFraction ?? 0.1;
  checkFraction('testFraction', fraction);
  const edges = undirectedEdges(graph);
  const perm = permutation(edges.src.length, new Rng(options.seed));
  const nTest = Math.round(edges.src.length * fraction);
  const test = pick(edges, perm.subarray(0, nTest).slice().sort());
  const train = csrFromEdges(graph.numNodes, pick(edges, perm.subarray(nTest)));
  return { train, test };
}

/**
 * Samples `count` distinct node pairs that are not edges of `graph`, not self
 * pairs, and not in `avoid` (an earlier negative sample).
 * @throws GraphrecError `split/too-dense` when the graph has too few non-edges.
 */
export function sampleNonEdges(graph: Csr, count: number, rng: Rng, avoid: ReadonlySet<number> = new Set()): EdgeList {
  const n = graph.numNodes;
  const possible = (n * (n - 1)) / 2 - graph.targets.length / 2 - avoid.size;
  if (count > possible / 2) throw new GraphrecError('split/too-dense', `cannot sample ${count} non-edges from ${possible} available`);
  const seen = new Set<number>(avoid);
  const src = new Int32Array(count);
  const dst = new Int32Array(count);
  let k = 0;
  while (k < count) {
    let u = rng.int(n);
    let v = rng.int(n);
    if (u === v) continue;
    if (u > v) [u, v] = [v, u];
    const key = u * n + v;
    if (seen.has(key) || hasEdge(graph, u, v)) continue;
    seen.add(key);
    src[k] = u;
    dst[k++] = v;
  }
  return { src, dst };
}

/** Encodes an undirected pair as one number, for sets of pairs. */
export function pairKey(u: number, v: number, numNodes: number): number {
  return u < v ? u * numNodes + v : v * numNodes + u;
}

/**
 * The GAE protocol's split (default 85/5/10): validation and test positives are
 * removed from training; negatives are non-edges of the full graph, disjoint
 * between validation and test.
 */
export function gaeSplit(graph: Csr, options: { valFraction?: number; testFraction?: number; seed: number }): GaeSplit {
  const valFraction = options.valFraction ?? 0.05;
  const testFraction = options.testFraction ?? 0.1;
  checkFraction('valFraction', valFraction);
  checkFraction('testFraction', testFraction);
  const rng = new Rng(options.seed);
  const edges = undirectedEdges(graph);
  const perm = permutation(edges.src.length, rng);
  const nVal = Math.round(edges.src.length * valFraction);
  const nTest = Math.round(edges.src.length * testFraction);
  const valPos = pick(edges, perm.subarray(0, nVal).slice().sort());
  const testPos = pick(edges, perm.subarray(nVal, nVal + nTest).slice().sort());
  const train = csrFromEdges(graph.numNodes, pick(edges, perm.subarray(nVal + nTest)));
  const valNeg = sampleNonEdges(graph, nVal, rng);
  const avoid = new Set<number>();
  for (let i = 0; i < nVal; i++) avoid.add(pairKey(valNeg.src[i], valNeg.dst[i], graph.numNodes));
  const testNeg = sampleNonEdges(graph, nTest, rng, avoid);
  return { train, valPos, valNeg, testPos, testNeg };
}

/**
 * Inductive product hold-out (default 10%): chosen products lose all their
 * edges in the training graph, so a model never sees them during training.
 */
export function inductiveSplit(graph: Csr, options: { fraction?: number; seed: number }): InductiveSplit {
  const fraction = options.fraction ?? 0.1;
  checkFraction('fraction', fraction);
  const n = graph.numNodes;
  const perm = permutation(n, new Rng(options.seed));
  const heldOut = perm.subarray(0, Math.round(n * fraction)).slice().sort();
  const isHeldOut = new Uint8Array(n);
  for (const v of heldOut) isHeldOut[v] = 1;
  const edges = undirectedEdges(graph);
  const trainIdx: number[] = [];
  const hiddenIdx: number[] = [];
  for (let i = 0; i < edges.src.length; i++) {
    (isHeldOut[edges.src[i]] || isHeldOut[edges.dst[i]] ? hiddenIdx : trainIdx).push(i);
  }
  return {
    train: csrFromEdges(n, pick(edges, Int32Array.from(trainIdx))),
    heldOut,
    isHeldOut,
    hiddenEdges: pick(edges, Int32Array.from(hiddenIdx)),
  };
}
