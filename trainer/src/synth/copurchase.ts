import type { Rng } from '../util/rng.ts';
import type { Catalogue } from './catalogue.ts';
import { sampleCategory, sampleInCategory } from './category-index.ts';

/** Longest related list, as in the 2014 metadata. */
export const MAX_RELATED = 40;
const NO_ALSO_BOUGHT = 0.05;
const NO_ALSO_VIEWED = 0.15;
const COMPLEMENT_SHARE = 0.15;
const VIEWED_COMPLEMENT_SHARE = 0.1;
const VIEWED_RANDOM_SHARE = 0.25;
const BOUGHT_TOGETHER_SHARE = 0.45;
const ATTEMPTS_PER_SLOT = 8;

/** Counts of sampled edges, by kind. */
export interface RelatedStats {
  alsoBought: number;
  /** also_bought edges within the product's own niche category. */
  alsoBoughtSameCategory: number;
  /** also_bought edges drawn from a complementary category. */
  alsoBoughtComplement: number;
  alsoViewed: number;
  boughtTogether: number;
}

/** Heavy-tailed list length (log-normal, mean about `mean`), in [1, MAX_RELATED]. */
function listLength(rng: Rng, mean: number): number {
  const sigma = 0.9;
  const n = Math.round(Math.exp(Math.log(mean) - (sigma * sigma) / 2 + sigma * rng.normal()));
  return Math.min(MAX_RELATED, Math.max(1, n));
}

/**
 * Samples the related lists of one product at a time into reused buffers,
 * so writing a million products allocates no per-product arrays.
 */
export class RelatedSampler {
  /** [MAX_RELATED] product indices; only the first `alsoBoughtCount` are valid. */
  readonly alsoBought = new Int32Array(MAX_RELATED);
  readonly alsoViewed = new Int32Array(MAX_RELATED);
  readonly boughtTogether = new Int32Array(2);
  alsoBoughtCount = 0;
  alsoViewedCount = 0;
  boughtTogetherCount = 0;
  readonly stats: RelatedStats = { alsoBought: 0, alsoBoughtSameCategory: 0, alsoBoughtComplement: 0, alsoViewed: 0, boughtTogether: 0 };
  private readonly cat: Catalogue;
  private readonly rng: Rng;

  constructor(catalogue: Catalogue, rng: Rng) {
    this.cat = catalogue;
    this.rng = rng;
  }

  /** Fills the three lists of product `i`. */
  sample(i: number): void {
    const rng = this.rng;
    const c = this.cat.category[i];
    this.alsoBoughtCount = 0;
    if (rng.next() >= NO_ALSO_BOUGHT) {
      const n = listLength(rng, 8);
      for (let k = 0; k < n; k++) {
        const complement = rng.next() < COMPLEMENT_SHARE;
        const target = complement ? this.cat.complements[2 * c + rng.int(2)] : c;
        const j = this.draw(i, target, this.alsoBought, this.alsoBoughtCount);
        if (j < 0) continue;
        this.alsoBought[this.alsoBoughtCount++] = j;
        if (this.cat.category[j] === c) this.stats.alsoBoughtSameCategory++;
        else this.stats.alsoBoughtComplement++;
      }
      this.sortByPopularity(this.alsoBought, this.alsoBoughtCount);
    }
    this.alsoViewedCount = 0;
    if (rng.next() >= NO_ALSO_VIEWED) {
      const n = listLength(rng, 10);
      for (let k = 0; k < n; k++) {
        const u = rng.next();
        const target =
          u < VIEWED_RANDOM_SHARE
            ? sampleCategory(this.cat.index, rng.next())
            : u < VIEWED_RANDOM_SHARE + VIEWED_COMPLEMENT_SHARE
              ? this.cat.complements[2 * c + rng.int(2)]
              : c;
        const j = this.draw(i, target, this.alsoViewed, this.alsoViewedCount);
        if (j >= 0) this.alsoViewed[this.alsoViewedCount++] = j;
      }
    }
    this.boughtTogetherCount = 0;
    if (this.alsoBoughtCount > 0 && rng.next() < BOUGHT_TOGETHER_SHARE) {
      const n = Math.min(this.alsoBoughtCount, rng.next() < 0.3 ? 2 : 1);
      for (let k = 0; k < n; k++) this.boughtTogether[this.boughtTogetherCount++] = this.alsoBought[k];
    }
    this.stats.alsoBought += this.alsoBoughtCount;
    this.stats.alsoViewed += this.alsoViewedCount;
    this.stats.boughtTogether += this.boughtTogetherCount;
  }

  /** A popular product of `target`, not `self` and not already in `list[0..count)`; -1 after a few misses. */
  private draw(self: number, target: number, list: Int32Array, count: number): number {
    for (let attempt = 0; attempt < ATTEMPTS_PER_SLOT; attempt++) {
      const j = sampleInCategory(this.cat.index, target, this.rng.next());
      if (j === self || j < 0) continue;
      let dup = false;
      for (let k = 0; k < count && !dup; k++) dup = list[k] === j;
      if (!dup) return j;
    }
    return -1;
  }

  /** Most popular first, as the 2014 lists lead with the strongest co-purchases (insertion sort: n ≤ 40). */
  private sortByPopularity(list: Int32Array, count: number): void {
    const rank = this.cat.rank;
    for (let a = 1; a < count; a++) {
      const v = list[a];
      let b = a - 1;
      while (b >= 0 && rank[list[b]] > rank[v]) {
        list[b + 1] = list[b];
        b--;
      }
      list[b + 1] = v;
    }
  }
}
