import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { NpyArray } from './npy.ts';
import { readNpz } from './npz.ts';

/** A sparse matrix in compressed sparse row form. */
export interface CsrMatrix {
  /** `[rows + 1]` offsets into `indices`; row `r` is `indices[indptr[r] .. indptr[r + 1])`. */
  indptr: Int32Array;
  /** `[nnz]` column indices. */
  indices: Int32Array;
  shape: [number, number];
}

/** The Cora citation graph as stored by gnn-benchmark's `cora.npz`. */
export interface CoraDataset {
  numNodes: number;
  /** Stored citation links, the adjacency's nnz (5,429 for Cora). */
  numLinks: number;
  /** `[numNodes, numNodes]` directed citation links, unweighted (one entry per link as stored). */
  adjacency: CsrMatrix;
  /** `[numNodes, numWords]` bag-of-words. */
  features: CsrMatrix & { data: Float32Array };
  /** `[numNodes]` class index per node, in `[0, classNames.length)`. */
  labels: Int32Array;
  classNames: string[];
  /** `[numNodes]` paper ids. */
  nodeNames: string[];
}

const REQUIRED_KEYS = [
  'adj_indptr',
  'adj_indices',
  'adj_shape',
  'attr_data',
  'attr_indptr',
  'attr_indices',
  'attr_shape',
  'labels',
] as const;
const OPTIONAL_KEYS = ['adj_data', 'class_names', 'node_names'] as const;

/**
 * Reads the Cora graph from an `.npz` with the keys `adj_{data,indices,indptr,shape}`,
 * `attr_{data,indices,indptr,shape}`, `labels`, `node_names` and `class_names`.
 * `adj_data` must be all ones when present (weights are not kept); missing
 * `node_names` become `"0".."n-1"` and missing `class_names` `"class_0"…`.
 * Other members (gnn-benchmark variants pickle `idx_to_node`) are not decoded.
 *
 * @param path the `.npz` file.
 * @throws GraphrecError `codec/missing-key` when a required array is absent;
 *   `codec/bad-cora` when arrays have the wrong type or disagree (CSR offsets,
 *   indices out of range, label counts); `codec/*` errors from the zip and npy readers.
 * @example
 * const cora = await readCoraNpz('../shared/datasets/cora/cora.npz');
 * cora.numNodes; // 2708
 */
export async function readCoraNpz(path: string): Promise<CoraDataset> {
  const arrays = await readNpz(path, [...REQUIRED_KEYS, ...OPTIONAL_KEYS]);
  return coraFromArrays(arrays, path);
}

/**
 * Assembles and checks a {@link CoraDataset} from decoded `.npz` arrays.
 *
 * @param arrays arrays by key, as {@link readNpz} returns them.
 * @param source named in error messages.
 * @throws GraphrecError as {@link readCoraNpz}.
 */
export function coraFromArrays(arrays: ReadonlyMap<string, NpyArray>, source = 'cora'): CoraDataset {
  const get = (key: string): NpyArray => {
    const array = arrays.get(key);
    if (array === undefined) throw new GraphrecError('codec/missing-key', `${source}: array '${key}' is missing`, { key });
    return array;
  };
  const fail = (message: string): GraphrecError => new GraphrecError('codec/bad-cora', `${source}: ${message}`);
  const ints = (key: string): Int32Array => {
    const { data, dtype } = get(key);
    if (!(data instanceof Int32Array)) throw fail(`'${key}' has dtype ${dtype}, expected integers that fit int32`);
    return data;
  };
  const csr = (prefix: string): CsrMatrix => {
    const shape = ints(`${prefix}_shape`);
    if (shape.length !== 2) throw fail(`'${prefix}_shape' has ${shape.length} values, expected 2`);
    const matrix: CsrMatrix = { indptr: ints(`${prefix}_indptr`), indices: ints(`${prefix}_indices`), shape: [shape[0], shape[1]] };
    const problem = checkCsr(matrix);
    if (problem !== undefined) throw fail(`${prefix}: ${problem}`);
    return matrix;
  };

  const adjacency = csr('adj');
  const numNodes = adjacency.shape[0];
  if (adjacency.shape[1] !== numNodes) throw fail(`adjacency is ${adjacency.shape.join('×')}, expected square`);
  const adjData = arrays.get('adj_data')?.data;
  if (adjData !== undefined && (adjData.length !== adjacency.indices.length || adjData.some((v) => v !== 1))) {
    throw fail(`'adj_data' must hold ${adjacency.indices.length} ones; weighted adjacency is not supported`);
  }

  const attr = csr('attr');
  const attrData = get('attr_data').data;
  if (!(attrData instanceof Float32Array || attrData instanceof Float64Array) || attrData.length !== attr.indices.length) {
    throw fail(`'attr_data' must hold ${attr.indices.length} floats`);
  }
  if (attr.shape[0] !== numNodes) throw fail(`features have ${attr.shape[0]} rows, expected ${numNodes}`);

  const labels = ints('labels');
  const nodeNames = optionalStrings(arrays, 'node_names') ?? Array.from({ length: numNodes }, (_, i) => String(i));
  const numClasses = labels.reduce((max, v) => Math.max(max, v + 1), 0);
  const classNames = optionalStrings(arrays, 'class_names') ?? Array.from({ length: numClasses }, (_, k) => `class_${k}`);
  if (labels.length !== numNodes || nodeNames.length !== numNodes) {
    throw fail(`labels (${labels.length}) and node_names (${nodeNames.length}) must have one entry per node (${numNodes})`);
  }
  if (labels.some((v) => v < 0 || v >= classNames.length)) {
    throw fail(`labels must lie in [0, ${classNames.length}) to index class_names`);
  }
  return {
    numNodes,
    numLinks: adjacency.indices.length,
    adjacency,
    features: { ...attr, data: Float32Array.from(attrData) },
    labels,
    classNames,
    nodeNames,
  };
}

/** Why the matrix is not valid CSR, or `undefined` when it is. */
function checkCsr({ indptr, indices, shape: [rows, cols] }: CsrMatrix): string | undefined {
  if (indptr.length !== rows + 1) return `indptr has ${indptr.length} offsets, expected rows + 1 = ${rows + 1}`;
  if (indptr[0] !== 0 || indptr[rows] !== indices.length) {
    return `indptr must run from 0 to nnz = ${indices.length}, found ${indptr[0]}..${indptr[rows]}`;
  }
  for (let r = 0; r < rows; r++) {
    if (indptr[r + 1] < indptr[r]) return `indptr decreases at row ${r}`;
  }
  const bad = indices.findIndex((c) => c < 0 || c >= cols);
  return bad === -1 ? undefined : `column index ${indices[bad]} at position ${bad} is outside [0, ${cols})`;
}

function optionalStrings(arrays: ReadonlyMap<string, NpyArray>, key: string): string[] | undefined {
  const data = arrays.get(key)?.data;
  return Array.isArray(data) ? data : undefined;
}
