import type { ProductTextFields } from '../../../artifacts/src/text/product-text.ts';
import type { ProductRecord } from '../data/records.ts';
import { IntBuffer } from '../util/int-buffer.ts';
import { countIsolated, csrFromEdges, type Csr } from './csr.ts';

/** Per-product columns of a catalogue, indexed by dense node id. */
export interface ProductTable {
  asins: string[];
  titles: string[];
  /** Dollars; `NaN` where unknown. */
  prices: Float64Array;
  imageUrls: (string | undefined)[];
  brands: (string | undefined)[];
  /** Niche category (last element of the first category path) as an index into `categoryNames`; -1 if none. */
  category: Int32Array;
  categoryNames: string[];
  /**
   * Every text field of each product (title, brand, categories, description, feature), for the
   * product-text vocabulary; present when the table was built from metadata.
   */
  text?: ProductTextFields[];
}

/** The co-purchase graph of the study, with its catalogue and how it was filtered. */
export interface CoPurchaseGraph {
  products: ProductTable;
  graph: Csr;
  stats: {
    productsRead: number;
    productsKept: number;
    droppedNoTitle: number;
    droppedNoAlsoBought: number;
    alsoBoughtLinks: number;
    linksToUnknownProducts: number;
    undirectedEdges: number;
    isolatedNodes: number;
  };
}

/**
 * Builds the study's co-purchase graph in one streaming pass: keep products
 * with a title and a non-empty also_bought list, drop also_bought targets that
 * are not kept products, give each ASIN a dense id in order of appearance, and
 * make the graph undirected without duplicate or self edges.
 *
 * ASINs are interned as they appear (targets too), because a target may be
 * listed before its own record; only the interned ids and typed edge arrays
 * are held, never the raw records.
 */
export async function buildCoPurchaseGraph(records: AsyncIterable<ProductRecord>): Promise<CoPurchaseGraph> {
  const interned = new Map<string, number>();
  const intern = (asin: string): number => {
    let id = interned.get(asin);
    if (id === undefined) {
      id = interned.size;
      interned.set(asin, id);
    }
    return id;
  };
  const src = new IntBuffer(1 << 16);
  const dst = new IntBuffer(1 << 16);
  const keptInterned = new IntBuffer(1 << 12);
  const kept: Omit<ProductTable, 'category' | 'prices' | 'categoryNames' | 'text'> & { prices: number[]; category: number[]; text: ProductTextFields[] } = {
    asins: [], titles: [], prices: [], imageUrls: [], brands: [], category: [], text: [],
  };
  const categoryIds = new Map<string, number>();
  let productsRead = 0;
  let droppedNoTitle = 0;
  let droppedNoAlsoBought = 0;
  let alsoBoughtLinks = 0;
  const seenProduct = new Set<string>();

  for await (const p of records) {
    productsRead++;
    if (!p.title || p.title.trim() === '') { droppedNoTitle++; continue; }
    if (p.alsoBought.length === 0) { droppedNoAlsoBought++; continue; }
    if (seenProduct.has(p.asin)) continue;
    seenProduct.add(p.asin);
    const self = intern(p.asin);
    keptInterned.push(self);
    for (const target of p.alsoBought) {
      src.push(self);
      dst.push(intern(target));
      alsoBoughtLinks++;
    }
    kept.asins.push(p.asin);
    kept.titles.push(p.title);
    kept.prices.push(p.price ?? Number.NaN);
    kept.imageUrls.push(p.imageUrl);
    kept.brands.push(p.brand);
    kept.text.push({ title: p.title, brand: p.brand, categories: p.categories, description: p.description, feature: p.feature });
    const niche = p.categories[0]?.at(-1);
    if (niche === undefined) kept.category.push(-1);
    else {
      let c = categoryIds.get(niche);
      if (c === undefined) { c = categoryIds.size; categoryIds.set(niche, c); }
      kept.category.push(c);
    }
  }
  seenProduct.clear();

  const denseOf = new Int32Array(interned.size).fill(-1);
  const keptIds = keptInterned.toArray();
  for (let i = 0; i < keptIds.length; i++) denseOf[keptIds[i]] = i;
  interned.clear();

  const rawSrc = src.toArray();
  const rawDst = dst.toArray();
  let linksToUnknownProducts = 0;
  let w = 0;
  for (let i = 0; i < rawSrc.length; i++) {
    const v = denseOf[rawDst[i]];
    if (v < 0) { linksToUnknownProducts++; continue; }
    rawSrc[w] = denseOf[rawSrc[i]];
    rawDst[w++] = v;
  }
  const graph = csrFromEdges(keptIds.length, { src: rawSrc.subarray(0, w), dst: rawDst.subarray(0, w) });

  return {
    products: {
      ...kept,
      prices: Float64Array.from(kept.prices),
      category: Int32Array.from(kept.category),
      categoryNames: [...categoryIds.keys()],
    },
    graph,
    stats: {
      productsRead,
      productsKept: keptIds.length,
      droppedNoTitle,
      droppedNoAlsoBought,
      alsoBoughtLinks,
      linksToUnknownProducts,
      undirectedEdges: graph.targets.length / 2,
      isolatedNodes: countIsolated(graph),
    },
  };
}
