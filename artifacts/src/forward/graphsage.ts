import { GraphrecError } from '../errors.ts';

/**
 * The inductive GraphSAGE forward pass — the one implementation shared by the
 * trainer (final embeddings, evaluation) and the edge (a new product).
 *
 *   x(v)  = Σ_t w(v,t) · E[t]                         (title encoder: weighted embedding bag)
 *   h1(v) = relu(x(v)·W1s + mean_u x(u)·W1n)
 *   h2(v) = h1(v)·W2s + mean_u h1(u)·W2n
 *   z(v)  = h2(v) / |h2(v)|
 *
 * Mean and linear maps commute, so a new product needs from each known
 * neighbour u only `p(u) = x(u)·W1n` and `h1(u)`; with no neighbours both
 * neighbour terms are zero. Plain typed-array math: runs in Node and workerd.
 */

/** Dimensions of the model. */
export interface GraphSageDims {
  /** Feature vocabulary size (rows of E). */
  vocab: number;
  /** Title encoder output. */
  input: number;
  hidden: number;
  output: number;
}

/** Weights, row-major, each `[in, out]`. */
export interface GraphSageWeights {
  dims: GraphSageDims;
  /** `[vocab, input]` */
  embedding: Float32Array;
  /** `[input, hidden]` */
  w1Self: Float32Array;
  /** `[input, hidden]` */
  w1Neigh: Float32Array;
  /** `[hidden, output]` */
  w2Self: Float32Array;
  /** `[hidden, output]` */
  w2Neigh: Float32Array;
}

/** A sparse feature row: ascending feature ids and their weights (TF-IDF). */
export interface SparseRow {
  indices: ArrayLike<number>;
  weights: ArrayLike<number>;
}

/** What a known neighbour contributes: `p = x·W1n` and `h1`, both `[hidden]`. */
export interface NeighborState {
  p: ArrayLike<number>;
  h1: ArrayLike<number>;
}

/**
 * Checks that every weight matrix has the size its dims imply.
 * @throws GraphrecError `forward/shape` naming the first mismatch.
 */
export function checkWeights(w: GraphSageWeights): void {
  const { vocab, input, hidden, output } = w.dims;
  const expect: [string, Float32Array, number][] = [
    ['embedding', w.embedding, vocab * input],
    ['w1Self', w.w1Self, input * hidden],
    ['w1Neigh', w.w1Neigh, input * hidden],
    ['w2Self', w.w2Self, hidden * output],
    ['w2Neigh', w.w2Neigh, hidden * output],
  ];
  for (const [name, arr, size] of expect) {
    if (arr.length !== size) throw new GraphrecError('forward/shape', `${name} has ${arr.length} values, expected ${size}`);
  }
}

/** `out += a·W` for a row vector `a` `[rows]` and `W` `[rows, cols]`. */
function addRowTimes(a: ArrayLike<number>, w: Float32Array, cols: number, out: Float32Array): void {
  for (let r = 0; r < a.length; r++) {
    const ar = a[r];
    if (ar === 0) continue;
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c] += ar * w[base + c];
  }
}

/** Title encoder: `x = Σ w_t E[t]`, `[input]`. Feature ids outside the vocabulary are ignored. */
export function encode(w: GraphSageWeights, row: SparseRow): Float32Array {
  const d = w.dims.input;
  const x = new Float32Array(d);
  for (let k = 0; k < row.indices.length; k++) {
    const t = row.indices[k];
    if (t < 0 || t >= w.dims.vocab) continue;
    const wt = row.weights[k];
    const base = t * d;
    for (let c = 0; c < d; c++) x[c] += wt * w.embedding[base + c];
  }
  return x;
}

/** `p(u) = x(u)·W1n`, the first-layer message a node sends its neighbours. */
export function firstLayerMessage(w: GraphSageWeights, x: ArrayLike<number>): Float32Array {
  const p = new Float32Array(w.dims.hidden);
  addRowTimes(x, w.w1Neigh, w.dims.hidden, p);
  return p;
}

/** `h1 = relu(x·W1s + mean p)`; `meanP` may be undefined when there are no neighbours. */
export function firstLayer(w: GraphSageWeights, x: ArrayLike<number>, meanP: ArrayLike<number> | undefined): Float32Array {
  const h = new Float32Array(w.dims.hidden);
  addRowTimes(x, w.w1Self, w.dims.hidden, h);
  if (meanP) for (let c = 0; c < h.length; c++) h[c] += meanP[c];
  for (let c = 0; c < h.length; c++) if (h[c] < 0) h[c] = 0;
  return h;
}

/** `z = normalise(h1·W2s + (mean h1_u)·W2n)`; a zero vector stays zero. */
export function secondLayer(w: GraphSageWeights, h1: ArrayLike<number>, meanH1: ArrayLike<number> | undefined): Float32Array {
  const z = new Float32Array(w.dims.output);
  addRowTimes(h1, w.w2Self, w.dims.output, z);
  if (meanH1) addRowTimes(meanH1, w.w2Neigh, w.dims.output, z);
  let norm = 0;
  for (let c = 0; c < z.length; c++) norm += z[c] * z[c];
  norm = Math.sqrt(norm);
  if (norm > 0) for (let c = 0; c < z.length; c++) z[c] /= norm;
  return z;
}

function meanOf(vectors: readonly ArrayLike<number>[], dim: number): Float32Array | undefined {
  if (vectors.length === 0) return undefined;
  const m = new Float32Array(dim);
  for (const v of vectors) for (let c = 0; c < dim; c++) m[c] += v[c];
  for (let c = 0; c < dim; c++) m[c] /= vectors.length;
  return m;
}

/**
 * Embeds a product the graph has not seen from its feature row and the
 * stored states of its known neighbours (possibly none).
 * @returns `[output]`, L2-normalised.
 * @example
 * const z = embedNewProduct(weights, vocabulary.transform('USB-C charger 65W'), [stateOf('B00X…')]);
 */
export function embedNewProduct(w: GraphSageWeights, row: SparseRow, neighbors: readonly NeighborState[]): Float32Array {
  const x = encode(w, row);
  const h1 = firstLayer(w, x, meanOf(neighbors.map((n) => n.p), w.dims.hidden));
  return secondLayer(w, h1, meanOf(neighbors.map((n) => n.h1), w.dims.hidden));
}

/** A graph as CSR, structurally (the trainer's `Csr` satisfies it). */
export interface GraphLike {
  numNodes: number;
  offsets: Int32Array;
  targets: Int32Array;
}

/** Feature rows of every node as CSR. */
export interface FeatureRows {
  offsets: Int32Array;
  indices: Int32Array;
  weights: Float32Array;
}

/** Every node's embedding and the states a new neighbour would need from it. */
export interface GraphEmbeddings {
  /** `[numNodes, output]` L2-normalised. */
  z: Float32Array;
  /** `[numNodes, hidden]` first-layer messages `x·W1n`. */
  p: Float32Array;
  /** `[numNodes, hidden]` first-layer states. */
  h1: Float32Array;
}

/**
 * Embeds every node of `graph` over its full neighbourhood, with exactly the
 * per-node steps of {@link embedNewProduct}, so a stored product's embedding
 * is what the edge would compute for it from its title and neighbours.
 */
export function embedGraph(w: GraphSageWeights, graph: GraphLike, features: FeatureRows): GraphEmbeddings {
  checkWeights(w);
  const n = graph.numNodes;
  const { hidden, output } = w.dims;
  const xs: Float32Array[] = new Array(n);
  const p = new Float32Array(n * hidden);
  for (let v = 0; v < n; v++) {
    const s = features.offsets[v];
    const e = features.offsets[v + 1];
    xs[v] = encode(w, { indices: features.indices.subarray(s, e), weights: features.weights.subarray(s, e) });
    p.set(firstLayerMessage(w, xs[v]), v * hidden);
  }
  const h1 = new Float32Array(n * hidden);
  const mean = new Float32Array(hidden);
  const neighborMean = (source: Float32Array, v: number): Float32Array | undefined => {
    const start = graph.offsets[v];
    const end = graph.offsets[v + 1];
    if (end === start) return undefined;
    mean.fill(0);
    for (let k = start; k < end; k++) {
      const base = graph.targets[k] * hidden;
      for (let c = 0; c < hidden; c++) mean[c] += source[base + c];
    }
    for (let c = 0; c < hidden; c++) mean[c] /= end - start;
    return mean;
  };
  for (let v = 0; v < n; v++) h1.set(firstLayer(w, xs[v], neighborMean(p, v)), v * hidden);
  const z = new Float32Array(n * output);
  for (let v = 0; v < n; v++) z.set(secondLayer(w, h1.subarray(v * hidden, (v + 1) * hidden), neighborMean(h1, v)), v * output);
  return { z, p, h1 };
}
