import type { ProductRecord, ReviewRecord } from '../data/records.ts';
import { FloatBuffer, IntBuffer } from '../util/int-buffer.ts';

/**
 * The users × products review graph. Interactions are stored once, grouped by
 * user and sorted by time within a user (`userOffsets` indexes them), with a
 * product-major view (`itemOffsets` / `itemEdges`) pointing back into them.
 */
export interface ReviewGraph {
  userIds: string[];
  asins: string[];
  numUsers: number;
  numItems: number;
  /** `[numUsers + 1]` into the interaction arrays below. */
  userOffsets: Int32Array;
  /** `[numInteractions]` dense product id of each interaction. */
  item: Int32Array;
  /** `[numInteractions]` dense user id of each interaction. */
  user: Int32Array;
  rating: Float32Array;
  /** helpful / total votes, 0 where there are no totals. */
  helpfulness: Float32Array;
  /** Unix seconds. */
  time: Float64Array;
  /** `[numItems + 1]` into `itemEdges`. */
  itemOffsets: Int32Array;
  /** `[numInteractions]` interaction indices, grouped by product. */
  itemEdges: Int32Array;
  stats: { reviewsRead: number; duplicateReviews: number; interactions: number };
}

/** Product features of the review graph's products, as the study prepared them. */
export interface ItemFeatures {
  /** Price in cents as an integer; missing prices take the median of known ones (the study's choice). */
  priceCents: Int32Array;
  /** Whether the price was known before the median fill. */
  hasPrice: Uint8Array;
  titles: string[];
  /** Row of `imageFeatures` for each product, -1 when it has none. */
  imageRow: Int32Array;
  stats: { withMetadata: number; withPrice: number; withTitle: number; withImage: number; medianPriceCents: number };
}

/**
 * Builds the bipartite review graph from a stream of reviews. The same
 * (user, product) pair reviewed twice is kept once (the earliest).
 */
export async function buildReviewGraph(reviews: AsyncIterable<ReviewRecord>): Promise<ReviewGraph> {
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const u = new IntBuffer(1 << 16);
  const it = new IntBuffer(1 << 16);
  const rating = new FloatBuffer(1 << 16);
  const helpful = new FloatBuffer(1 << 16);
  const time = new FloatBuffer(1 << 16);
  let reviewsRead = 0;
  for await (const r of reviews) {
    reviewsRead++;
    let uid = userIndex.get(r.userId);
    if (uid === undefined) { uid = userIndex.size; userIndex.set(r.userId, uid); }
    let iid = itemIndex.get(r.asin);
    if (iid === undefined) { iid = itemIndex.size; itemIndex.set(r.asin, iid); }
    u.push(uid);
    it.push(iid);
    rating.push(r.rating);
    helpful.push(r.totalVotes !== undefined && r.totalVotes > 0 ? r.helpfulVotes / r.totalVotes : 0);
    time.push(r.time);
  }
  const numUsers = userIndex.size;
  const numItems = itemIndex.size;
  const users = u.toArray();
  const items = it.toArray();
  const times = time.toArray();
  const order = Int32Array.from({ length: users.length }, (_, i) => i);
  // Stable order: user, then time, then input position (for reproducible ties).
  order.sort((a, b) => users[a] - users[b] || times[a] - times[b] || a - b);

  const userOffsets = new Int32Array(numUsers + 1);
  const keep = new IntBuffer(order.length);
  const seenByUser = new Set<number>();
  let duplicateReviews = 0;
  for (let k = 0; k < order.length; k++) {
    const e = order[k];
    if (k > 0 && users[order[k - 1]] !== users[e]) seenByUser.clear();
    if (seenByUser.has(items[e])) { duplicateReviews++; continue; }
    seenByUser.add(items[e]);
    keep.push(e);
    userOffsets[users[e] + 1] = keep.length;
  }
  const kept = keep.toArray();
  const ratings = rating.toArray();
  const helps = helpful.toArray();
  const graph: ReviewGraph = {
    userIds: [...userIndex.keys()],
    asins: [...itemIndex.keys()],
    numUsers,
    numItems,
    userOffsets,
    item: kept.map((e) => items[e]),
    user: kept.map((e) => users[e]),
    rating: Float32Array.from(kept, (e) => ratings[e]),
    helpfulness: Float32Array.from(kept, (e) => helps[e]),
    time: Float64Array.from(kept, (e) => times[e]),
    itemOffsets: new Int32Array(0),
    itemEdges: new Int32Array(0),
    stats: { reviewsRead, duplicateReviews, interactions: kept.length },
  };
  indexByItem(graph);
  return graph;
}

function indexByItem(g: ReviewGraph): void {
  const offsets = new Int32Array(g.numItems + 1);
  for (let e = 0; e < g.item.length; e++) offsets[g.item[e] + 1]++;
  for (let i = 0; i < g.numItems; i++) offsets[i + 1] += offsets[i];
  const cursor = offsets.slice(0, g.numItems);
  const edges = new Int32Array(g.item.length);
  for (let e = 0; e < g.item.length; e++) edges[cursor[g.item[e]]++] = e;
  g.itemOffsets = offsets;
  g.itemEdges = edges;
}

/**
 * Joins product metadata onto the review graph's products: price (median
 * fill, ×100, integer, as the study did), title, and which products have an
 * image feature row.
 *
 * @param imageRows ASIN → row in an image feature matrix, for products that have one.
 */
export function buildItemFeatures(
  graph: ReviewGraph,
  metadata: ReadonlyMap<string, Pick<ProductRecord, 'title' | 'price'>>,
  imageRows: ReadonlyMap<string, number> = new Map(),
): ItemFeatures {
  const n = graph.numItems;
  const cents = new Int32Array(n);
  const hasPrice = new Uint8Array(n);
  const titles: string[] = new Array(n);
  const imageRow = new Int32Array(n).fill(-1);
  const known: number[] = [];
  let withMetadata = 0;
  let withTitle = 0;
  for (let i = 0; i < n; i++) {
    const asin = graph.asins[i];
    const meta = metadata.get(asin);
    if (meta) withMetadata++;
    titles[i] = meta?.title ?? '';
    if (titles[i] !== '') withTitle++;
    if (meta?.price !== undefined && Number.isFinite(meta.price)) {
      cents[i] = Math.round(meta.price * 100);
      hasPrice[i] = 1;
      known.push(cents[i]);
    }
    imageRow[i] = imageRows.get(asin) ?? -1;
  }
  known.sort((a, b) => a - b);
  const median = known.length === 0 ? 0 : known[Math.floor((known.length - 1) / 2)];
  for (let i = 0; i < n; i++) if (!hasPrice[i]) cents[i] = median;
  let withImage = 0;
  for (let i = 0; i < n; i++) if (imageRow[i] >= 0) withImage++;
  return {
    priceCents: cents,
    hasPrice,
    titles,
    imageRow,
    stats: { withMetadata, withPrice: known.length, withTitle, withImage, medianPriceCents: median },
  };
}
