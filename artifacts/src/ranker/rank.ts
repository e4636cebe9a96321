import { GraphrecError } from '../errors.ts';
import type { Reason, RankerSettings, Signal, WeightSet } from './schema.ts';

/**
 * The one served ranker: candidates from several sources, scored by one
 * linear blend of cheap signals. The evaluator (`served` rows), the exporter
 * (precomputed `similar` lists) and the edge (`recommend`, `embed`) all call
 * these two functions, so the figure in a report is the ranking a shop gets.
 *
 * Ranking is in two steps because the embedding cosine of a graph candidate
 * may need a read at the edge: {@link gatherCandidates} collects candidates and
 * their graph signals, the caller supplies the cosines of those without one,
 * then {@link rankCandidates} scores and orders them.
 */

/** An item's exported co-purchase list: its own full degree and its (capped) neighbours with theirs. */
export interface GraphList {
  degree: number;
  keys: ArrayLike<number>;
  degrees: ArrayLike<number>;
}

/** An item proposed by the embedding (its cosine to the query) or by popularity. */
export interface Proposal {
  key: number;
  degree: number;
  cosine?: number;
}

/** What one query offers the ranker. */
export interface RankInput {
  /** Lists of the items the query is known by: its co-purchase neighbours, a new product's given neighbours, a shopper's history. */
  known: readonly GraphList[];
  /** The query's own list when it is a known product: its members are bought together with it (served first, as a shop expects). */
  direct?: GraphList;
  /** Embedding nearest neighbours, each with its cosine. */
  embedding: readonly Proposal[];
  popular: readonly Proposal[];
  /** Items never returned (the query itself, what the shopper has seen). */
  excluded?: (key: number) => boolean;
}

/** A candidate and its raw signals. */
export interface Candidate {
  key: number;
  degree: number;
  adamicAdar: number;
  common: number;
  /** NaN until known (see {@link missingCosines}). */
  cosine: number;
  direct: boolean;
}

/** A scored candidate. */
export interface RankedItem {
  key: number;
  score: number;
  reason: Reason;
}

/** The candidates of one query, with the count of distinct known items (ItemKNN's |K|). */
export interface CandidatePool {
  candidates: Candidate[];
  knownCount: number;
}

const adamicAdarWeight = (degree: number): number => 1 / Math.log(Math.max(degree, 2));

/**
 * Collects the candidates of one query: members of the known items' lists
 * (with Adamic-Adar and common-neighbour counts), the query's own list, the
 * embedding's proposals and the popular items; excluded items never enter.
 */
export function gatherCandidates(input: RankInput, settings: Pick<RankerSettings, 'candidates'>): CandidatePool {
  const excluded = input.excluded ?? (() => false);
  const byKey = new Map<number, Candidate>();
  const add = (key: number, degree: number): Candidate | undefined => {
    let c = byKey.get(key);
    if (c) return c;
    if (excluded(key)) return undefined;
    c = { key, degree, adamicAdar: 0, common: 0, cosine: Number.NaN, direct: false };
    byKey.set(key, c);
    return c;
  };
  for (const list of input.known) {
    const w = adamicAdarWeight(list.degree);
    for (let i = 0; i < list.keys.length; i++) {
      const c = add(list.keys[i], list.degrees[i]);
      if (!c) continue;
      c.adamicAdar += w;
      c.common += 1;
    }
  }
  if (input.direct) {
    for (let i = 0; i < input.direct.keys.length; i++) {
      const c = add(input.direct.keys[i], input.direct.degrees[i]);
      if (c) c.direct = true;
    }
  }
  const embedding = settings.candidates.embedding;
  for (let i = 0; i < Math.min(embedding, input.embedding.length); i++) {
    const p = input.embedding[i];
    const c = add(p.key, p.degree);
    if (c && p.cosine !== undefined) c.cosine = p.cosine;
  }
  for (let i = 0; i < Math.min(settings.candidates.popular, input.popular.length); i++) add(input.popular[i].key, input.popular[i].degree);
  return { candidates: [...byKey.values()], knownCount: input.known.length };
}

/** The weight set a query known by `knownCount` items uses: `warm` when it is known by any, else `cold`. */
export function weightsFor(knownCount: number, settings: RankerSettings): WeightSet {
  return knownCount > 0 ? settings.warm : settings.cold;
}

/** The popularity signal of an item of training degree `degree`: ln(1 + deg) / ln(1 + max deg), at most 1. */
export function popularitySignal(degree: number, maxDegree: number): number {
  return Math.min(1, Math.log1p(Math.max(0, degree)) / Math.log1p(Math.max(1, maxDegree)));
}

/** Keys whose cosine the caller must supply before ranking (none when the weights ignore the embedding). */
export function missingCosines(pool: CandidatePool, settings: RankerSettings): number[] {
  if (!(weightsFor(pool.knownCount, settings).weights.embedding ?? 0)) return [];
  return pool.candidates.filter((c) => Number.isNaN(c.cosine)).map((c) => c.key);
}

/** The signals of every candidate, scaled as the weights expect: `[candidates × SIGNALS]` in {@link SIGNAL_ORDER}. */
export function signalMatrix(pool: CandidatePool, settings: Pick<RankerSettings, 'maxDegree'>): Float32Array {
  const { candidates, knownCount } = pool;
  let maxAa = 0;
  let maxKnn = 0;
  const knn = new Float64Array(candidates.length);
  const norm = knownCount > 0 ? 1 / Math.sqrt(knownCount) : 0;
  candidates.forEach((c, i) => {
    knn[i] = c.degree > 0 ? (c.common * norm) / Math.sqrt(c.degree) : 0;
    maxAa = Math.max(maxAa, c.adamicAdar);
    maxKnn = Math.max(maxKnn, knn[i]);
  });
  const out = new Float32Array(candidates.length * SIGNAL_ORDER.length);
  candidates.forEach((c, i) => {
    const at = i * SIGNAL_ORDER.length;
    out[at] = maxAa > 0 ? c.adamicAdar / maxAa : 0;
    out[at + 1] = maxKnn > 0 ? knn[i] / maxKnn : 0;
    out[at + 2] = Number.isNaN(c.cosine) ? 0 : c.cosine;
    out[at + 3] = popularitySignal(c.degree, settings.maxDegree);
  });
  return out;
}

/** Column order of {@link signalMatrix}. */
export const SIGNAL_ORDER: readonly Signal[] = ['adamic-adar', 'itemknn', 'embedding', 'popularity'];

/** The weights as a vector in {@link SIGNAL_ORDER}. */
export function weightVector(set: WeightSet): Float64Array {
  return Float64Array.from(SIGNAL_ORDER, (s) => set.weights[s] ?? 0);
}

/**
 * Scores and orders a query's candidates, best first: the query's own
 * co-purchases first (a shop shows what is bought together), then by the
 * blend, then by key. Scores are divided by the sum of the absolute weights,
 * so they lie in [-1, 1].
 * @param cosineOf the cosine of a candidate the embedding did not propose (needed when the weights use the embedding).
 * @throws GraphrecError `ranker/missing-cosine` when the weights use the embedding and a cosine is missing.
 */
export function rankCandidates(pool: CandidatePool, settings: RankerSettings, cosineOf?: (key: number) => number): RankedItem[] {
  const set = weightsFor(pool.knownCount, settings);
  const w = weightVector(set);
  if (w[2] !== 0) {
    for (const c of pool.candidates) {
      if (!Number.isNaN(c.cosine)) continue;
      if (!cosineOf) throw new GraphrecError('ranker/missing-cosine', `candidate ${c.key} has no embedding cosine and none was supplied`);
      c.cosine = cosineOf(c.key);
    }
  }
  const signals = signalMatrix(pool, settings);
  const total = w.reduce((s, x) => s + Math.abs(x), 0) || 1;
  const S = SIGNAL_ORDER.length;
  const ranked = pool.candidates.map((c, i): RankedItem & { direct: boolean } => {
    const graph = w[0] * signals[i * S] + w[1] * signals[i * S + 1];
    const emb = w[2] * signals[i * S + 2];
    const pop = w[3] * signals[i * S + 3];
    const score = (graph + emb + pop) / total;
    const best = Math.max(graph, emb, pop);
    const reason: Reason = c.direct ? 'bought-together' : c.common > 0 && best === graph ? 'graph' : best === emb && emb > 0 ? 'embedding' : 'popular';
    return { key: c.key, score: Number.isFinite(score) ? score : 0, reason, direct: c.direct };
  });
  ranked.sort((a, b) => Number(b.direct) - Number(a.direct) || b.score - a.score || a.key - b.key);
  return ranked.map(({ key, score, reason }) => ({ key, score, reason }));
}

/**
 * Keeps an item's `max` co-purchase neighbours of highest degree (ties by id),
 * the list export writes and the evaluator ranks with.
 * @param neighbours `[n]` neighbour keys; `degreeOf` and `idOf` describe them.
 */
export function capNeighbours(neighbours: ArrayLike<number>, max: number, degreeOf: (key: number) => number, idOf: (key: number) => string): number[] {
  const all = Array.from(neighbours);
  if (all.length <= max) return all;
  return all.sort((a, b) => degreeOf(b) - degreeOf(a) || (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0)).slice(0, max);
}
