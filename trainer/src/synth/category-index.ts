/**
 * Items grouped by category (CSR) with cumulative popularity, for sampling an
 * item of a category in proportion to its popularity in O(log n).
 */
export interface CategoryIndex {
  /** [numCategories + 1] start of each category in `members`. */
  offsets: Int32Array;
  /** [numMembers] item indices, grouped by category, ascending within a category. */
  members: Int32Array;
  /** [numMembers] running sum of popularity within each category (restarts per category). */
  cumWeight: Float64Array;
  /** [numCategories] running sum of the categories' total popularity. */
  cumMass: Float64Array;
}

/**
 * Groups items by category, keeping only those `include` accepts.
 * @param category [numItems] category of each item.
 * @param weight [numItems] popularity of each item, > 0.
 */
export function buildCategoryIndex(
  category: Int32Array,
  weight: Float64Array,
  numCategories: number,
  include: (item: number) => boolean = () => true,
): CategoryIndex {
  const offsets = new Int32Array(numCategories + 1);
  for (let i = 0; i < category.length; i++) if (include(i)) offsets[category[i] + 1]++;
  for (let c = 0; c < numCategories; c++) offsets[c + 1] += offsets[c];
  const members = new Int32Array(offsets[numCategories]);
  const fill = offsets.slice(0, numCategories);
  for (let i = 0; i < category.length; i++) if (include(i)) members[fill[category[i]]++] = i;
  const cumWeight = new Float64Array(members.length);
  const cumMass = new Float64Array(numCategories);
  let mass = 0;
  for (let c = 0; c < numCategories; c++) {
    let run = 0;
    for (let k = offsets[c]; k < offsets[c + 1]; k++) cumWeight[k] = run += weight[members[k]];
    cumMass[c] = mass += run;
  }
  return { offsets, members, cumWeight, cumMass };
}

/** First index in [lo, hi) whose value exceeds `x` (hi - 1 when none, guarding rounding at the top end). */
function upperBound(values: Float64Array, lo: number, hi: number, x: number): number {
  let a = lo;
  let b = hi - 1;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (values[mid] > x) b = mid;
    else a = mid + 1;
  }
  return a;
}

/** Number of items of category `c` in the index. */
export function categorySize(index: CategoryIndex, c: number): number {
  return index.offsets[c + 1] - index.offsets[c];
}

/**
 * An item of category `c`, drawn in proportion to popularity; -1 when the category is empty.
 * @param u a uniform number in [0, 1).
 */
export function sampleInCategory(index: CategoryIndex, c: number, u: number): number {
  const k = samplePositionInCategory(index, c, u);
  return k < 0 ? -1 : index.members[k];
}

/**
 * Like {@link sampleInCategory} but returns the position in `members` (within
 * `offsets[c]..offsets[c + 1]`), or -1 when the category is empty.
 */
export function samplePositionInCategory(index: CategoryIndex, c: number, u: number): number {
  const lo = index.offsets[c];
  const hi = index.offsets[c + 1];
  if (hi === lo) return -1;
  return upperBound(index.cumWeight, lo, hi, u * index.cumWeight[hi - 1]);
}

/**
 * A category drawn in proportion to its total popularity.
 * @param u a uniform number in [0, 1).
 */
export function sampleCategory(index: CategoryIndex, u: number): number {
  const n = index.cumMass.length;
  return upperBound(index.cumMass, 0, n, u * index.cumMass[n - 1]);
}
