import { GraphrecError } from '../../../artifacts/src/errors.ts';

/**
 * A graph in compressed sparse row form. Node `v`'s neighbours are
 * `targets[offsets[v] .. offsets[v + 1])`, sorted ascending and distinct.
 * An undirected graph stores each edge in both directions.
 */
export interface Csr {
  numNodes: number;
  /** `[numNodes + 1]`, non-decreasing, `offsets[0] = 0`, `offsets[numNodes] = targets.length`. */
  offsets: Int32Array;
  /** `[numEdgeEntries]` node ids in `[0, numNodes)`. */
  targets: Int32Array;
}

/** An edge list as two parallel arrays. */
export interface EdgeList {
  src: Int32Array;
  dst: Int32Array;
}

/**
 * Builds a CSR from an edge list, dropping self edges and duplicates.
 * @param numNodes node count; every id must be in `[0, numNodes)`.
 * @param edges directed edges `(src[i], dst[i])`.
 * @param options `undirected` stores every edge in both directions (default true).
 * @throws GraphrecError `graph/bad-node-id` when an id is out of range.
 */
export function csrFromEdges(numNodes: number, edges: EdgeList, options: { undirected?: boolean } = {}): Csr {
  const undirected = options.undirected ?? true;
  const { src, dst } = edges;
  if (src.length !== dst.length) throw new GraphrecError('graph/bad-edges', `src and dst differ in length: ${src.length} vs ${dst.length}`);
  const counts = new Int32Array(numNodes + 1);
  for (let i = 0; i < src.length; i++) {
    const u = src[i];
    const v = dst[i];
    if (u < 0 || u >= numNodes || v < 0 || v >= numNodes) {
      throw new GraphrecError('graph/bad-node-id', `edge ${i} (${u}, ${v}) is outside [0, ${numNodes})`);
    }
    if (u === v) continue;
    counts[u + 1]++;
    if (undirected) counts[v + 1]++;
  }
  for (let v = 0; v < numNodes; v++) counts[v + 1] += counts[v];
  const cursor = counts.slice(0, numNodes);
  const raw = new Int32Array(counts[numNodes]);
  for (let i = 0; i < src.length; i++) {
    const u = src[i];
    const v = dst[i];
    if (u === v) continue;
    raw[cursor[u]++] = v;
    if (undirected) raw[cursor[v]++] = u;
  }
  return compact(numNodes, counts, raw);
}

/** Sorts each row and removes duplicate entries. */
function compact(numNodes: number, rawOffsets: Int32Array, raw: Int32Array): Csr {
  const offsets = new Int32Array(numNodes + 1);
  let write = 0;
  for (let v = 0; v < numNodes; v++) {
    const row = raw.subarray(rawOffsets[v], rawOffsets[v + 1]);
    row.sort();
    const rowStart = write;
    for (let i = 0; i < row.length; i++) {
      if (write === rowStart || raw[write - 1] !== row[i]) raw[write++] = row[i];
    }
    offsets[v + 1] = write;
  }
  return { numNodes, offsets, targets: raw.slice(0, write) };
}

/** The sorted neighbours of `v` (a view, not a copy). */
export function neighbors(csr: Csr, v: number): Int32Array {
  return csr.targets.subarray(csr.offsets[v], csr.offsets[v + 1]);
}

export function degree(csr: Csr, v: number): number {
  return csr.offsets[v + 1] - csr.offsets[v];
}

/** Whether the edge `u → v` exists (binary search in `u`'s row). */
export function hasEdge(csr: Csr, u: number, v: number): boolean {
  let lo = csr.offsets[u];
  let hi = csr.offsets[u + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const t = csr.targets[mid];
    if (t === v) return true;
    if (t < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Each undirected edge once, as `(u, v)` with `u < v`, in row order. */
export function undirectedEdges(csr: Csr): EdgeList {
  let count = 0;
  for (let u = 0; u < csr.numNodes; u++) {
    for (let i = csr.offsets[u]; i < csr.offsets[u + 1]; i++) if (csr.targets[i] > u) count++;
  }
  const src = new Int32Array(count);
  const dst = new Int32Array(count);
  let k = 0;
  for (let u = 0; u < csr.numNodes; u++) {
    for (let i = csr.offsets[u]; i < csr.offsets[u + 1]; i++) {
      const v = csr.targets[i];
      if (v > u) {
        src[k] = u;
        dst[k++] = v;
      }
    }
  }
  return { src, dst };
}

/** Number of nodes with no neighbours. */
export function countIsolated(csr: Csr): number {
  let n = 0;
  for (let v = 0; v < csr.numNodes; v++) if (csr.offsets[v + 1] === csr.offsets[v]) n++;
  return n;
}

/**
 * Checks the CSR invariants: offsets shape and monotonicity, ids in range,
 * rows sorted and distinct, no self edges, and symmetry when `undirected`.
 * @throws GraphrecError `graph/bad-csr` naming the first violation.
 */
export function assertValidCsr(csr: Csr, options: { undirected?: boolean } = {}): void {
  const fail = (msg: string): never => {
    throw new GraphrecError('graph/bad-csr', msg);
  };
  const { numNodes, offsets, targets } = csr;
  if (offsets.length !== numNodes + 1) fail(`offsets has ${offsets.length} entries, expected ${numNodes + 1}`);
  if (offsets[0] !== 0 || offsets[numNodes] !== targets.length) fail('offsets do not span targets');
  for (let v = 0; v < numNodes; v++) {
    if (offsets[v + 1] < offsets[v]) fail(`offsets decrease at node ${v}`);
    for (let i = offsets[v]; i < offsets[v + 1]; i++) {
      const t = targets[i];
      if (t < 0 || t >= numNodes) fail(`node ${v} has neighbour ${t} out of range`);
      if (t === v) fail(`node ${v} has a self edge`);
      if (i > offsets[v] && targets[i - 1] >= t) fail(`row ${v} is not sorted and distinct`);
      if (options.undirected && !hasEdge(csr, t, v)) fail(`edge ${v}→${t} has no reverse`);
    }
  }
}

/**
 * The undirected graph of a square sparse adjacency (e.g. Cora's directed
 * citation links): each stored entry becomes an edge in both directions.
 */
export function csrFromSparseAdjacency(numNodes: number, indptr: Int32Array, indices: Int32Array): Csr {
  const src = new Int32Array(indices.length);
  for (let r = 0; r < numNodes; r++) src.fill(r, indptr[r], indptr[r + 1]);
  return csrFromEdges(numNodes, { src, dst: indices });
}
