import { describe, expect, it } from 'vitest';
import { assertValidCsr, csrFromEdges, neighbors } from './csr.ts';
import { coPurchaseOnItems } from './item-copurchase.ts';

describe('coPurchaseOnItems', () => {
  it('renumbers co-purchase edges onto the item list and drops edges leaving it', () => {
    // co-purchase nodes: P0 – P1 – P2 – P3, and P0 – P3
    const graph = csrFromEdges(4, { src: Int32Array.of(0, 1, 2, 0), dst: Int32Array.of(1, 2, 3, 3) });
    const items = ['P3', 'X', 'P0', 'P1']; // P2 is not reviewed, X has no co-purchase record
    const csr = coPurchaseOnItems(items, { asins: ['P0', 'P1', 'P2', 'P3'], graph });
    assertValidCsr(csr, { undirected: true });
    expect(csr.numNodes).toBe(4);
    expect(Array.from(neighbors(csr, 2))).toEqual([0, 3]); // P0 → P3, P1
    expect(Array.from(neighbors(csr, 0))).toEqual([2]); // P3 → P0 (P2 dropped)
    expect(Array.from(neighbors(csr, 1))).toEqual([]);
  });
});
