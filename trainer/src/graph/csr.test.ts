import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertValidCsr, countIsolated, csrFromEdges, degree, hasEdge, neighbors, undirectedEdges } from './csr.ts';

const edgesArb = fc
  .integer({ min: 1, max: 40 })
  .chain((n) => fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 200 })));

describe('csrFromEdges', () => {
  it('removes self and duplicate edges and stores both directions', () => {
    const csr = csrFromEdges(4, { src: Int32Array.of(0, 0, 1, 2, 2, 3), dst: Int32Array.of(1, 1, 0, 2, 3, 2) });
    assertValidCsr(csr, { undirected: true });
    expect(Array.from(neighbors(csr, 0))).toEqual([1]);
    expect(Array.from(neighbors(csr, 2))).toEqual([3]);
    expect(degree(csr, 1)).toBe(1);
    expect(csr.targets.length / 2).toBe(2);
    expect(hasEdge(csr, 3, 2)).toBe(true);
    expect(hasEdge(csr, 0, 3)).toBe(false);
  });

  it('keeps direction when asked', () => {
    const csr = csrFromEdges(3, { src: Int32Array.of(0, 1), dst: Int32Array.of(1, 2) }, { undirected: false });
    expect(hasEdge(csr, 0, 1)).toBe(true);
    expect(hasEdge(csr, 1, 0)).toBe(false);
  });

  it('refuses ids out of range', () => {
    expect(() => csrFromEdges(2, { src: Int32Array.of(0), dst: Int32Array.of(2) })).toThrow(/outside \[0, 2\)/);
  });

  it('satisfies the CSR invariants and matches the edge set on random graphs', () => {
    fc.assert(
      fc.property(edgesArb, ([n, pairs]) => {
        const csr = csrFromEdges(n, { src: Int32Array.from(pairs, (p) => p[0]), dst: Int32Array.from(pairs, (p) => p[1]) });
        assertValidCsr(csr, { undirected: true });
        const expected = new Set(pairs.filter(([u, v]) => u !== v).map(([u, v]) => `${Math.min(u, v)}-${Math.max(u, v)}`));
        const und = undirectedEdges(csr);
        const got = new Set(Array.from(und.src, (u, i) => `${u}-${und.dst[i]}`));
        expect(got).toEqual(expected);
        expect(und.src.length).toBe(csr.targets.length / 2);
        const touched = new Set(pairs.filter(([u, v]) => u !== v).flat());
        expect(countIsolated(csr)).toBe(n - touched.size);
      }),
    );
  });
});

describe('assertValidCsr', () => {
  it('detects an asymmetric edge, unsorted rows and bad offsets', () => {
    expect(() => assertValidCsr({ numNodes: 2, offsets: Int32Array.of(0, 1, 1), targets: Int32Array.of(1) }, { undirected: true })).toThrow(/no reverse/);
    expect(() => assertValidCsr({ numNodes: 3, offsets: Int32Array.of(0, 2, 2, 2), targets: Int32Array.of(2, 1) })).toThrow(/not sorted/);
    expect(() => assertValidCsr({ numNodes: 2, offsets: Int32Array.of(0, 1), targets: Int32Array.of(1) })).toThrow(/offsets has/);
    expect(() => assertValidCsr({ numNodes: 2, offsets: Int32Array.of(0, 1, 1), targets: Int32Array.of(0) })).toThrow(/self edge/);
  });
});
