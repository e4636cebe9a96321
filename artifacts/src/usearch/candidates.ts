/**
 * The two candidate lists of usearch's HNSW search, ported so that ties break
 * the same way (usearch/include/usearch/index.hpp):
 * - {@link CandidateHeap} mirrors `max_heap_gt` over `-distance` (`next_candidates_t`):
 *   it pops the closest candidate, with the same sift-up / sift-down order.
 * - {@link TopBuffer} mirrors `sorted_buffer_gt` (`top_candidates_t`): kept sorted
 *   ascending, a new entry goes before equal distances (`std::lower_bound`), and
 *   once `limit` entries are held the farthest falls off.
 * Both keep parallel typed arrays and are reused across searches.
 */

/** Min-heap on distance with usearch's exact sift order. */
export class CandidateHeap {
  dist: Float32Array;
  slot: Uint32Array;
  size = 0;

  constructor(capacity = 256) {
    this.dist = new Float32Array(capacity);
    this.slot = new Uint32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  push(distance: number, slot: number): void {
    if (this.size === this.dist.length) this.grow();
    const dist = this.dist;
    const slots = this.slot;
    let i = this.size++;
    dist[i] = distance;
    slots[i] = slot;
    // `shift_up`: swap with the parent while the parent is strictly farther.
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      if (!(dist[parent] > dist[i])) break;
      swap(dist, slots, parent, i);
      i = parent;
    }
  }

  /** Removes the closest candidate (read it first from `dist[0]`, `slot[0]`). */
  pop(): void {
    const dist = this.dist;
    const slots = this.slot;
    const size = --this.size;
    swap(dist, slots, 0, size);
    // `shift_down`: the closer child wins, the left one on ties.
    let i = 0;
    for (;;) {
      let best = i;
      const left = 2 * i + 1;
      const right = left + 1;
      if (left < size && dist[best] > dist[left]) best = left;
      if (right < size && dist[best] > dist[right]) best = right;
      if (best === i) return;
      swap(dist, slots, i, best);
      i = best;
    }
  }

  private grow(): void {
    const dist = new Float32Array(this.dist.length * 2);
    const slot = new Uint32Array(this.slot.length * 2);
    dist.set(this.dist);
    slot.set(this.slot);
    this.dist = dist;
    this.slot = slot;
  }
}

function swap(dist: Float32Array, slots: Uint32Array, a: number, b: number): void {
  const d = dist[a];
  dist[a] = dist[b];
  dist[b] = d;
  const s = slots[a];
  slots[a] = slots[b];
  slots[b] = s;
}

/** The best `limit` candidates so far, sorted ascending by distance. */
export class TopBuffer {
  dist: Float32Array;
  slot: Uint32Array;
  size = 0;

  constructor(capacity = 64) {
    this.dist = new Float32Array(capacity);
    this.slot = new Uint32Array(capacity);
  }

  /** Empties the buffer, making room for `limit` entries. */
  reset(limit: number): void {
    if (this.dist.length < limit) {
      this.dist = new Float32Array(limit);
      this.slot = new Uint32Array(limit);
    }
    this.size = 0;
  }

  /**
   * Inserts unless `limit` closer-or-equal entries are already held.
   * @returns whether the entry was kept.
   */
  insert(distance: number, slot: number, limit: number): boolean {
    const dist = this.dist;
    const slots = this.slot;
    const size = this.size;
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (dist[mid] < distance) lo = mid + 1;
      else hi = mid;
    }
    if (lo === limit) return false;
    for (let i = size === limit ? size - 1 : size; i > lo; i--) {
      dist[i] = dist[i - 1];
      slots[i] = slots[i - 1];
    }
    dist[lo] = distance;
    slots[lo] = slot;
    if (size !== limit) this.size = size + 1;
    return true;
  }

  /** The farthest distance held (`top()` in usearch); only valid when not empty. */
  worst(): number {
    return this.dist[this.size - 1];
  }
}
