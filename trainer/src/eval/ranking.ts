import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { EdgeList } from '../graph/csr.ts';
import { MetricAccumulator, aucAndAp } from './metrics.ts';
import { rankRelevant, selectTop, tieBreakOrder } from './rank-pass.ts';
import type { MethodResult, RankingTask, Scorer } from './types.ts';
import { K_VALUES } from './types.ts';

/** Options of {@link evaluateRanking}. */
export interface RankingOptions {
  /** Seeds the tie-break permutation; the same seed gives the same ranks. */
  seed: number;
  /** Queries scored per `scoreBlock` call (default 256); the buffer is `[blockSize, numItems]` floats. */
  blockSize?: number;
  /** Cut-offs (default {@link K_VALUES}). */
  ks?: readonly number[];
  /** When set, also return each query's best `topN` candidates. */
  topN?: number;
}

/** A {@link MethodResult}, plus the top candidates per query when `topN` was asked for. */
export interface RankingResult extends MethodResult {
  /** Per query, `[min(topN, #candidates)]` item ids, best first. */
  topItems?: Int32Array[];
  /** Per query, the 1-based rank of its best-placed relevant item (absent when the scorer could not score): what paired tests compare. */
  bestRanks?: Float64Array;
}

/**
 * Ranks every query's relevant items exactly among its candidates and averages
 * HR / Recall / NDCG @K and MRR. Candidates are the items allowed by
 * `task.candidates` (all when absent) minus `task.excluded[q]`; other relevant
 * items stay candidates. Ties are broken by a seeded random permutation, never by id.
 * @param task queries with `relevant[q]` (non-empty, all candidates) and `excluded[q]`.
 * @param scorer fills `[block, numItems]` scores per block of queries.
 * @param options `seed`, `blockSize`, `ks`, `topN`.
 * @returns `metrics: null` with the scorer's reason when it cannot score the queries.
 * @throws GraphrecError `eval/nan-score` on a NaN candidate score, `eval/relevant-not-candidate`
 *   when a relevant item is excluded or masked, `eval/bad-task` on malformed input.
 * @example
 * const result = await evaluateRanking(task, popularityScorer(view), { seed: 1 });
 * result.metrics?.['hr@10'];
 */
export async function evaluateRanking(task: RankingTask, scorer: Scorer, options: RankingOptions): Promise<RankingResult> {
  checkTask(task);
  const { numItems, queries } = task;
  const reason = scorer.cannotScore?.(queries);
  if (reason !== undefined) return { method: scorer.name, metrics: null, queries: queries.length, note: reason };

  const blockSize = Math.max(1, Math.floor(options.blockSize ?? 256));
  const topN = options.topN;
  const accumulator = new MetricAccumulator(options.ks ?? K_VALUES);
  const tieOrder = tieBreakOrder(numItems, options.seed);
  const allowed = task.candidates;
  const blocked = new Uint8Array(numItems);
  if (allowed) for (let i = 0; i < numItems; i++) blocked[i] = allowed[i] === 1 ? 0 : 1;
  const nonCandidates = idsWhere(blocked);

  let maxRelevant = 0;
  for (const rel of task.relevant) maxRelevant = Math.max(maxRelevant, rel.length);
  const ranks = new Float64Array(maxRelevant);
  const bestRanks = new Float64Array(queries.length);
  const heap = new Int32Array(topN ?? 0);
  const topItems: Int32Array[] | undefined = topN === undefined ? undefined : [];
  const buffer = new Float32Array(Math.min(blockSize, queries.length) * numItems);

  for (let start = 0; start < queries.length; start += blockSize) {
    const end = Math.min(start + blockSize, queries.length);
    const scores = buffer.subarray(0, (end - start) * numItems);
    scores.fill(0);
    await scorer.scoreBlock(queries.slice(start, end), scores);
    for (let q = start; q < end; q++) {
      const row = scores.subarray((q - start) * numItems, (q - start + 1) * numItems);
      const excluded = task.excluded[q];
      const relevant = task.relevant[q];
      for (let i = 0; i < excluded.length; i++) blocked[excluded[i]] = 1;
      checkRelevant(relevant, blocked, q);
      // Sinking blocked items lets the rank pass skip the mask (see rankRelevant).
      for (let i = 0; i < excluded.length; i++) row[excluded[i]] = -Infinity;
      for (let i = 0; i < nonCandidates.length; i++) row[nonCandidates[i]] = -Infinity;
      rankRelevant(row, relevant, blocked, tieOrder, ranks);
      accumulator.add(ranks.subarray(0, relevant.length));
      let best = Infinity;
      for (let j = 0; j < relevant.length; j++) best = Math.min(best, ranks[j]);
      bestRanks[q] = best;
      if (topItems && topN !== undefined) topItems.push(selectTop(row, blocked, tieOrder, topN, heap));
      for (let i = 0; i < excluded.length; i++) {
        const e = excluded[i];
        blocked[e] = allowed && allowed[e] !== 1 ? 1 : 0;
      }
    }
  }
  const result: RankingResult = { method: scorer.name, metrics: accumulator.means(), queries: queries.length, bestRanks };
  if (topItems) result.topItems = topItems;
  return result;
}

function idsWhere(mask: Uint8Array): Int32Array {
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i];
  const ids = new Int32Array(count);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i] !== 0) ids[k++] = i;
  return ids;
}

/** Checks shapes and id ranges once, so the hot loops need not. */
function checkTask(task: RankingTask): void {
  const { numItems, queries, relevant, excluded, candidates } = task;
  const fail = (msg: string): never => {
    throw new GraphrecError('eval/bad-task', msg);
  };
  if (!Number.isInteger(numItems) || numItems < 1) fail(`numItems must be a positive integer, got ${numItems}`);
  if (relevant.length !== queries.length || excluded.length !== queries.length) {
    fail(`relevant (${relevant.length}) and excluded (${excluded.length}) must have one entry per query (${queries.length})`);
  }
  if (candidates && candidates.length !== numItems) fail(`candidates has ${candidates.length} entries, expected numItems = ${numItems}`);
  for (let q = 0; q < queries.length; q++) {
    if (relevant[q].length === 0) fail(`query ${q} has no relevant items`);
    for (const ids of [relevant[q], excluded[q]]) {
      for (let i = 0; i < ids.length; i++) if (ids[i] < 0 || ids[i] >= numItems) fail(`query ${q} names item ${ids[i]} outside [0, ${numItems})`);
    }
  }
}

function checkRelevant(relevant: Int32Array, blocked: Uint8Array, q: number): void {
  for (let j = 0; j < relevant.length; j++) {
    if (blocked[relevant[j]] !== 0) {
      throw new GraphrecError(
        'eval/relevant-not-candidate',
        `query ${q}: relevant item ${relevant[j]} is excluded or not a candidate; the task is inconsistent`,
        { query: q, item: relevant[j] },
      );
    }
  }
}

/**
 * AUC and AP of a pair scorer on positive edges against negative edges.
 * @param pos `[numPositive]` true pairs.
 * @param neg `[numNegative]` sampled non-pairs.
 * @param scorePair score of the pair `(u, v)`, higher meaning more likely an edge.
 * @throws GraphrecError `eval/nan-score`, `eval/empty-class` (see {@link aucAndAp}).
 */
export function linkPredictionScores(pos: EdgeList, neg: EdgeList, scorePair: (u: number, v: number) => number): { auc: number; ap: number } {
  return aucAndAp(scorePairs(pos, scorePair), scorePairs(neg, scorePair));
}

function scorePairs(edges: EdgeList, scorePair: (u: number, v: number) => number): Float64Array {
  const out = new Float64Array(edges.src.length);
  for (let i = 0; i < out.length; i++) out[i] = scorePair(edges.src[i], edges.dst[i]);
  return out;
}
