import type { PairedComparison } from './paired.ts';
import type { Csr } from '../graph/csr.ts';

/** The cut-offs every ranking metric is reported at. */
export const K_VALUES = [10, 50, 100, 500] as const;

/**
 * What a recommender is asked for one query: a product known to the training
 * graph (`node`), or a new product known only by its features and, optionally,
 * some known neighbours (cold start).
 */
export interface Query {
  /** Node id in the training graph, or -1 for a product the graph has not seen. */
  node: number;
  /** Sparse feature row of the query (TF-IDF of the title, or Cora's bag of words). */
  features: { indices: Int32Array; weights: Float32Array };
  /** Neighbours the recommender may use: the training neighbours, or the revealed ones in cold start. */
  knownNeighbors: Int32Array;
}

/**
 * Scores every item for a block of queries. `out` is `[queries.length, numItems]`
 * row-major; higher is better. Scores of excluded items are ignored.
 */
export interface Scorer {
  name: string;
  /**
   * Why this method cannot score these queries (e.g. `'needs known neighbours'`),
   * or undefined when it can. A method that cannot score is reported as such,
   * never silently as 0.
   */
  cannotScore?(queries: readonly Query[]): string | undefined;
  scoreBlock(queries: readonly Query[], out: Float32Array): void | Promise<void>;
}

/** Everything the baselines may learn from: the training graph and the items' features. */
export interface TrainingView {
  graph: Csr;
  /** Per item sparse feature rows (CSR over feature ids), L2-normalised. */
  features: { offsets: Int32Array; indices: Int32Array; weights: Float32Array; dim: number };
}

/** One ranking task: queries, what counts as a hit for each, what is not a candidate. */
export interface RankingTask {
  numItems: number;
  queries: Query[];
  /** Per query, the relevant item ids (non-empty). */
  relevant: Int32Array[];
  /** Per query, item ids that are not candidates (the query itself, its training neighbours, revealed neighbours). */
  excluded: Int32Array[];
  /** Items that may be recommended at all (1) — e.g. only training products in cold start; all when absent. */
  candidates?: Uint8Array;
}

/** Metrics of one method under one protocol; `metrics` is null when the method cannot score it. */
export interface MethodResult {
  method: string;
  /** e.g. `{ 'hr@10': 0.41, 'ndcg@10': 0.22, mrr: 0.19, auc: 0.93 }` */
  metrics: Record<string, number> | null;
  queries: number;
  /** Why metrics are null, or a caveat. */
  note?: string;
  /** HR@10 against popularity on the same queries, with McNemar's p (every scored method but popularity itself). */
  paired?: PairedComparison;
  /** For a served row: HR@10 against the protocol's best baseline on the same queries. */
  pairedBest?: PairedComparison;
  /** For `served`: HR@10 against `served-without-embedding` on the same queries (what the embedding adds). */
  pairedAblation?: PairedComparison;
}

/** All methods under one protocol. */
export interface ProtocolResult {
  protocol: string;
  /** Human label, e.g. 'held-out edges (honest: training neighbours excluded)'. */
  label: string;
  methods: MethodResult[];
}
