import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { Rng } from '../util/rng.ts';
import type { Catalogue } from './catalogue.ts';
import { buildCategoryIndex, sampleCategory, sampleInCategory, type CategoryIndex } from './category-index.ts';

/** The k of the k-core: every user and every reviewed item has at least this many reviews. */
export const CORE = 5;
const MAX_ACTIVITY = 150;
const PREFERRED_SHARE = 0.85;
/** Expected reviews of the least popular reviewable item; top-ups cover the random shortfall. */
const TAIL_EXPECTED_REVIEWS = 4;
const ATTEMPTS = 20;

/** Who reviewed what, 5-core by construction. Times and texts are drawn when writing. */
export interface ReviewPlan {
  numUsers: number;
  /** [numUsers + 1] start of each user's reviews in `items`. */
  userOffsets: Int32Array;
  /** [numReviews] reviewed product of each review, grouped by user, in time order. */
  items: Int32Array;
  /** [numUsers * 3] preferred categories; only the first `prefCount[u]` of a user are set. */
  prefs: Int32Array;
  prefCount: Uint8Array;
  /** Products that received reviews. */
  reviewedItems: number;
  /** Reviews added to lift items to {@link CORE} reviews. */
  toppedUp: number;
}

/** Heavy-tailed number of reviews per user (5 + Lomax, mean about 9). */
function drawActivities(rng: Rng, numUsers: number): Int32Array {
  const out = new Int32Array(numUsers);
  for (let u = 0; u < numUsers; u++) {
    const extra = 2.5 * (Math.pow(1 - rng.next(), -1 / 1.6) - 1);
    out[u] = CORE + Math.min(MAX_ACTIVITY, Math.floor(extra));
  }
  return out;
}

/** Largest K with K·H(K) ≤ reviews / TAIL_EXPECTED_REVIEWS: the rank-K product then expects that many reviews under Zipf(1). */
function reviewableCount(totalReviews: number, numProducts: number): number {
  let h = 0;
  let k = 0;
  while (k < numProducts && (k + 1) * (h + 1 / (k + 1)) <= totalReviews / TAIL_EXPECTED_REVIEWS) h += 1 / ++k;
  return Math.max(Math.min(numProducts, 4 * CORE), k);
}

/** 1–3 distinct preferred categories per user, drawn by popularity mass. */
function drawPrefs(rng: Rng, index: CategoryIndex, numUsers: number): { prefs: Int32Array; prefCount: Uint8Array } {
  const prefs = new Int32Array(numUsers * 3);
  const prefCount = new Uint8Array(numUsers);
  for (let u = 0; u < numUsers; u++) {
    const want = rng.next() < 0.5 ? 1 : rng.next() < 0.7 ? 2 : 3;
    let n = 0;
    for (let attempt = 0; attempt < 10 && n < want; attempt++) {
      const c = sampleCategory(index, rng.next());
      if (n === 0 || (prefs[3 * u] !== c && (n < 2 || prefs[3 * u + 1] !== c))) prefs[3 * u + n++] = c;
    }
    prefCount[u] = n;
  }
  return { prefs, prefCount };
}

function contains(values: Int32Array, from: number, to: number, x: number): boolean {
  for (let k = from; k < to; k++) if (values[k] === x) return true;
  return false;
}

/** A CSR grouping of `values[k]` (< numGroups) by group: `order` lists k in ascending order within each group. */
export function groupBy(values: Int32Array, numGroups: number): { offsets: Int32Array; order: Int32Array } {
  const offsets = new Int32Array(numGroups + 1);
  for (let k = 0; k < values.length; k++) offsets[values[k] + 1]++;
  for (let g = 0; g < numGroups; g++) offsets[g + 1] += offsets[g];
  const fill = offsets.slice(0, numGroups);
  const order = new Int32Array(values.length);
  for (let k = 0; k < values.length; k++) order[fill[values[k]]++] = k;
  return { offsets, order };
}

/** Each user's distinct items, mostly from preferred categories, by popularity among reviewable items. */
function drawUserItems(rng: Rng, index: CategoryIndex, activity: Int32Array, prefs: Int32Array, prefCount: Uint8Array): Int32Array {
  const offsets = new Int32Array(activity.length + 1);
  for (let u = 0; u < activity.length; u++) offsets[u + 1] = offsets[u] + activity[u];
  const items = new Int32Array(offsets[activity.length]);
  for (let u = 0; u < activity.length; u++) {
    const start = offsets[u];
    for (let pos = start; pos < offsets[u + 1]; pos++) {
      let j = -1;
      for (let attempt = 0; attempt < ATTEMPTS && j < 0; attempt++) {
        const c = rng.next() < PREFERRED_SHARE ? prefs[3 * u + rng.int(prefCount[u])] : sampleCategory(index, rng.next());
        const cand = sampleInCategory(index, c, rng.next());
        if (cand >= 0 && !contains(items, start, pos, cand)) j = cand;
      }
      // Activity is capped well below the reviewable count, so a uniform draw soon finds a new item.
      while (j < 0) {
        const cand = index.members[rng.int(index.members.length)];
        if (!contains(items, start, pos, cand)) j = cand;
      }
      items[pos] = j;
    }
  }
  return items;
}

/** The users who prefer each category (CSR). */
function fansByCategory(prefs: Int32Array, prefCount: Uint8Array, numCategories: number): { offsets: Int32Array; users: Int32Array } {
  const offsets = new Int32Array(numCategories + 1);
  for (let u = 0; u < prefCount.length; u++) for (let p = 0; p < prefCount[u]; p++) offsets[prefs[3 * u + p] + 1]++;
  for (let c = 0; c < numCategories; c++) offsets[c + 1] += offsets[c];
  const fill = offsets.slice(0, numCategories);
  const users = new Int32Array(offsets[numCategories]);
  for (let u = 0; u < prefCount.length; u++) for (let p = 0; p < prefCount[u]; p++) users[fill[prefs[3 * u + p]]++] = u;
  return { offsets, users };
}

/**
 * Users who like the item's category are added as reviewers until every
 * reviewable item has CORE reviews; returns the added (user, item) pairs.
 * @param userOf [numReviews] user of each review in `items`.
 */
function topUp(
  rng: Rng,
  cat: Catalogue,
  index: CategoryIndex,
  items: Int32Array,
  userOf: Int32Array,
  fans: { offsets: Int32Array; users: Int32Array },
  numUsers: number,
): { users: number[]; items: number[] } {
  const byItem = groupBy(items, cat.numProducts);
  const added = { users: [] as number[], items: [] as number[] };
  const current: number[] = [];
  for (const i of index.members) {
    const have = byItem.offsets[i + 1] - byItem.offsets[i];
    if (have >= CORE) continue;
    current.length = 0;
    for (let k = byItem.offsets[i]; k < byItem.offsets[i + 1]; k++) current.push(userOf[byItem.order[k]]);
    const c = cat.category[i];
    const lo = fans.offsets[c];
    const poolSize = fans.offsets[c + 1] - lo;
    for (let attempt = 0; current.length < CORE; attempt++) {
      // Fans first; any user once the fans are exhausted, so small categories still terminate.
      const u = attempt < 50 && poolSize > 0 ? fans.users[lo + rng.int(poolSize)] : rng.int(numUsers);
      if (current.includes(u)) continue;
      current.push(u);
      added.users.push(u);
      added.items.push(i);
    }
  }
  return added;
}

/** Adds the top-up pairs to each user's reviews, then shuffles each user's list into its time order. */
function mergeByUser(
  rng: Rng,
  base: Int32Array,
  userOf: Int32Array,
  extra: { users: number[]; items: number[] },
  numUsers: number,
): { userOffsets: Int32Array; items: Int32Array } {
  const userOffsets = new Int32Array(numUsers + 1);
  for (const u of userOf) userOffsets[u + 1]++;
  for (const u of extra.users) userOffsets[u + 1]++;
  for (let u = 0; u < numUsers; u++) userOffsets[u + 1] += userOffsets[u];
  const items = new Int32Array(userOffsets[numUsers]);
  const fill = userOffsets.slice(0, numUsers);
  for (let r = 0; r < base.length; r++) items[fill[userOf[r]]++] = base[r];
  for (let e = 0; e < extra.users.length; e++) items[fill[extra.users[e]]++] = extra.items[e];
  for (let u = 0; u < numUsers; u++) rng.shuffle(items.subarray(userOffsets[u], userOffsets[u + 1]));
  return { userOffsets, items };
}

/**
 * Plans a 5-core review set: reviewable items are the K most popular, K chosen so
 * the least popular still expects ~4 reviews; each user reviews ≥ 5 distinct
 * items; items short of 5 get reviewers from their category's fans.
 * @throws GraphrecError `synth/not-5-core` if the check after planning fails (a bug).
 */
export function planReviews(rng: Rng, cat: Catalogue, numUsers: number): ReviewPlan {
  const activity = drawActivities(rng, numUsers);
  const k = reviewableCount(activity.reduce((a, b) => a + b, 0), cat.numProducts);
  const cap = Math.max(CORE, Math.min(CORE + MAX_ACTIVITY, Math.floor(k / 3)));
  for (let u = 0; u < numUsers; u++) activity[u] = Math.min(cap, activity[u]);
  const index = buildCategoryIndex(cat.category, cat.weight, cat.numCategories, (i) => cat.rank[i] < k);
  const { prefs, prefCount } = drawPrefs(rng, index, numUsers);
  const base = drawUserItems(rng, index, activity, prefs, prefCount);

  const userOf = new Int32Array(base.length);
  for (let u = 0, pos = 0; u < numUsers; u++) for (let n = 0; n < activity[u]; n++) userOf[pos++] = u;
  const fans = fansByCategory(prefs, prefCount, cat.numCategories);
  const extra = topUp(rng, cat, index, base, userOf, fans, numUsers);

  const { userOffsets, items } = mergeByUser(rng, base, userOf, extra, numUsers);
  const plan = { numUsers, userOffsets, items, prefs, prefCount, reviewedItems: 0, toppedUp: extra.users.length };
  plan.reviewedItems = verifyCore(plan, cat.numProducts);
  return plan;
}

/**
 * Checks the k-core property and that no user reviews an item twice.
 * @returns the number of reviewed items.
 * @throws GraphrecError `synth/not-5-core` naming the first violation.
 */
export function verifyCore(plan: Pick<ReviewPlan, 'numUsers' | 'userOffsets' | 'items'>, numProducts: number): number {
  const fail = (what: string): never => {
    throw new GraphrecError('synth/not-5-core', `synthetic reviews are not ${CORE}-core: ${what}`);
  };
  const count = new Int32Array(numProducts);
  const lastUser = new Int32Array(numProducts).fill(-1);
  for (let u = 0; u < plan.numUsers; u++) {
    const from = plan.userOffsets[u];
    const to = plan.userOffsets[u + 1];
    if (to - from < CORE) fail(`user ${u} has ${to - from} reviews`);
    for (let r = from; r < to; r++) {
      const i = plan.items[r];
      if (lastUser[i] === u) fail(`user ${u} reviews product ${i} twice`);
      lastUser[i] = u;
      count[i]++;
    }
  }
  let reviewed = 0;
  for (let i = 0; i < numProducts; i++) {
    if (count[i] > 0 && count[i] < CORE) fail(`product ${i} has ${count[i]} reviews`);
    if (count[i] > 0) reviewed++;
  }
  return reviewed;
}
