import type { Rng } from '../util/rng.ts';
import type { Catalogue } from './catalogue.ts';
import { asinOf, hash32, reviewerIdOf } from './ids.ts';
import { groupBy, type ReviewPlan } from './reviews.ts';
import type { LineWriter } from './sink.ts';
import type { Taxonomy } from './taxonomy.ts';
import { capitalize, pseudoWords, REVIEW_PHRASES, STAR_SUMMARIES } from './vocabulary.ts';
import { formatReviewLine, reviewTimeOf } from './writers.ts';

/** Reviews fall on days from 2010-01-01 to 2014-07-23 (the end of the 2014 crawl), UTC midnight. */
const FIRST_DAY = Date.UTC(2010, 0, 1) / 1000;
const NUM_DAYS = (Date.UTC(2014, 6, 23) / 1000 - FIRST_DAY) / 86400;
const PROGRESS_EVERY = 100_000;

/** What writing the reviews produced. */
export interface ReviewStats {
  reviews: number;
  /** Reviews per star rating, index 0 = one star. */
  ratings: number[];
  firstTime: number;
  lastTime: number;
}

/**
 * Distinct, increasing review days per user: a window of the user's active
 * period, then that many distinct days inside it.
 * @returns [numReviews] unix seconds, aligned with `plan.items`.
 */
function drawTimes(rng: Rng, plan: ReviewPlan): Int32Array {
  const times = new Int32Array(plan.items.length);
  for (let u = 0; u < plan.numUsers; u++) {
    const from = plan.userOffsets[u];
    const to = plan.userOffsets[u + 1];
    const n = to - from;
    const window = Math.min(NUM_DAYS, Math.max(3 * n, Math.round(NUM_DAYS * rng.next())));
    const start = rng.int(NUM_DAYS - window + 1);
    for (let r = from; r < to; r++) {
      let day: number;
      do day = start + rng.int(window);
      while (times.subarray(from, r).includes(day));
      times[r] = day;
    }
    times.subarray(from, to).sort();
    for (let r = from; r < to; r++) times[r] = FIRST_DAY + times[r] * 86400;
  }
  return times;
}

/** Reviewer names keyed by a hash of the user, so they need no per-user storage; a few users have none. */
function makeNamer(rng: Rng): (u: number) => string | undefined {
  const first = pseudoWords(rng, 300).map(capitalize);
  const last = pseudoWords(rng, 300).map(capitalize);
  const salt = rng.nextUint32();
  return (u) => {
    const h = hash32(u ^ salt);
    const style = h % 1000;
    const a = first[(h >>> 10) % first.length];
    const b = last[(h >>> 20) % last.length];
    if (style < 3) return undefined;
    if (style < 60) return `${a} ${b} "${a.toLowerCase()}${style}"`;
    if (style < 400) return `${a} ${b.charAt(0)}.`;
    if (style < 750) return `${a} ${b}`;
    return a.toLowerCase() + (style % 100);
  };
}

/** Star rating from item quality, user leniency and noise; skewed to 4–5 like real reviews. */
function rate(quality: number, leniency: number, rng: Rng): number {
  const s = 4.3 + 0.7 * quality + 0.5 * leniency + 0.8 * rng.normal();
  return Math.min(5, Math.max(1, Math.round(s)));
}

/** A short review text and summary that name the product's category words. */
function describe(rng: Rng, words: readonly string[], rating: number): { text: string; summary: string } {
  const [openings, qualities, closings] = REVIEW_PHRASES[rating <= 2 ? 0 : rating === 3 ? 1 : 2];
  const w1 = words[rng.int(words.length)];
  const w2 = words[rng.int(words.length)];
  const quality = qualities[rng.int(qualities.length)];
  const text = `${openings[rng.int(openings.length)]} ${w1} ${w2}. It ${quality}. ${closings[rng.int(closings.length)]}`;
  const summary = rng.next() < 0.4 ? STAR_SUMMARIES[rating - 1] : `${capitalize(w2)} ${quality}`;
  return { text, summary };
}

/** Helpful votes `[helpful, total]`: most reviews have none, a few have many. */
function helpfulVotes(rng: Rng, rating: number): [number, number] {
  if (rng.next() < 0.6) return [0, 0];
  const total = Math.min(2000, Math.floor(Math.pow(1 - rng.next(), -1 / 1.2)));
  const share = rating >= 4 ? 0.6 + 0.4 * rng.next() : 0.2 + 0.6 * rng.next();
  return [Math.round(total * share), total];
}

/**
 * Streams `reviews_*_5.json(.gz)`: the planned reviews as 2014 5-core JSON lines,
 * grouped by ASIN in ascending order, as the published files are.
 */
export async function writeReviews(
  out: LineWriter,
  plan: ReviewPlan,
  catalogue: Catalogue,
  taxonomy: Taxonomy,
  rng: Rng,
  progress: (done: number, total: number) => void,
): Promise<ReviewStats> {
  const times = drawTimes(rng, plan);
  const userOf = new Int32Array(plan.items.length);
  for (let u = 0; u < plan.numUsers; u++) userOf.fill(u, plan.userOffsets[u], plan.userOffsets[u + 1]);
  const leniency = new Float32Array(plan.numUsers);
  for (let u = 0; u < plan.numUsers; u++) leniency[u] = rng.normal();
  const nameOf = makeNamer(rng);
  const byItem = groupBy(plan.items, catalogue.numProducts);
  const labels: string[] = [];
  const dayLabel = (t: number): string => (labels[(t - FIRST_DAY) / 86400] ??= reviewTimeOf(t));
  const stats: ReviewStats = { reviews: 0, ratings: [0, 0, 0, 0, 0], firstTime: Infinity, lastTime: -Infinity };
  for (let i = 0; i < catalogue.numProducts; i++) {
    const from = byItem.offsets[i];
    const to = byItem.offsets[i + 1];
    if (from === to) continue;
    const asin = asinOf(i);
    const words = taxonomy.nicheWords[catalogue.category[i]];
    for (let k = from; k < to; k++) {
      const r = byItem.order[k];
      const u = userOf[r];
      const overall = rate(catalogue.quality[i], leniency[u], rng);
      const { text, summary } = describe(rng, words, overall);
      const line = formatReviewLine({
        reviewerID: reviewerIdOf(u),
        asin,
        reviewerName: nameOf(u),
        helpful: helpfulVotes(rng, overall),
        reviewText: text,
        overall,
        summary,
        unixReviewTime: times[r],
        reviewTime: dayLabel(times[r]),
      });
      stats.ratings[overall - 1]++;
      stats.firstTime = Math.min(stats.firstTime, times[r]);
      stats.lastTime = Math.max(stats.lastTime, times[r]);
      if (out.add(line)) await out.flush();
      if (++stats.reviews % PROGRESS_EVERY === 0) progress(stats.reviews, plan.items.length);
    }
  }
  progress(stats.reviews, plan.items.length);
  return stats;
}
