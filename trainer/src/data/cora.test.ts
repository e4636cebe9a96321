import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { coraFromArrays, readCoraNpz } from './cora.ts';
import type { NpyArray, NpyData } from './npy.ts';
import { errorCode } from '../../../test/helpers/fixtures.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const coraDir = resolve(repoRoot, '../shared/datasets/cora');
const haveData = existsSync(coraDir);
const ifAbsent = haveData ? '' : ` (skipped: data set folder ${coraDir} is absent)`;

const arr = (data: NpyData, dtype = '<i4'): NpyArray => ({ shape: [data.length], dtype, data });

/** A 3-node graph 0→1, 1→2, 2→0 with 4 words, in the arrays a Cora `.npz` holds. */
function tinyArrays(): Map<string, NpyArray> {
  return new Map<string, NpyArray>([
    ['adj_data', arr(Float32Array.from([1, 1, 1]), '<f4')],
    ['adj_indices', arr(Int32Array.from([1, 2, 0]))],
    ['adj_indptr', arr(Int32Array.from([0, 1, 2, 3]))],
    ['adj_shape', arr(Int32Array.from([3, 3]), '<i8')],
    ['attr_data', arr(Float32Array.from([1, 1, 1, 1]), '<f4')],
    ['attr_indices', arr(Int32Array.from([0, 3, 1, 2]))],
    ['attr_indptr', arr(Int32Array.from([0, 2, 3, 4]))],
    ['attr_shape', arr(Int32Array.from([3, 4]), '<i8')],
    ['labels', arr(Int32Array.from([0, 1, 1]), '|i1')],
    ['node_names', arr(['p0', 'p1', 'p2'], '<U2')],
    ['class_names', arr(['A', 'B'], '<U1')],
  ]);
}

describe('coraFromArrays', () => {
  it('assembles the CSR matrices, labels and names', () => {
    const cora = coraFromArrays(tinyArrays());
    expect(cora.numNodes).toBe(3);
    expect(cora.numLinks).toBe(3);
    expect(cora.adjacency).toEqual({ indptr: Int32Array.from([0, 1, 2, 3]), indices: Int32Array.from([1, 2, 0]), shape: [3, 3] });
    expect(cora.features.shape).toEqual([3, 4]);
    expect(cora.features.data).toBeInstanceOf(Float32Array);
    expect(cora.labels).toEqual(Int32Array.from([0, 1, 1]));
    expect(cora.classNames).toEqual(['A', 'B']);
    expect(cora.nodeNames).toEqual(['p0', 'p1', 'p2']);
  });

  it('names nodes and classes by index when their arrays are absent', () => {
    const arrays = tinyArrays();
    arrays.delete('node_names');
    arrays.delete('class_names');
    const cora = coraFromArrays(arrays);
    expect(cora.nodeNames).toEqual(['0', '1', '2']);
    expect(cora.classNames).toEqual(['class_0', 'class_1']);
  });

  it('throws codec/missing-key for an absent required array', () => {
    const arrays = tinyArrays();
    arrays.delete('attr_indptr');
    expect(errorCode(() => coraFromArrays(arrays))).toBe('codec/missing-key');
  });

  it.each<[string, string, NpyArray]>([
    ['indptr of the wrong length', 'adj_indptr', arr(Int32Array.from([0, 1, 3]))],
    ['indptr not ending at nnz', 'adj_indptr', arr(Int32Array.from([0, 1, 2, 2]))],
    ['decreasing indptr', 'attr_indptr', arr(Int32Array.from([0, 3, 2, 4]))],
    ['a column index out of range', 'attr_indices', arr(Int32Array.from([0, 4, 1, 2]))],
    ['a non-square adjacency', 'adj_shape', arr(Int32Array.from([3, 4]))],
    ['weighted adjacency', 'adj_data', arr(Float32Array.from([1, 0.5, 1]), '<f4')],
    ['float indices', 'adj_indices', arr(Float64Array.from([1, 2, 0]), '<f8')],
    ['a label without a class name', 'labels', arr(Int32Array.from([0, 1, 2]))],
    ['a label per node missing', 'labels', arr(Int32Array.from([0, 1]))],
    ['string features', 'attr_data', arr(['a', 'b', 'c', 'd'], '<U1')],
  ])('throws codec/bad-cora for %s', (_, key, value) => {
    const arrays = tinyArrays();
    arrays.set(key, value);
    expect(errorCode(() => coraFromArrays(arrays))).toBe('codec/bad-cora');
  });
});

describe('Cora (real data)', () => {
  it.skipIf(!haveData)(
    `reads 2,708 nodes, 5,429 directed links, 7 classes and 1,433 word features${ifAbsent}`,
    async () => {
      const cora = await readCoraNpz(join(coraDir, 'cora.npz'));
      expect(cora.numNodes).toBe(2_708);
      expect(cora.adjacency.shape).toEqual([2_708, 2_708]);
      expect(cora.numLinks).toBe(5_429);
      expect(cora.features.shape).toEqual([2_708, 1_433]);
      expect(cora.features.indices).toHaveLength(49_216);
      expect(cora.features.data.every((v) => v === 1)).toBe(true);
      expect(cora.classNames).toEqual([
        'Case_Based',
        'Genetic_Algorithms',
        'Neural_Networks',
        'Probabilistic_Methods',
        'Reinforcement_Learning',
        'Rule_Learning',
        'Theory',
      ]);
      expect(cora.labels).toHaveLength(2_708);
      expect(new Set(cora.labels).size).toBe(7);
      expect(new Set(cora.nodeNames).size).toBe(2_708);
      expect(cora.nodeNames[0]).toBe('1000012');

      // One stored entry per citation: not symmetric, no self-loops, 151 reciprocal pairs.
      const { indptr, indices } = cora.adjacency;
      const edges = new Set<number>();
      let selfLoops = 0;
      for (let r = 0; r < cora.numNodes; r++) {
        for (let k = indptr[r]; k < indptr[r + 1]; k++) {
          edges.add(r * cora.numNodes + indices[k]);
          if (indices[k] === r) selfLoops++;
        }
      }
      let withReverse = 0;
      for (const e of edges) {
        const [r, c] = [Math.floor(e / cora.numNodes), e % cora.numNodes];
        if (edges.has(c * cora.numNodes + r)) withReverse++;
      }
      expect(edges.size).toBe(5_429);
      expect(selfLoops).toBe(0);
      expect(withReverse).toBe(302);
      expect((edges.size * 2 - withReverse) / 2).toBe(5_278);
    },
  );
});
