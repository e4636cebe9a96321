import { embedGraph, embedNewProduct, type GraphEmbeddings, type GraphSageWeights } from '../../../artifacts/src/forward/graphsage.ts';
import { degree, hasEdge, type Csr, type EdgeList } from '../graph/csr.ts';
import type { PreparedData, StandardSplits } from '../train/graphsage-data.ts';
import { silentProgress, type Progress } from '../util/progress.ts';
import { Rng } from '../util/rng.ts';
import { adamicAdarScorer, commonNeighborsScorer, itemKnnScorer, popularityScorer, randomScorer, tfidfScorer } from './baselines.ts';
import { embeddingScorer, rowOf } from './embedding-scorer.ts';
import { linkPrediction } from './link-prediction.ts';
import { coldStartTask, heldOutEdgeTask, nodeQuery, studyProtocolTask, type NodeRankingTask } from './protocols.ts';
import { popularityPriorScorer, tunePopularityWeight } from './popularity-prior.ts';
import { pairedAgainstBaselines } from './paired.ts';
import { fitServedRankers, servableItems, worldOf, type ServedRankers } from './served/fit-ranker.ts';
import { servedScorer } from './served/scorer.ts';
import type { ServedWorld } from './served/world.ts';
import { evaluateRanking } from './ranking.ts';
import type { SampleRecommendation } from './report-data.ts';
import type { MethodResult, ProtocolResult, Query, Scorer, TrainingView } from './types.ts';

export interface GraphSageEvaluation {
  protocols: ProtocolResult[];
  /** The popularity prior's weight chosen on validation edges (0: the prior did not help, no extra row). */
  popularityWeight: { beta: number; valHr10: number };
  samples: SampleRecommendation[];
  embeddings: GraphEmbeddings;
  /** The served ranker and its ablation, fitted on validation edges (standard protocol only). */
  rankers?: ServedRankers;
}

/** The learned model as a scorer: stored rows for known products, the inductive pass for new ones. */
function graphSageScorer(weights: GraphSageWeights, emb: GraphEmbeddings): Scorer {
  const { hidden, output } = weights.dims;
  return embeddingScorer('graphsage', emb.z, output, (q: Query) =>
    q.node >= 0
      ? rowOf(emb.z, output, q.node)
      : embedNewProduct(weights, q.features, Array.from(q.knownNeighbors, (u) => ({ p: rowOf(emb.p, hidden, u), h1: rowOf(emb.h1, hidden, u) }))),
  );
}

/** Node degrees of the training graph, the popularity the prior adds. */
function degreesOf(graph: Csr): Int32Array {
  return Int32Array.from({ length: graph.numNodes }, (_, v) => degree(graph, v));
}

function popularityAwareScorer(base: Scorer, view: TrainingView, beta: number): Scorer {
  return popularityPriorScorer(base, degreesOf(view.graph), beta, 'graphsage+popularity');
}

/** Picks β by validation HR@10 on the fitting graph (validation edges removed), with `fitEmb`, the embeddings over that graph. */
async function tuneGraphSagePopularity(data: PreparedData, splits: StandardSplits, weights: GraphSageWeights, fitEmb: GraphEmbeddings, seed: number): Promise<{ beta: number; valHr10: number }> {
  const task = heldOutEdgeTask(splits.fit, splits.val, data.features, servableItems(splits));
  return tunePopularityWeight(task, graphSageScorer(weights, fitEmb), degreesOf(splits.fit), seed);
}

function methods(view: TrainingView, weights: GraphSageWeights, emb: GraphEmbeddings, seed: number, beta: number): Scorer[] {
  const sage = graphSageScorer(weights, emb);
  return [
    sage,
    ...(beta > 0 ? [popularityAwareScorer(sage, view, beta)] : []),
    randomScorer(view, seed),
    popularityScorer(view),
    commonNeighborsScorer(view),
    adamicAdarScorer(view),
    itemKnnScorer(view),
    tfidfScorer(view),
  ];
}

/** `served` and its ablation `served-without-embedding`, each with the world's own degree scale. */
function servedScorers(world: ServedWorld, weights: GraphSageWeights, rankers: ServedRankers): Scorer[] {
  return [
    servedScorer('served', world, weights, { ...rankers.served, maxDegree: world.maxDegree }),
    servedScorer('served-without-embedding', world, weights, { ...rankers.withoutEmbedding, maxDegree: world.maxDegree }),
  ];
}

/** Non-edges of `graph` among allowed nodes, as many as `count`. */
function sampleNegatives(graph: Csr, count: number, allowed: Uint8Array | undefined, rng: Rng): EdgeList {
  const src = new Int32Array(count);
  const dst = new Int32Array(count);
  let k = 0;
  while (k < count) {
    const u = rng.int(graph.numNodes);
    const v = rng.int(graph.numNodes);
    if (u === v || (allowed && (!allowed[u] || !allowed[v])) || hasEdge(graph, u, v)) continue;
    src[k] = u;
    dst[k++] = v;
  }
  return { src, dst };
}

async function rankAll(
  label: string,
  protocol: string,
  task: NodeRankingTask,
  scorers: Scorer[],
  data: PreparedData,
  seed: number,
  samples: SampleRecommendation[],
  progress: Progress,
): Promise<ProtocolResult> {
  const results: MethodResult[] = [];
  const bestRanks = new Map<string, Float64Array>();
  progress.start(`evaluate: ${protocol} (${task.queries.length.toLocaleString('en-US')} queries)`, scorers.length, 'methods');
  for (const [i, scorer] of scorers.entries()) {
    const r = await evaluateRanking(task, scorer, { seed, topN: scorer.name === 'graphsage' ? 5 : undefined });
    results.push({ method: r.method, metrics: r.metrics, queries: r.queries, ...(r.note ? { note: r.note } : {}) });
    if (r.bestRanks) bestRanks.set(r.method, r.bestRanks);
    if (r.topItems) {
      const rng = new Rng(seed + 17);
      for (let s = 0; s < Math.min(4, task.queries.length); s++) {
        const qi = rng.int(task.queries.length);
        const node = task.queryNodes[qi];
        const rel = new Set(task.relevant[qi]);
        samples.push({
          protocol,
          method: r.method,
          query: { id: data.ids[node], title: data.titles[node] },
          recommendations: Array.from(r.topItems[qi], (v) => ({ id: data.ids[v], title: data.titles[v], hit: rel.has(v) })),
        });
      }
    }
    progress.update(i + 1);
  }
  progress.finish();
  return { protocol, label, methods: pairedAgainstBaselines(results, bestRanks) };
}

/**
 * Evaluates trained weights and every baseline on the same splits: for the
 * standard protocol, held-out edges (honest), the study's protocol (labelled),
 * cold start from the title alone and with one revealed neighbour, and AUC/AP
 * against sampled non-edges; for the GAE protocol, AUC/AP on its test pairs.
 */
export async function evaluateGraphSage(data: PreparedData, weights: GraphSageWeights, options: { seed: number; progress?: Progress }): Promise<GraphSageEvaluation> {
  const progress = options.progress ?? silentProgress;
  const { seed } = options;
  const { splits } = data;
  const trainGraph = splits.train;
  const emb = embedGraph(weights, trainGraph, data.features);
  const view: TrainingView = { graph: trainGraph, features: { ...data.features } };
  // Validation (the popularity prior's β, the served ranker's weights) uses the fitting graph's embeddings, computed once.
  const fitEmb = splits.kind === 'standard' ? embedGraph(weights, splits.fit, data.features) : undefined;
  const tuned = splits.kind === 'standard' && fitEmb ? await tuneGraphSagePopularity(data, splits, weights, fitEmb, seed) : { beta: 0, valHr10: Number.NaN };
  const scorers = methods(view, weights, emb, seed, tuned.beta);
  const queryOf = (u: number): Query => nodeQuery(trainGraph, data.features, u);
  const protocols: ProtocolResult[] = [];
  const samples: SampleRecommendation[] = [];

  const linkPredictionProtocol = async (protocol: string, label: string, pos: EdgeList, neg: EdgeList): Promise<ProtocolResult> => {
    const results: MethodResult[] = [];
    for (const scorer of scorers) {
      const r = await linkPrediction(scorer, queryOf, trainGraph.numNodes, pos, neg);
      results.push('cannot' in r ? { method: scorer.name, metrics: null, queries: pos.src.length, note: r.cannot } : { method: scorer.name, metrics: r, queries: pos.src.length });
    }
    return { protocol, label, methods: results };
  };

  if (splits.kind === 'gae') {
    protocols.push(await linkPredictionProtocol('gae', 'GAE protocol: 85/5/10 edge split, AUC/AP against an equal number of sampled non-edges', splits.testPos, splits.testNeg));
    return { protocols, samples, embeddings: emb, popularityWeight: tuned };
  }
  const candidates = servableItems(splits);
  // The standard splits always have it (computed above); the GAE protocol returned before this.
  const rankers = fitServedRankers(data, splits, weights, fitEmb!, { seed, progress });
  // The served rows rank in the world export would write for this split's model: the training graph's lists and codes.
  const world = worldOf(data, splits, trainGraph, emb, weights, rankers.served.candidates);
  const ranked = [...scorers, ...servedScorers(world, weights, rankers)];
  try {
    protocols.push(await rankAll('held-out edges (honest: the query’s training neighbours are excluded)', 'held-out-edges', heldOutEdgeTask(trainGraph, splits.test, data.features, candidates), ranked, data, seed, samples, progress));
    protocols.push(await rankAll('study protocol: any neighbour counts, training edges included (not comparable to the honest rows)', 'study-protocol', studyProtocolTask(trainGraph, splits.test, data.features, candidates), ranked, data, seed, samples, progress));
    protocols.push(await rankAll('cold start: new product, title only', 'cold-start-title', coldStartTask(splits.inductive, data.features, 0, seed), ranked, data, seed, samples, progress));
    protocols.push(await rankAll('cold start: new product, title + 1 known neighbour', 'cold-start-title+1', coldStartTask(splits.inductive, data.features, 1, seed), ranked, data, seed, samples, progress));
  } finally {
    world.dispose();
  }
  const neg = sampleNegatives(data.graph, splits.test.src.length, candidates, new Rng(seed + 99));
  protocols.push(await linkPredictionProtocol('held-out-edges-auc', 'held-out edges: AUC/AP against an equal number of sampled non-edges', splits.test, neg));
  return { protocols, samples, embeddings: emb, popularityWeight: tuned, rankers };
}
