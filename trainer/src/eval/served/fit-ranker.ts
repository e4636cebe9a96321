import type { GraphEmbeddings, GraphSageWeights } from '../../../../artifacts/src/forward/graphsage.ts';
import { DEFAULT_CANDIDATES, SIGNALS, type RankerSettings, type Signal } from '../../../../artifacts/src/ranker/schema.ts';
import { neighbors } from '../../graph/csr.ts';
import type { PreparedData, StandardSplits } from '../../train/graphsage-data.ts';
import { silentProgress, type Progress } from '../../util/progress.ts';
import { Rng } from '../../util/rng.ts';
import { heldOutEdgeTask } from '../protocols.ts';
import type { Query } from '../types.ts';
import { fitCases, fitWeights, type FitCase } from './fit.ts';
import { servedPools } from './pools.ts';
import { servedWorld, type ServedWorld } from './world.ts';

/** The served ranker and its ablation without the embedding, both fitted on validation edges. */
export interface ServedRankers {
  served: RankerSettings;
  withoutEmbedding: RankerSettings;
}

/** Validation queries the fit ranks at most (a seeded sample): enough for HR@10 to ±1%, seconds of search. */
const MAX_FIT_QUERIES = 3000;
/** Queries whose pools are built at once (one `[block × items]` cosine matrix). */
const BLOCK = 256;

/** Every item not held out for cold start may be served. */
export function servableItems(splits: StandardSplits): Uint8Array {
  const allowed = new Uint8Array(splits.train.numNodes);
  for (let v = 0; v < allowed.length; v++) allowed[v] = splits.inductive.isHeldOut[v] ? 0 : 1;
  return allowed;
}

/** The world the served rows rank in: `graph`'s lists and `emb`, the embeddings over it. */
export function worldOf(data: PreparedData, splits: StandardSplits, graph: StandardSplits['train'], emb: GraphEmbeddings, weights: GraphSageWeights, candidates: RankerSettings['candidates']): ServedWorld {
  return servedWorld(graph, emb, weights, data.ids, { neighbourCap: candidates.neighbours, popularCount: candidates.popular, allowed: servableItems(splits) });
}

function casesOf(world: ServedWorld, weights: GraphSageWeights, queries: Query[], relevant: Int32Array[], excluded: Int32Array[], candidates: RankerSettings['candidates'], seed: number): FitCase[] {
  const cases: FitCase[] = [];
  for (let start = 0; start < queries.length; start += BLOCK) {
    const end = Math.min(queries.length, start + BLOCK);
    const pools = servedPools(world, weights, queries.slice(start, end), candidates);
    cases.push(...fitCases(pools, relevant.slice(start, end), excluded.slice(start, end), world, seed + start));
  }
  return cases;
}

/**
 * Fits the served ranker on validation edges only: the model's embeddings
 * over the fitting graph (validation edges removed; `fitEmb`), each validation endpoint
 * ranked for its validation partners with its fitting neighbours excluded.
 * The `warm` weights rank known products; the `cold` weights rank the same
 * queries known by their title alone (the inductive embedding), as a new
 * product is. The ablation is fitted the same way with no embedding signal
 * and no embedding candidates.
 */
export function fitServedRankers(data: PreparedData, splits: StandardSplits, weights: GraphSageWeights, fitEmb: GraphEmbeddings, options: { seed: number; progress?: Progress }): ServedRankers {
  const progress = options.progress ?? silentProgress;
  const candidates = DEFAULT_CANDIDATES;
  const world = worldOf(data, splits, splits.fit, fitEmb, weights, candidates);
  try {
    const task = heldOutEdgeTask(splits.fit, splits.val, data.features, servableItems(splits));
    const pick = new Rng(options.seed + 31).shuffle(Int32Array.from(task.queries, (_, i) => i)).subarray(0, MAX_FIT_QUERIES).sort();
    const queries = Array.from(pick, (i) => task.queries[i]);
    const relevant = Array.from(pick, (i) => task.relevant[i]);
    const excluded = Array.from(pick, (i) => task.excluded[i]);
    const cold = queries.map((q): Query => ({ node: -1, features: q.features, knownNeighbors: new Int32Array(0) }));
    const coldExcluded = Array.from(pick, (i) => Int32Array.of(task.queryNodes[i], ...neighbors(splits.fit, task.queryNodes[i])));
    const noEmbedding = { ...candidates, embedding: 0 };
    const withEmbedding: Signal[] = [...SIGNALS];
    const graphOnly: Signal[] = SIGNALS.filter((s) => s !== 'embedding');

    progress.start(`served ranker: fitting on ${queries.length.toLocaleString('en-US')} validation queries`, 4, 'weight sets');
    const warm = fitWeights(casesOf(world, weights, queries, relevant, excluded, candidates, options.seed), withEmbedding);
    progress.update(1);
    const warmAblation = fitWeights(casesOf(world, weights, queries, relevant, excluded, noEmbedding, options.seed), graphOnly);
    progress.update(2);
    const coldSet = fitWeights(casesOf(world, weights, cold, relevant, coldExcluded, candidates, options.seed), ['embedding', 'popularity']);
    progress.update(3);
    const coldAblation = fitWeights(casesOf(world, weights, cold, relevant, coldExcluded, noEmbedding, options.seed), ['popularity']);
    progress.finish(`warm ${describe(warm)}, cold ${describe(coldSet)}`);

    const fittedOn = `validation edges of the fitting graph, ${queries.length} queries`;
    const base = { kind: 'linear-v1' as const, maxDegree: world.maxDegree, fittedOn };
    return {
      served: { ...base, candidates, warm, cold: coldSet },
      withoutEmbedding: { ...base, candidates: noEmbedding, warm: warmAblation, cold: coldAblation },
    };
  } finally {
    world.dispose();
  }
}

function describe(set: RankerSettings['warm']): string {
  const w = Object.entries(set.weights)
    .filter(([, x]) => x !== 0)
    .map(([s, x]) => `${s} ${x}`)
    .join(', ');
  return `${set.chosen} (${w}; val HR@10 ${set.validation?.hr10.toFixed(3)})`;
}
