import { IntBuffer } from '../util/int-buffer.ts';
import { csrFromEdges, type Csr } from './csr.ts';

/**
 * The co-purchase graph restricted to, and renumbered onto, another product
 * list (e.g. the review graph's items), for PinSage's unified graph. Edges
 * with an end outside `asins` are dropped; each stored direction is kept, so
 * an undirected source stays undirected.
 *
 * @param asins target product ids in order (`ReviewGraph.asins`).
 * @param coPurchase the co-purchase graph and the ASIN of each of its nodes.
 * @returns a CSR with `numNodes = asins.length`.
 */
export function coPurchaseOnItems(asins: readonly string[], coPurchase: { asins: readonly string[]; graph: Csr }): Csr {
  const index = new Map<string, number>();
  asins.forEach((a, i) => index.set(a, i));
  const toItem = Int32Array.from(coPurchase.asins, (a) => index.get(a) ?? -1);
  const src = new IntBuffer();
  const dst = new IntBuffer();
  const g = coPurchase.graph;
  for (let v = 0; v < g.numNodes; v++) {
    const a = toItem[v];
    if (a < 0) continue;
    for (let k = g.offsets[v]; k < g.offsets[v + 1]; k++) {
      const b = toItem[g.targets[k]];
      if (b < 0) continue;
      src.push(a);
      dst.push(b);
    }
  }
  return csrFromEdges(asins.length, { src: src.toArray(), dst: dst.toArray() }, { undirected: false });
}
