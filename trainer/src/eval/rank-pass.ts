import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { Rng } from '../util/rng.ts';

/**
 * The inner loops of the ranking engine, over one query's score row. Item `a`
 * outranks item `b` when `score[a] > score[b]`, or the scores are equal and
 * `tieOrder[a] < tieOrder[b]`; a seeded permutation breaks ties so that equal
 * scores (popularity, common neighbours) are neither rewarded nor punished by id.
 */

/**
 * A seeded random permutation used as tie-break priority: `tieOrder[item]` is
 * the item's position, `[numItems]`.
 */
export function tieBreakOrder(numItems: number, seed: number): Int32Array {
  const order = new Int32Array(numItems);
  for (let i = 0; i < numItems; i++) order[i] = i;
  return new Rng(seed).shuffle(order);
}

/**
 * Writes the exact 1-based rank of each relevant item among the unblocked items
 * of `row`: one branch-free pass over the row per relevant item, a second one when
 * it has ties (O(numItems × R)).
 * Blocked items must already hold `-Infinity` in `row`, so they never outrank a
 * finite score; a relevant item scored `-Infinity` is ranked by the mask instead.
 * @param row `[numItems]` scores of one query, `-Infinity` at blocked items.
 * @param relevant `[R]` relevant item ids, all unblocked.
 * @param blocked `[numItems]` 1 for items that are not candidates of this query.
 * @param tieOrder `[numItems]` tie-break priority, see {@link tieBreakOrder}.
 * @param ranks `[≥ R]` output; `ranks[j]` is the rank of `relevant[j]`.
 * @throws GraphrecError `eval/nan-score` when a candidate's score is NaN.
 */
export function rankRelevant(row: Float32Array, relevant: Int32Array, blocked: Uint8Array, tieOrder: Int32Array, ranks: Float64Array): void {
  if (relevant.length > MANY_RELEVANT && relevant.every((r) => row[r] > -Infinity)) {
    rankMany(row, relevant, tieOrder, ranks);
    return;
  }
  for (let j = 0; j < relevant.length; j++) {
    const r = relevant[j];
    const sr = row[r];
    if (sr !== sr) throw nanError(r);
    const above = sr === -Infinity ? countAboveMasked(row, blocked, tieOrder, sr, tieOrder[r]) : countAbove(row, tieOrder, sr, tieOrder[r]);
    if (above < 0) throw nanError(firstNaN(row));
    ranks[j] = 1 + above;
  }
}

/** Items outranking score `sr` with priority `tr` over the whole row; -1 when the row holds a NaN. */
/** Past this many relevant items, one pass with binary searches beats one pass per item. */
const MANY_RELEVANT = 8;

/**
 * Ranks many relevant items in one pass, O(n log k): with the relevant items
 * sorted best first, the ones an item outranks form a suffix, found by binary
 * search; a difference array then sums, for each relevant item, how many
 * items outrank it. Same ranks as {@link countAbove}, tie order included.
 */
function rankMany(row: Float32Array, relevant: Int32Array, tieOrder: Int32Array, ranks: Float64Array): void {
  const k = relevant.length;
  const order = Int32Array.from(relevant).sort((a, b) => row[b] - row[a] || tieOrder[a] - tieOrder[b]);
  const scores = Float64Array.from(order, (r) => row[r]);
  const ties = Int32Array.from(order, (r) => tieOrder[r]);
  const diff = new Float64Array(k + 1);
  for (let c = 0; c < row.length; c++) {
    const s = row[c];
    if (s !== s) throw nanError(c);
    if (s === -Infinity) continue;
    const t = tieOrder[c];
    // first j that c outranks: (s > scores[j]) or (s === scores[j] and t < ties[j])
    let lo = 0;
    let hi = k;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s > scores[mid] || (s === scores[mid] && t < ties[mid])) hi = mid;
      else lo = mid + 1;
    }
    diff[lo]++;
  }
  let above = 0;
  const rankOf = new Map<number, number>();
  for (let j = 0; j < k; j++) {
    above += diff[j];
    rankOf.set(order[j], 1 + above);
  }
  for (let j = 0; j < k; j++) ranks[j] = rankOf.get(relevant[j])!;
}

function countAbove(row: Float32Array, tieOrder: Int32Array, sr: number, tr: number): number {
  const n = row.length;
  let above = 0;
  let below = 0;
  // Counting without branches: about half the items beat a mediocre item, so a branch would mispredict.
  for (let c = 0; c < n; c++) {
    const s = row[c];
    above += +(s > sr);
    below += +(s < sr);
  }
  // The rest are the item itself, its ties and NaNs; only then is a second pass needed.
  if (n - above - below === 1) return above;
  for (let c = 0; c < n; c++) {
    const s = row[c];
    if (s !== s) return -1;
    above += +(s === sr) & +(tieOrder[c] < tr);
  }
  return above;
}

/** The same count, skipping blocked items explicitly (only for a relevant item scored -Infinity). */
function countAboveMasked(row: Float32Array, blocked: Uint8Array, tieOrder: Int32Array, sr: number, tr: number): number {
  let above = 0;
  for (let c = 0; c < row.length; c++) {
    if (blocked[c] !== 0) continue;
    const s = row[c];
    if (s !== s) return -1;
    if (s > sr || (s === sr && tieOrder[c] < tr)) above++;
  }
  return above;
}

function firstNaN(row: Float32Array): number {
  for (let c = 0; c < row.length; c++) if (row[c] !== row[c]) return c;
  return -1;
}

function nanError(item: number): GraphrecError {
  return new GraphrecError('eval/nan-score', `the scorer returned NaN for item ${item}`, { item });
}

/**
 * The best `n` unblocked items of `row`, best first, by a bounded min-heap
 * (O(numItems log n), no full sort).
 * @param row `[numItems]` scores of one query.
 * @param blocked `[numItems]` 1 for items that are not candidates.
 * @param tieOrder `[numItems]` tie-break priority.
 * @param heap `[≥ n]` scratch.
 * @returns `[min(n, #candidates)]` item ids.
 */
export function selectTop(row: Float32Array, blocked: Uint8Array, tieOrder: Int32Array, n: number, heap: Int32Array): Int32Array {
  let size = 0;
  let c = 0;
  for (; c < row.length && size < n; c++) {
    if (blocked[c] !== 0) continue;
    heap[size] = c;
    siftUp(heap, size++, row, tieOrder);
  }
  if (size > 0) {
    // Most items fall below the kept worst; compare against cached root values first.
    let rootScore = row[heap[0]];
    let rootTie = tieOrder[heap[0]];
    for (; c < row.length; c++) {
      const s = row[c];
      if (!(s > rootScore || (s === rootScore && tieOrder[c] < rootTie)) || blocked[c] !== 0) continue;
      heap[0] = c;
      siftDown(heap, size, row, tieOrder);
      rootScore = row[heap[0]];
      rootTie = tieOrder[heap[0]];
    }
  }
  const top = new Int32Array(size);
  for (let k = size - 1; k >= 0; k--) {
    top[k] = heap[0];
    heap[0] = heap[k];
    siftDown(heap, k, row, tieOrder);
  }
  return top;
}

function outranks(a: number, b: number, row: Float32Array, tieOrder: Int32Array): boolean {
  return row[a] > row[b] || (row[a] === row[b] && tieOrder[a] < tieOrder[b]);
}

/** Restores the min-heap (root = worst kept item) after appending at `i`. */
function siftUp(heap: Int32Array, i: number, row: Float32Array, tieOrder: Int32Array): void {
  const item = heap[i];
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!outranks(heap[parent], item, row, tieOrder)) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = item;
}

/** Restores the min-heap of `size` entries after replacing the root. */
function siftDown(heap: Int32Array, size: number, row: Float32Array, tieOrder: Int32Array): void {
  const item = heap[0];
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && outranks(heap[child], heap[child + 1], row, tieOrder)) child++;
    if (!outranks(item, heap[child], row, tieOrder)) break;
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = item;
}
