import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { csrFromEdges } from './csr.ts';
import { sampleBlocks } from './neighbor-sampler.ts';
import { pairKey } from './splits.ts';

// 0 - 1 - 2 - 3, plus a star 4 - {5..19}
const src = Int32Array.of(0, 1, 2, ...Array.from({ length: 15 }, () => 4));
const dst = Int32Array.of(1, 2, 3, ...Array.from({ length: 15 }, (_, i) => 5 + i));
const graph = csrFromEdges(20, { src, dst });

describe('sampleBlocks', () => {
  it('builds blocks input side first with dst nodes as the prefix of src', () => {
    const blocks = sampleBlocks(graph, Int32Array.of(1, 4), new Rng(1), { fanouts: [10, 5] });
    expect(blocks).toHaveLength(2);
    const top = blocks[1];
    expect(Array.from(top.src.subarray(0, top.dstCount))).toEqual([1, 4]);
    expect(blocks[0].dstCount).toBe(top.src.length);
    expect(Array.from(blocks[0].src.subarray(0, blocks[0].dstCount))).toEqual(Array.from(top.src));
    // node 1 has 2 neighbours (≤ fanout): both used, weights 1/2
    const row1 = Array.from(top.neighbor.subarray(0, 5), (id) => top.src[id]);
    expect(row1.slice(0, 2).sort()).toEqual([0, 2]);
    expect(Array.from(top.weight.subarray(0, 5))).toEqual([0.5, 0.5, 0, 0, 0]);
    // node 4 has 15 neighbours (> fanout 5): 5 samples, weights 1/5, all real neighbours
    const row4 = Array.from(top.neighbor.subarray(5, 10), (id) => top.src[id]);
    for (const u of row4) expect(u).toBeGreaterThanOrEqual(5);
    for (const w of top.weight.subarray(5, 10)) expect(w).toBeCloseTo(0.2);
  });

  it('never samples an excluded pair in any layer', () => {
    const excludedPairs = new Set([pairKey(1, 2, 20)]);
    const blocks = sampleBlocks(graph, Int32Array.of(1, 2), new Rng(2), { fanouts: [10, 10], excludedPairs });
    for (const b of blocks) {
      for (let i = 0; i < b.dstCount; i++) {
        for (let s = 0; s < b.fanout; s++) {
          if (b.weight[i * b.fanout + s] === 0) continue;
          const pair = [b.src[i], b.src[b.neighbor[i * b.fanout + s]]].sort().join('-');
          expect(pair).not.toBe('1-2');
        }
      }
    }
  });

  it('isolates and single-neighbour targets as asked, and is deterministic per seed', () => {
    const blocks = sampleBlocks(graph, Int32Array.of(4, 2), new Rng(3), { fanouts: [10, 10], isolated: new Set([4]), single: new Set([2]) });
    const top = blocks[1];
    expect(Array.from(top.weight.subarray(0, 10)).every((w) => w === 0)).toBe(true);
    expect(Array.from(top.weight.subarray(10, 20)).filter((w) => w > 0)).toEqual([1]);
    const again = sampleBlocks(graph, Int32Array.of(4, 2), new Rng(3), { fanouts: [10, 10], isolated: new Set([4]), single: new Set([2]) });
    expect(Array.from(again[0].src)).toEqual(Array.from(blocks[0].src));
  });
});
