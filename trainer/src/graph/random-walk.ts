import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { Rng } from '../util/rng.ts';
import type { Csr } from './csr.ts';
import type { ReviewGraph } from './review-graph.ts';

/**
 * The graph PinSage walks on: the bipartite users × products graph of the
 * training interactions only, both directions as CSR, plus an optional
 * product–product (co-purchase) graph over the same product ids (the
 * "unified" graph). Built once per run; walks only read it.
 */
export interface WalkGraph {
  numItems: number;
  numUsers: number;
  /** `[numItems + 1]` into `itemUsers`. */
  itemOffsets: Int32Array;
  /** Users of each product's training interactions. */
  itemUsers: Int32Array;
  /** `[numUsers + 1]` into `userItems`. */
  userOffsets: Int32Array;
  /** Products of each user's training interactions, in the review graph's (time) order. */
  userItems: Int32Array;
  /** `[interactions]`: where each training interaction sits in `userItems`; -1 for the others. */
  interactionSlot: Int32Array;
  coPurchase?: Csr;
}

/** How random-walk neighbourhoods are drawn (DGL's `PinSAGESampler` parameters). */
export interface WalkOptions {
  /** Walks started from each product. */
  walks: number;
  /** Product-to-product steps per walk at most (each step is product → user → product, or one co-purchase edge). */
  walkLength: number;
  /** Probability that a walk ends (restarts at its origin) before each step after the first. */
  restart: number;
  /** Neighbours kept: the `topT` most visited products. */
  topT: number;
  /** Probability that a step follows a co-purchase edge, when the graph has one and the product has such edges. */
  coPurchaseProb: number;
}

/**
 * Random-walk importance neighbourhoods of some products: for `nodes[i]`,
 * neighbours `neighbors[offsets[i] .. offsets[i + 1])`, most visited first,
 * with their visit counts. A product is never its own neighbour.
 */
export interface Neighbourhoods {
  /** `[nodes.length + 1]` */
  offsets: Int32Array;
  /** Product ids. */
  neighbors: Int32Array;
  /** Visit counts, ≥ 1 (the importance weights). */
  counts: Float32Array;
}

/**
 * Builds the walk graph from the interactions in `train` (indices into the
 * review graph's interaction arrays); other interactions are invisible to walks.
 *
 * @param coPurchase product–product edges over the review graph's item ids (`numNodes = graph.numItems`).
 * @throws GraphrecError `walk/bad-interaction` when a training index is out of range.
 * @throws GraphrecError `walk/item-mismatch` when `coPurchase` is over a different number of products.
 */
export function buildWalkGraph(graph: ReviewGraph, train: Int32Array, coPurchase?: Csr): WalkGraph {
  const n = graph.item.length;
  for (let k = 0; k < train.length; k++) {
    if (!(train[k] >= 0 && train[k] < n)) throw new GraphrecError('walk/bad-interaction', `train[${k}] = ${train[k]} is outside [0, ${n})`);
  }
  if (coPurchase && coPurchase.numNodes !== graph.numItems) {
    throw new GraphrecError('walk/item-mismatch', `coPurchase has ${coPurchase.numNodes} nodes but the review graph has ${graph.numItems} products; map it onto the same item ids`);
  }
  const items = group(graph.numItems, train, (e) => graph.item[e], (e) => graph.user[e]);
  // Sorted training indices keep each user's products in time order (interactions are grouped by user, by time).
  const sorted = Int32Array.from(train).sort();
  const users = group(graph.numUsers, sorted, (e) => graph.user[e], (e) => graph.item[e]);
  const interactionSlot = new Int32Array(n).fill(-1);
  const cursor = users.offsets.slice(0, graph.numUsers);
  for (const e of sorted) interactionSlot[e] = cursor[graph.user[e]]++;
  return {
    numItems: graph.numItems,
    numUsers: graph.numUsers,
    itemOffsets: items.offsets,
    itemUsers: items.values,
    userOffsets: users.offsets,
    userItems: users.values,
    interactionSlot,
    coPurchase,
  };
}

function group(numKeys: number, edges: Int32Array, key: (e: number) => number, value: (e: number) => number): { offsets: Int32Array; values: Int32Array } {
  const offsets = new Int32Array(numKeys + 1);
  for (const e of edges) offsets[key(e) + 1]++;
  for (let k = 0; k < numKeys; k++) offsets[k + 1] += offsets[k];
  const cursor = offsets.slice(0, numKeys);
  const values = new Int32Array(edges.length);
  for (const e of edges) values[cursor[key(e)]++] = value(e);
  return { offsets, values };
}

/**
 * A product other than its own that training interaction `e`'s user
 * interacted with in training, drawn uniformly; -1 when the user has no other.
 * The positive of a training pair (the product → user → product walk of DGL's
 * `ItemToItemBatchSampler`). With `window` > 0 the draw is among the user's
 * `window` interactions before and after `e` in time: products a user took up
 * together, rather than anywhere in a long history (MovieLens users average
 * 165 ratings, most of them unrelated to each other).
 */
export function coReviewedItem(g: WalkGraph, e: number, user: number, rng: Rng, window = 0): number {
  const userFrom = g.userOffsets[user];
  const userTo = g.userOffsets[user + 1];
  const slot = g.interactionSlot[e];
  const from = window > 0 ? Math.max(userFrom, slot - window) : userFrom;
  const to = window > 0 ? Math.min(userTo, slot + window + 1) : userTo;
  const deg = to - from;
  if (deg < 2 || slot < 0) return -1;
  // Draw among deg - 1 slots and let the last slot stand in for `e`'s own, so one draw always suffices.
  const pick = from + rng.int(deg - 1);
  return g.userItems[pick === slot ? to - 1 : pick];
}

/**
 * Samples random-walk neighbourhoods (one sampler per layer: call it once per
 * layer with that layer's stream). Each product's walks run in a scratch
 * counter, so memory is O(numItems) once, whatever the batch.
 */
export class RandomWalkSampler {
  private readonly visits: Int32Array;
  private readonly touched: Int32Array;

  /** @throws GraphrecError `walk/bad-option` naming the option and its allowed range. */
  constructor(readonly graph: WalkGraph, readonly options: WalkOptions) {
    checkOptions(options);
    this.visits = new Int32Array(graph.numItems);
    this.touched = new Int32Array(options.walks * options.walkLength);
  }

  /**
   * One product-to-product step from `v`: with probability `coPurchaseProb`
   * along a co-purchase edge (when `v` has one), else to a uniform training
   * user of `v` and on to a uniform product of that user. -1 when `v` has
   * neither users nor co-purchase edges.
   */
  step(v: number, rng: Rng): number {
    const g = this.graph;
    const cp = g.coPurchase;
    const cpDeg = cp ? cp.offsets[v + 1] - cp.offsets[v] : 0;
    const userDeg = g.itemOffsets[v + 1] - g.itemOffsets[v];
    if (cp && cpDeg > 0 && (userDeg === 0 || rng.next() < this.options.coPurchaseProb)) return cp.targets[cp.offsets[v] + rng.int(cpDeg)];
    if (userDeg === 0) return -1;
    const u = g.itemUsers[g.itemOffsets[v] + rng.int(userDeg)];
    const from = g.userOffsets[u];
    return g.userItems[from + rng.int(g.userOffsets[u + 1] - from)];
  }

  /**
   * Neighbourhoods of `nodes`: `walks` walks from each, up to `walkLength`
   * steps, ending early with probability `restart` before each later step;
   * the `topT` most visited products (ties by smaller id) other than the
   * origin, with visit counts as weights.
   *
   * @param nodes product ids `[n]`.
   * @param rng this layer's stream.
   * @param excluded undirected pairs `pairKey(u, v, numItems)` that must not be neighbours (a batch's own pairs).
   */
  sample(nodes: Int32Array, rng: Rng, excluded?: ReadonlySet<number>): Neighbourhoods {
    const { topT } = this.options;
    const offsets = new Int32Array(nodes.length + 1);
    const neighbors = new Int32Array(nodes.length * topT);
    const counts = new Float32Array(nodes.length * topT);
    let write = 0;
    for (let i = 0; i < nodes.length; i++) {
      const v = nodes[i];
      const distinct = this.walk(v, rng);
      write = this.keepTop(v, distinct, excluded, neighbors, counts, write);
      offsets[i + 1] = write;
    }
    return { offsets, neighbors: neighbors.slice(0, write), counts: counts.slice(0, write) };
  }

  /** Runs `v`'s walks into `visits`; returns how many distinct products were visited (listed in `touched`). */
  private walk(v: number, rng: Rng): number {
    const { walks, walkLength, restart } = this.options;
    let distinct = 0;
    for (let w = 0; w < walks; w++) {
      let cur = v;
      for (let s = 0; s < walkLength; s++) {
        if (s > 0 && rng.next() < restart) break;
        cur = this.step(cur, rng);
        if (cur < 0) break;
        if (cur === v) continue;
        if (this.visits[cur]++ === 0) this.touched[distinct++] = cur;
      }
    }
    return distinct;
  }

  /** Moves the `topT` most visited of `touched[0 .. distinct)` to the output and clears the counters. */
  private keepTop(v: number, distinct: number, excluded: ReadonlySet<number> | undefined, neighbors: Int32Array, counts: Float32Array, write: number): number {
    const n = this.graph.numItems;
    let kept = 0;
    for (let k = 0; k < distinct; k++) {
      const u = this.touched[k];
      const c = this.visits[u];
      this.visits[u] = 0;
      if (excluded?.has(u < v ? u * n + v : v * n + u)) continue;
      // Insertion into a sorted list of at most topT entries: count descending, id ascending.
      let pos = kept < this.options.topT ? kept++ : this.options.topT;
      while (pos > 0 && (counts[write + pos - 1] < c || (counts[write + pos - 1] === c && neighbors[write + pos - 1] > u))) {
        if (pos < this.options.topT) {
          counts[write + pos] = counts[write + pos - 1];
          neighbors[write + pos] = neighbors[write + pos - 1];
        }
        pos--;
      }
      if (pos < this.options.topT) {
        counts[write + pos] = c;
        neighbors[write + pos] = u;
      }
    }
    return write + kept;
  }
}

function checkOptions(o: WalkOptions): void {
  const bad = (name: string, allowed: string): never => {
    throw new GraphrecError('walk/bad-option', `Invalid ${name}: ${String(o[name as keyof WalkOptions])}. It must be ${allowed}.`);
  };
  if (!Number.isInteger(o.walks) || o.walks < 1) bad('walks', 'an integer ≥ 1');
  if (!Number.isInteger(o.walkLength) || o.walkLength < 1) bad('walkLength', 'an integer ≥ 1');
  if (!Number.isInteger(o.topT) || o.topT < 1) bad('topT', 'an integer ≥ 1');
  if (!(o.restart >= 0 && o.restart <= 1)) bad('restart', 'a probability in [0, 1]');
  if (!(o.coPurchaseProb >= 0 && o.coPurchaseProb <= 1)) bad('coPurchaseProb', 'a probability in [0, 1]');
}
