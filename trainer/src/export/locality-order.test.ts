import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { localityOrder } from './locality-order.ts';

/** `groups` tight clusters of `size` unit vectors in `dim` dimensions, shuffled. */
function clustered(groups: number, size: number, dim: number, seed: number): { z: Float32Array; group: Int32Array } {
  const rng = new Rng(seed);
  const centres = Array.from({ length: groups }, () => Array.from({ length: dim }, () => rng.next() * 2 - 1));
  const n = groups * size;
  const z = new Float32Array(n * dim);
  const group = new Int32Array(n);
  const order = Array.from({ length: n }, (_, i) => i).sort(() => rng.next() - 0.5);
  order.forEach((slot, i) => {
    const g = i % groups;
    group[slot] = g;
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += (z[slot * dim + d] = centres[g]![d]! + (rng.next() - 0.5) * 0.05) ** 2;
    for (let d = 0; d < dim; d++) z[slot * dim + d] /= Math.sqrt(norm);
  });
  return { z, group };
}

describe('locality order of a shard', () => {
  it('is a permutation of the items, and small shards keep their order', () => {
    const { z } = clustered(4, 100, 8, 1);
    const items = Array.from({ length: 400 }, (_, i) => i);
    expect([...localityOrder(z, 8, items, 64)].sort((a, b) => a - b)).toEqual(items);
    expect(localityOrder(z, 8, [5, 3, 9], 64)).toEqual([5, 3, 9]);
  });

  it('puts a tight cluster into few blocks, where item order scatters it over all of them', () => {
    const B = 64;
    const { z, group } = clustered(8, B, 16, 7);
    const items = Array.from({ length: 8 * B }, (_, i) => i);
    const blocksPerGroup = (order: number[]): number => {
      const blocks = Array.from({ length: 8 }, () => new Set<number>());
      order.forEach((item, pos) => blocks[group[item]!]!.add(Math.floor(pos / B)));
      return blocks.reduce((s, b) => s + b.size, 0) / 8;
    };
    expect(blocksPerGroup(items)).toBeGreaterThan(6);
    expect(blocksPerGroup(localityOrder(z, 16, items, B))).toBeLessThan(2);
  });

  it('is deterministic, and copes with identical vectors', () => {
    const { z } = clustered(3, 90, 8, 3);
    const items = Array.from({ length: 270 }, (_, i) => i);
    expect(localityOrder(z, 8, items, 32)).toEqual(localityOrder(z, 8, items, 32));
    const same = new Float32Array(100 * 4).fill(0.5);
    expect(localityOrder(same, 4, Array.from({ length: 100 }, (_, i) => i), 16)).toHaveLength(100);
  });
});
