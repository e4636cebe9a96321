import type { Rng } from '../util/rng.ts';
import type { Catalogue } from './catalogue.ts';
import { sampleCategory, sampleInCategory, samplePositionInCategory } from './category-index.ts';

/** Longest also_viewed list (and also_bought at the default mean), as in the 2014 metadata. */
export const MAX_RELATED = 40;
/**
 * Default mean also_bought list length. At exactly this value lists are drawn as
 * before the option existed (a slot whose draws keep hitting picked products is
 * dropped), so outputs stay byte-identical for a seed.
 */
export const DEFAULT_ALSO_BOUGHT_MEAN = 8;
/** Allowed range of the mean also_bought list length. */
export const MIN_ALSO_BOUGHT_MEAN = 1;
export const MAX_ALSO_BOUGHT_MEAN = 40;
/** The longest also_bought list is this many times the mean (40 at the default 8, 200 at most). */
const ALSO_BOUGHT_MAX_PER_MEAN = 5;
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

/** Longest also_bought list for a mean list length: 5 × mean, rounded, so 40 at the default 8. */
export function alsoBoughtMaxLength(mean: number): number {
  return Math.max(1, Math.round(ALSO_BOUGHT_MAX_PER_MEAN * mean));
}

/** Heavy-tailed list length (log-normal, mean about `mean`), in [1, max]. */
function listLength(rng: Rng, mean: number, max: number): number {
  const sigma = 0.9;
  const n = Math.round(Math.exp(Math.log(mean) - (sigma * sigma) / 2 + sigma * rng.normal()));
  return Math.min(max, Math.max(1, n));
}

/**
 * Samples the related lists of one product at a time into reused buffers,
 * so writing a million products allocates no per-product arrays.
 */
export class RelatedSampler {
  /** [alsoBoughtMaxLength(mean)] product indices; only the first `alsoBoughtCount` are valid. */
  readonly alsoBought: Int32Array;
  readonly alsoViewed = new Int32Array(MAX_RELATED);
  readonly boughtTogether = new Int32Array(2);
  alsoBoughtCount = 0;
  alsoViewedCount = 0;
  boughtTogetherCount = 0;
  readonly stats: RelatedStats = { alsoBought: 0, alsoBoughtSameCategory: 0, alsoBoughtComplement: 0, alsoViewed: 0, boughtTogether: 0 };
  private readonly cat: Catalogue;
  private readonly rng: Rng;
  private readonly boughtMean: number;
  private readonly boughtMax: number;
  /** Fill a slot whose popularity draws all hit picked products with an unpicked one (off at the default mean). */
  private readonly topUp: boolean;
  /** [numProducts] equals `stamp` for the product being sampled and its also_bought picks so far. */
  private readonly picked: Int32Array;
  private stamp = 0;

  /**
   * @param alsoBoughtMean mean also_bought list length, in [1, 40]; the longest list is 5 × mean.
   *   Lists always hold distinct products; away from the default 8 a slot whose popularity
   *   draws keep hitting picked products takes the next unpicked product of the category
   *   instead of being dropped, so long lists in small categories keep their drawn length.
   */
  constructor(catalogue: Catalogue, rng: Rng, alsoBoughtMean = DEFAULT_ALSO_BOUGHT_MEAN) {
    if (!(alsoBoughtMean >= MIN_ALSO_BOUGHT_MEAN && alsoBoughtMean <= MAX_ALSO_BOUGHT_MEAN)) {
      throw new RangeError(`alsoBoughtMean must be in [${MIN_ALSO_BOUGHT_MEAN}, ${MAX_ALSO_BOUGHT_MEAN}], got ${alsoBoughtMean}`);
    }
    this.cat = catalogue;
    this.rng = rng;
    this.boughtMean = alsoBoughtMean;
    this.boughtMax = alsoBoughtMaxLength(alsoBoughtMean);
    this.topUp = alsoBoughtMean !== DEFAULT_ALSO_BOUGHT_MEAN;
    this.alsoBought = new Int32Array(this.boughtMax);
    this.picked = new Int32Array(catalogue.numProducts);
  }

  /** Fills the three lists of product `i`. */
  sample(i: number): void {
    const rng = this.rng;
    const c = this.cat.category[i];
    this.alsoBoughtCount = 0;
    if (rng.next() >= NO_ALSO_BOUGHT) {
      const n = listLength(rng, this.boughtMean, this.boughtMax);
      const stamp = ++this.stamp;
      this.picked[i] = stamp;
      for (let k = 0; k < n; k++) {
        const complement = rng.next() < COMPLEMENT_SHARE;
        const target = complement ? this.cat.complements[2 * c + rng.int(2)] : c;
        const j = this.drawDistinct(target, stamp);
        if (j < 0) continue;
        this.picked[j] = stamp;
        this.alsoBought[this.alsoBoughtCount++] = j;
        if (this.cat.category[j] === c) this.stats.alsoBoughtSameCategory++;
        else this.stats.alsoBoughtComplement++;
      }
      this.sortByPopularity(this.alsoBought, this.alsoBoughtCount);
    }
    this.alsoViewedCount = 0;
    if (rng.next() >= NO_ALSO_VIEWED) {
      const n = listLength(rng, 10, MAX_RELATED);
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

  /**
   * A popular product of `target` not marked with `stamp` (the product itself and its picks so far).
   * After a few misses: -1, or with top-up the next unmarked product of `target` after the last
   * draw (-1 only when every product of `target` is marked). Consumes exactly ATTEMPTS_PER_SLOT
   * draws on a miss, as {@link draw} does, so the default path's random stream is unchanged.
   */
  private drawDistinct(target: number, stamp: number): number {
    const index = this.cat.index;
    let pos = -1;
    for (let attempt = 0; attempt < ATTEMPTS_PER_SLOT; attempt++) {
      pos = samplePositionInCategory(index, target, this.rng.next());
      if (pos < 0) continue;
      const j = index.members[pos];
      if (this.picked[j] !== stamp) return j;
    }
    if (!this.topUp || pos < 0) return -1;
    const lo = index.offsets[target];
    const size = index.offsets[target + 1] - lo;
    for (let step = 1; step < size; step++) {
      const j = index.members[lo + ((pos - lo + step) % size)];
      if (this.picked[j] !== stamp) return j;
    }
    return -1;
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

  /** Most popular first, as the 2014 lists lead with the strongest co-purchases (insertion sort: n ≤ 200, ~mean on average). */
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
