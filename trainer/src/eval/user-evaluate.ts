import { z } from 'zod';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { leaveLastOut, temporalSplit, type InteractionSplit } from '../graph/interaction-splits.ts';
import type { ReviewGraph } from '../graph/review-graph.ts';
import { silentProgress, type Progress } from '../util/progress.ts';
import { evaluateRanking } from './ranking.ts';
import { pairedAgainstPopularity } from './paired.ts';
import type { MethodResult, ProtocolResult, Scorer } from './types.ts';
import { popularityPriorScorer, tunePopularityWeight } from './popularity-prior.ts';
import { itemUserCounts, trainingMatrix, userItemKnnScorer, userPopularityScorer, userRandomScorer, type TrainingMatrix } from './user-baselines.ts';
import { checkShape, userEmbeddingScorer, type UserQueryMode } from './user-embeddings.ts';
import { leaveLastOutTask, userRankingTask, type UserRankingTask, type UserTaskStats } from './user-protocols.ts';
import { pickSampleQueries, userSampleTables, type UserSampleTable } from './user-samples.ts';

/** The interaction splits the user protocols rank on. */
export type UserSplitName = 'leave-last-out' | 'temporal';

/** One user protocol: its split, how it treats cold items, and the label the report prints. */
export interface UserProtocolSpec {
  protocol: string;
  label: string;
  split: UserSplitName;
  coldItems: 'keep' | 'drop';
  /** What is relevant: the split's test interactions (default) or its validation ones, for choosing settings. */
  target?: 'test' | 'val';
}

/** The protocols {@link evaluateUserRecommenders} runs, in report order. */
export const USER_PROTOCOLS: readonly UserProtocolSpec[] = [
  {
    protocol: 'user-leave-last-out',
    label: 'DGL protocol: each user’s last interaction held out, query = latest training item or mean of history, seen items masked, whole catalogue ranked',
    split: 'leave-last-out',
    coldItems: 'keep',
  },
  {
    protocol: 'user-leave-last-out-validation',
    label: 'validation, for choosing settings (never for reporting): the leave-last-out split with each user’s second-to-last interaction as the target; the last is not masked, as a model being tuned cannot know it',
    split: 'leave-last-out',
    coldItems: 'keep',
    target: 'val',
  },
  {
    protocol: 'user-temporal',
    label: 'study protocol: temporal 80/10/10 split, HR@K = any of the user’s test items in the top K, seen items masked, whole catalogue ranked (cold test items stay relevant)',
    split: 'temporal',
    coldItems: 'keep',
  },
  {
    protocol: 'user-temporal-validation',
    label: 'validation of the temporal protocol, for choosing its settings and query (never for reporting): the 80/10/10 split with the middle 10% (by time) as the target; history = the first 80%',
    split: 'temporal',
    coldItems: 'keep',
    target: 'val',
  },
  {
    protocol: 'user-temporal-warm',
    label: 'study protocol, warm items only: as above, but only items with training interactions are ranked or relevant',
    split: 'temporal',
    coldItems: 'drop',
  },
];

const EmbeddingInputSchema = z.object({
  /** Method name, e.g. `'pinsage'`; rows appear as `'<name>/latest-item'` and `'<name>/mean-history'`. */
  name: z.string().min(1),
  /** `[graph.numItems, dim]` row-major, rows in ReviewGraph item order (see `alignEmbeddings`). */
  matrix: z.custom<Float32Array>((v) => v instanceof Float32Array, 'matrix must be a Float32Array'),
  dim: z.number().int().positive(),
  /**
   * Which training interactions produced the embeddings. Embeddings are only
   * scored under protocols whose training part they saw: PinSage trained on the
   * leave-last-out training set has seen most temporal test interactions.
   * `'no-interactions'` (e.g. GraphSAGE on the co-purchase graph) runs everywhere.
   * A method trained once per split is passed twice under one name, one version per split.
   */
  trainedOn: z.enum(['leave-last-out', 'temporal', 'no-interactions']),
  /** A caveat shown beside the rows, e.g. how many items had no embedding. */
  note: z.string().optional(),
});

/** Item embeddings to evaluate beside the baselines. */
export type UserEmbeddingInput = z.infer<typeof EmbeddingInputSchema>;

const OptionsSchema = z.object({
  embeddings: z.array(EmbeddingInputSchema).default([]),
  seed: z.number().int().nonnegative().default(1),
  /** Users per protocol in the sample tables. */
  sampleUsers: z.number().int().nonnegative().default(3),
  /** Recommendations per method in the sample tables. */
  sampleSize: z.number().int().positive().default(10),
  /** Which protocols to run (default all of {@link USER_PROTOCOLS}). */
  protocols: z.array(z.string()).optional(),
});

/** What {@link evaluateUserRecommenders} needs. */
export interface UserEvaluationInput {
  graph: ReviewGraph;
  /** `[numItems]` titles for the sample tables (`ItemFeatures.titles`). */
  titles?: readonly string[];
  embeddings?: UserEmbeddingInput[];
  /**
   * The splits the embeddings were trained on. Default: `leaveLastOut(graph)` and
   * `temporalSplit(graph)`, which are deterministic, so a trainer calling the same
   * functions on the same graph trains on exactly these training parts.
   */
  splits?: Partial<Record<UserSplitName, InteractionSplit>>;
  seed?: number;
  sampleUsers?: number;
  sampleSize?: number;
  protocols?: string[];
  progress?: Progress;
}

/** Results in the report's shape, plus what the tasks looked like and the sample tables. */
export interface UserEvaluation {
  protocols: ProtocolResult[];
  /** Per protocol, who was evaluated and how many test items were cold. */
  tasks: Record<string, UserTaskStats>;
  samples: UserSampleTable[];
  /** Wall-clock seconds per `'<protocol>/<method>'` (ranking included). */
  timings: Record<string, number>;
}

/**
 * Runs every user protocol × (popularity, ItemKNN on the history and on the
 * latest item, random, and each embedding with latest-item and mean-history
 * queries), on the same splits, through the one ranking engine. Under the test
 * protocols each embedding also gets `<name>+popularity/<query>`: its cosines
 * plus a popularity prior weighted by β chosen on the split's validation protocol.
 * @throws ZodError on malformed options; GraphrecError `eval/dim-mismatch` when an
 *   embedding matrix is not `[graph.numItems, dim]`, `eval/duplicate-method` when a
 *   name has two versions for one split, `eval/bad-split` on a bad split.
 * @example
 * const result = await evaluateUserRecommenders({ graph, titles: features.titles,
 *   embeddings: [{ name: 'pinsage', matrix, dim: 64, trainedOn: 'leave-last-out' }] });
 */
export async function evaluateUserRecommenders(input: UserEvaluationInput): Promise<UserEvaluation> {
  const { graph, titles } = input;
  const options = OptionsSchema.parse({ embeddings: input.embeddings, seed: input.seed, sampleUsers: input.sampleUsers, sampleSize: input.sampleSize, protocols: input.protocols });
  checkEmbeddings(options.embeddings, graph.numItems);
  const progress = input.progress ?? silentProgress;
  const splits = new Map<UserSplitName, InteractionSplit>();
  const splitOf = (name: UserSplitName): InteractionSplit => {
    let split = splits.get(name) ?? input.splits?.[name];
    if (!split) split = name === 'leave-last-out' ? leaveLastOut(graph) : temporalSplit(graph);
    splits.set(name, split);
    return split;
  };
  const result: UserEvaluation = { protocols: [], tasks: {}, samples: [], timings: {} };
  // Each embedding scorer holds its matrix as a tensor; protocols share them rather than upload it again.
  const embeddingScorers = new Map<string, Scorer>();
  const embeddingScorerOf = (e: UserEmbeddingInput, mode: UserQueryMode): Scorer => {
    const key = `${e.name}\u0000${e.trainedOn}\u0000${mode}`;
    let scorer = embeddingScorers.get(key);
    if (!scorer) embeddingScorers.set(key, (scorer = userEmbeddingScorer(e.name, e.matrix, e.dim, mode)));
    return scorer;
  };
  // A validation task is ranked as a protocol and again to tune every prior on it: built once.
  const tasks = new Map<string, UserRankingTask>();
  const taskOf = (spec: UserProtocolSpec): UserRankingTask => {
    let task = tasks.get(spec.protocol);
    if (!task) tasks.set(spec.protocol, (task = userProtocolTask(graph, spec, splitOf(spec.split))));
    return task;
  };
  // β of each embedding's popularity prior, tuned once per (method, split, query) on that split's validation protocol.
  const priorWeights = new Map<string, Promise<{ beta: number; valHr10: number }>>();
  const priorWeightOf = (e: UserEmbeddingInput, mode: UserQueryMode, splitName: UserSplitName, degrees: Int32Array) => {
    const key = `${e.name}\u0000${splitName}\u0000${mode}`;
    let tuned = priorWeights.get(key);
    if (!tuned) priorWeights.set(key, (tuned = tunePopularityWeight(taskOf(validationSpecOf(splitName)), embeddingScorerOf(e, mode), degrees, options.seed)));
    return tuned;
  };
  const specs = USER_PROTOCOLS.filter((p) => !options.protocols || options.protocols.includes(p.protocol));
  for (const spec of specs) {
    const split = splitOf(spec.split);
    const task = taskOf(spec);
    result.tasks[spec.protocol] = task.stats;
    const matrix = trainingMatrix(graph, split.train);
    // Validation rows are what the priors are tuned on, so they get none.
    const priors = spec.target === 'val' ? [] : await priorScorers(spec, itemUserCounts(matrix), options.embeddings, embeddingScorerOf, priorWeightOf);
    const scorers = protocolScorers(graph, matrix, spec, options.embeddings, embeddingScorerOf, priors, options.seed);
    const picks = pickSampleQueries(task, options.sampleUsers, options.seed + 7);
    const run = await rankAll(task, scorers, { seed: options.seed, topN: picks.length > 0 ? options.sampleSize : undefined }, progress, spec.protocol);
    for (const [method, seconds] of Object.entries(run.seconds)) result.timings[`${spec.protocol}/${method}`] = seconds;
    result.protocols.push({ protocol: spec.protocol, label: spec.label, methods: run.methods });
    result.samples.push(...userSampleTables(graph, titles, spec.protocol, task, picks, run.tops));
  }
  return result;
}

/** Ranks the task with every scorer in turn; skipped methods become rows without metrics. */
async function rankAll(
  task: UserRankingTask,
  scorers: readonly ScorerEntry[],
  options: { seed: number; topN: number | undefined },
  progress: Progress,
  protocol: string,
): Promise<{ methods: MethodResult[]; tops: { method: string; topItems: Int32Array[] }[]; seconds: Record<string, number> }> {
  const methods: MethodResult[] = [];
  const tops: { method: string; topItems: Int32Array[] }[] = [];
  const seconds: Record<string, number> = {};
  const bestRanks = new Map<string, Float64Array>();
  progress.start(`evaluate: ${protocol} (${task.queries.length.toLocaleString('en-US')} users)`, scorers.length, 'methods');
  for (const [k, entry] of scorers.entries()) {
    if ('skip' in entry) {
      methods.push({ method: entry.method, metrics: null, queries: task.queries.length, note: entry.skip });
    } else {
      const started = performance.now();
      const r = await evaluateRanking(task, entry.scorer, options);
      seconds[r.method] = (performance.now() - started) / 1000;
      const note = r.note ?? entry.note;
      methods.push({ method: r.method, metrics: r.metrics, queries: r.queries, ...(note ? { note } : {}) });
      if (r.bestRanks) bestRanks.set(r.method, r.bestRanks);
      if (r.topItems) tops.push({ method: r.method, topItems: r.topItems });
    }
    progress.update(k + 1);
  }
  progress.finish();
  return { methods: pairedAgainstPopularity(methods, bestRanks), tops, seconds };
}

/**
 * Shapes, and at most one version of a method per training split (a method
 * trained on each split is passed twice under one name).
 */
function checkEmbeddings(embeddings: readonly UserEmbeddingInput[], numItems: number): void {
  const seen = new Set<string>();
  for (const e of embeddings) {
    checkShape(`embeddings '${e.name}'`, e.matrix, numItems, e.dim);
    const key = `${e.name}\u0000${e.trainedOn}`;
    if (seen.has(key) || (e.trainedOn === 'no-interactions' && embeddings.some((o) => o !== e && o.name === e.name))) {
      throw new GraphrecError('eval/duplicate-method', `embeddings '${e.name}' is given twice for the ${e.trainedOn} split; give one version per split, or one 'no-interactions' version`);
    }
    seen.add(key);
  }
}

type ScorerEntry = { scorer: Scorer; note?: string } | { method: string; skip: string };

const QUERY_MODES = ['latest-item', 'mean-history'] as const;

/** The version of each embedding method trained on this protocol's split (or on no interactions), by name. */
function fitVersions(embeddings: readonly UserEmbeddingInput[], spec: UserProtocolSpec): Map<string, UserEmbeddingInput | undefined> {
  const out = new Map<string, UserEmbeddingInput | undefined>();
  for (const name of new Set(embeddings.map((e) => e.name))) {
    out.set(name, embeddings.find((e) => e.name === name && (e.trainedOn === 'no-interactions' || e.trainedOn === spec.split)));
  }
  return out;
}

/** The split's validation protocol, on which each prior's weight is chosen. */
function validationSpecOf(split: UserSplitName): UserProtocolSpec {
  const spec = USER_PROTOCOLS.find((p) => p.split === split && p.target === 'val');
  if (!spec) throw new GraphrecError('eval/no-validation', `no validation protocol for the ${split} split`);
  return spec;
}

/**
 * `<name>+popularity/<query>` for each embedding this protocol may score: its
 * cosines plus a popularity prior (`degrees`: training users per item) whose weight was chosen on the split's
 * validation protocol (the row says which β; β = 0 means the prior did not help there).
 */
async function priorScorers(
  spec: UserProtocolSpec,
  degrees: Int32Array,
  embeddings: readonly UserEmbeddingInput[],
  embeddingScorerOf: (e: UserEmbeddingInput, mode: UserQueryMode) => Scorer,
  priorWeightOf: (e: UserEmbeddingInput, mode: UserQueryMode, split: UserSplitName, degrees: Int32Array) => Promise<{ beta: number; valHr10: number }>,
): Promise<ScorerEntry[]> {
  const entries: ScorerEntry[] = [];
  const validation = validationSpecOf(spec.split).protocol;
  for (const [name, fit] of fitVersions(embeddings, spec)) {
    if (!fit) continue;
    for (const mode of QUERY_MODES) {
      const { beta, valHr10 } = await priorWeightOf(fit, mode, spec.split, degrees);
      const scorer = popularityPriorScorer(embeddingScorerOf(fit, mode), degrees, beta, `${name}+popularity/${mode}`);
      entries.push({ scorer, note: `β = ${beta} chosen on ${validation} (HR@10 ${valHr10.toFixed(3)})${beta === 0 ? ': the prior did not help there' : ''}` });
    }
  }
  return entries;
}

/** The methods of one protocol, each learned from this protocol's training part only; `priors` go after the embeddings' own rows. */
function protocolScorers(
  graph: ReviewGraph,
  matrix: TrainingMatrix,
  spec: UserProtocolSpec,
  embeddings: readonly UserEmbeddingInput[],
  embeddingScorerOf: (e: UserEmbeddingInput, mode: UserQueryMode) => Scorer,
  priors: readonly ScorerEntry[],
  seed: number,
): ScorerEntry[] {
  const entries: ScorerEntry[] = [];
  for (const [name, fit] of fitVersions(embeddings, spec)) {
    const versions = embeddings.filter((e) => e.name === name);
    for (const mode of QUERY_MODES) {
      if (fit) {
        entries.push({ scorer: embeddingScorerOf(fit, mode), ...(fit.note ? { note: fit.note } : {}) });
      } else {
        const splitsSeen = versions.map((e) => e.trainedOn).join(', ');
        entries.push({ method: `${name}/${mode}`, skip: `trained on the ${splitsSeen} split, whose training part holds this protocol’s test interactions` });
      }
    }
  }
  entries.push(
    ...priors,
    { scorer: userPopularityScorer(matrix) },
    { scorer: userItemKnnScorer(matrix, 'history') },
    { scorer: userItemKnnScorer(matrix, 'latest-item') },
    { scorer: userRandomScorer(graph.numItems, seed) },
  );
  return entries;
}

/** Task builder for one spec, exported so callers can inspect the exact task a protocol ranks. */
export function userProtocolTask(graph: ReviewGraph, spec: UserProtocolSpec, split: InteractionSplit): UserRankingTask {
  if (spec.target === 'val') split = { train: split.train, val: new Int32Array(0), test: split.val };
  return spec.split === 'leave-last-out' ? leaveLastOutTask(graph, split) : userRankingTask(graph, split, { coldItems: spec.coldItems });
}
