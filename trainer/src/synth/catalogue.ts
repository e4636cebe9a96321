import type { Rng } from '../util/rng.ts';
import { buildCategoryIndex, type CategoryIndex } from './category-index.ts';

/** Zipf exponent of product popularity by rank. */
const ZIPF_EXPONENT = 1;
const PRICE_SIGMA = 0.45;
const MIN_TYPICAL_PRICE = 4;
const MAX_TYPICAL_PRICE = 150;

/**
 * The planted per-product state, in typed arrays so a million products stay small.
 * Product `i` has ASIN `asinOf(i)`.
 */
export interface Catalogue {
  numProducts: number;
  numCategories: number;
  /** [numProducts] latent (niche) category. */
  category: Int32Array;
  /** [numProducts] popularity rank, 0 = most popular; a permutation. */
  rank: Int32Array;
  /** [numProducts] popularity, 1 / (rank + 1)^s. */
  weight: Float64Array;
  /** [numProducts] latent quality (standard normal), drives ratings. */
  quality: Float32Array;
  /** [numCategories] mean log price. */
  logPriceMean: Float32Array;
  /** [numCategories * 2] complementary categories; the second equals the first when there is only one. */
  complements: Int32Array;
  /** All products by category, for popularity sampling. */
  index: CategoryIndex;
}

/** Category of each product: every category gets one, the rest follow log-normal category sizes. */
function assignCategories(rng: Rng, numProducts: number, numCategories: number): Int32Array {
  const cum = new Float64Array(numCategories);
  let total = 0;
  for (let c = 0; c < numCategories; c++) cum[c] = total += Math.exp(0.8 * rng.normal());
  const category = new Int32Array(numProducts);
  for (let i = 0; i < numProducts; i++) {
    if (i < numCategories) {
      category[i] = i;
      continue;
    }
    const x = rng.next() * total;
    let lo = 0;
    let hi = numCategories - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    category[i] = lo;
  }
  return rng.shuffle(category);
}

/** One or two complementary categories per category (a camera's tripods and memory cards). */
function assignComplements(rng: Rng, numCategories: number): Int32Array {
  const out = new Int32Array(numCategories * 2);
  for (let c = 0; c < numCategories; c++) {
    const other = (): number => (numCategories === 1 ? c : (c + 1 + rng.int(numCategories - 1)) % numCategories);
    out[2 * c] = other();
    out[2 * c + 1] = rng.next() < 0.5 ? other() : out[2 * c];
  }
  return out;
}

/**
 * Draws the catalogue: categories, Zipf popularity, quality and price levels.
 * @param numProducts ≥ numCategories.
 */
export function buildCatalogue(rng: Rng, numProducts: number, numCategories: number): Catalogue {
  const category = assignCategories(rng, numProducts, numCategories);
  const rank = new Int32Array(numProducts);
  for (let i = 0; i < numProducts; i++) rank[i] = i;
  rng.shuffle(rank);
  const weight = new Float64Array(numProducts);
  const quality = new Float32Array(numProducts);
  for (let i = 0; i < numProducts; i++) {
    weight[i] = 1 / Math.pow(rank[i] + 1, ZIPF_EXPONENT);
    quality[i] = rng.normal();
  }
  const logPriceMean = new Float32Array(numCategories);
  const span = Math.log(MAX_TYPICAL_PRICE / MIN_TYPICAL_PRICE);
  for (let c = 0; c < numCategories; c++) logPriceMean[c] = Math.log(MIN_TYPICAL_PRICE) + rng.next() * span;
  const complements = assignComplements(rng, numCategories);
  const index = buildCategoryIndex(category, weight, numCategories);
  return { numProducts, numCategories, category, rank, weight, quality, logPriceMean, complements, index };
}

/** A log-normal price in dollars for a product of category `c`, rounded to cents. */
export function samplePrice(catalogue: Catalogue, c: number, rng: Rng): number {
  const p = Math.exp(catalogue.logPriceMean[c] + PRICE_SIGMA * rng.normal());
  return Math.max(0.01, Math.round(p * 100) / 100);
}
