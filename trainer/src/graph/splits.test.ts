import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { assertValidCsr, csrFromEdges, hasEdge, undirectedEdges, type Csr, type EdgeList } from './csr.ts';
import { gaeSplit, inductiveSplit, pairKey, randomEdgeSplit } from './splits.ts';

function randomGraph(n: number, m: number, seed: number): Csr {
  const rng = new Rng(seed);
  return csrFromEdges(n, { src: Int32Array.from({ length: m }, () => rng.int(n)), dst: Int32Array.from({ length: m }, () => rng.int(n)) });
}

function keys(e: EdgeList, n: number): number[] {
  return Array.from(e.src, (u, i) => pairKey(u, e.dst[i], n));
}

describe('randomEdgeSplit', () => {
  const graph = randomGraph(500, 3000, 1);
  const total = graph.targets.length / 2;

  it('holds out 10% of edges, both directions absent from training', () => {
    const { train, test } = randomEdgeSplit(graph, { seed: 7 });
    assertValidCsr(train, { undirected: true });
    expect(test.src.length).toBe(Math.round(total * 0.1));
    expect(train.targets.length / 2 + test.src.length).toBe(total);
    for (let i = 0; i < test.src.length; i++) {
      expect(hasEdge(graph, test.src[i], test.dst[i])).toBe(true);
      expect(hasEdge(train, test.src[i], test.dst[i])).toBe(false);
      expect(hasEdge(train, test.dst[i], test.src[i])).toBe(false);
    }
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = randomEdgeSplit(graph, { seed: 3 });
    const b = randomEdgeSplit(graph, { seed: 3 });
    const c = randomEdgeSplit(graph, { seed: 4 });
    expect(keys(a.test, 500)).toEqual(keys(b.test, 500));
    expect(keys(a.test, 500)).not.toEqual(keys(c.test, 500));
  });

  it('never leaks a test edge into training, for any graph and seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.integer({ min: 1, max: 400 }), fc.nat(), (n, m, seed) => {
        const g = randomGraph(n, m, seed);
        if (g.targets.length === 0) return;
        const { train, test } = randomEdgeSplit(g, { seed, testFraction: 0.2 });
        for (let i = 0; i < test.src.length; i++) expect(hasEdge(train, test.src[i], test.dst[i])).toBe(false);
        expect(train.targets.length / 2 + test.src.length).toBe(g.targets.length / 2);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => randomEdgeSplit(graph, { seed: 1, testFraction: 1 })).toThrow(/testFraction must be in/);
  });
});

describe('gaeSplit', () => {
  const graph = randomGraph(300, 1500, 2);
  const n = graph.numNodes;
  const total = graph.targets.length / 2;

  it('splits 85/5/10 with disjoint positive sets and true non-edges as negatives', () => {
    const s = gaeSplit(graph, { seed: 5 });
    expect(s.valPos.src.length).toBe(Math.round(total * 0.05));
    expect(s.testPos.src.length).toBe(Math.round(total * 0.1));
    expect(s.train.targets.length / 2).toBe(total - s.valPos.src.length - s.testPos.src.length);
    expect(s.valNeg.src.length).toBe(s.valPos.src.length);
    expect(s.testNeg.src.length).toBe(s.testPos.src.length);
    for (const pos of [s.valPos, s.testPos]) {
      for (let i = 0; i < pos.src.length; i++) expect(hasEdge(s.train, pos.src[i], pos.dst[i])).toBe(false);
    }
    const negKeys = [...keys(s.valNeg, n), ...keys(s.testNeg, n)];
    expect(new Set(negKeys).size).toBe(negKeys.length);
    for (const neg of [s.valNeg, s.testNeg]) {
      for (let i = 0; i < neg.src.length; i++) {
        expect(neg.src[i]).not.toBe(neg.dst[i]);
        expect(hasEdge(graph, neg.src[i], neg.dst[i])).toBe(false);
      }
    }
    expect(keys(gaeSplit(graph, { seed: 5 }).testNeg, n)).toEqual(keys(s.testNeg, n));
  });

  it('refuses to sample negatives from a complete graph', () => {
    const k4 = csrFromEdges(4, { src: Int32Array.of(0, 0, 0, 1, 1, 2), dst: Int32Array.of(1, 2, 3, 2, 3, 3) });
    expect(() => gaeSplit(k4, { seed: 1, valFraction: 0.2, testFraction: 0.2 })).toThrow(/non-edges/);
  });
});

describe('inductiveSplit', () => {
  const graph = randomGraph(400, 2000, 3);

  it('isolates 10% of products and hides exactly their edges', () => {
    const s = inductiveSplit(graph, { seed: 9 });
    assertValidCsr(s.train, { undirected: true });
    expect(s.heldOut.length).toBe(40);
    for (const v of s.heldOut) expect(s.train.offsets[v + 1] - s.train.offsets[v]).toBe(0);
    const all = undirectedEdges(graph);
    let touching = 0;
    for (let i = 0; i < all.src.length; i++) if (s.isHeldOut[all.src[i]] || s.isHeldOut[all.dst[i]]) touching++;
    expect(s.hiddenEdges.src.length).toBe(touching);
    expect(s.train.targets.length / 2 + touching).toBe(all.src.length);
    expect(Array.from(inductiveSplit(graph, { seed: 9 }).heldOut)).toEqual(Array.from(s.heldOut));
  });
});
