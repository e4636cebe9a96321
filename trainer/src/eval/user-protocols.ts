import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { InteractionSplit } from '../graph/interaction-splits.ts';
import type { ReviewGraph } from '../graph/review-graph.ts';
import type { Query, RankingTask } from './types.ts';

/**
 * User-recommendation protocols as {@link RankingTask}s, so the one ranking
 * engine (`evaluateRanking`) scores them. A user becomes a {@link Query}:
 * - `node`: the user's latest training item (the "latest item" query);
 * - `knownNeighbors`: the user's distinct training items, oldest first
 *   (the history that ItemKNN sums over and that "mean of history" averages);
 * - `features`: empty (users have no title).
 * Relevant items are the user's test items; excluded items are everything the
 * user interacted with outside the test set (training and validation), so a
 * method is never credited or blamed for recommending what the user already has.
 */

/** Which users became queries and what the test set looks like from the training side. */
export interface UserTaskStats {
  /** Users in the graph. */
  users: number;
  /** Users evaluated (queries). */
  queries: number;
  /** Users with no test interaction. */
  usersWithoutTest: number;
  /** Users with test interactions but no training history (new users: no query can be formed). */
  usersWithoutHistory: number;
  /** Test interactions of the evaluated users. */
  testInteractions: number;
  /** Of those, interactions with an item that has no training interaction at all (cold items). */
  coldTestInteractions: number;
  /** Evaluated users whose test items are all cold (interaction-only methods can reach them only by tie-break). */
  usersAllTestCold: number;
  /** Users dropped because all their test items were cold (`coldItems: 'drop'` only). */
  usersDroppedCold: number;
  /** Items with at least one training interaction. */
  warmItems: number;
  /** Items that may be recommended. */
  candidates: number;
}

/** A user ranking task: queries in user order, with the user of each query. */
export type UserRankingTask = RankingTask & {
  /** `[queries]` ReviewGraph user id of each query. */
  queryUsers: Int32Array;
  stats: UserTaskStats;
};

/** Options of {@link userRankingTask}. */
export interface UserTaskOptions {
  /**
   * Items never seen in training (possible under a global temporal split):
   * `'keep'` (default) ranks the whole catalogue and keeps them relevant, so
   * content-based embeddings can find them and interaction-only methods
   * cannot; `'drop'` ranks only items with training interactions and keeps
   * only warm test items (users left with none are dropped and counted).
   */
  coldItems?: 'keep' | 'drop';
}

const NO_FEATURES = { indices: new Int32Array(0), weights: new Float32Array(0) };
const TRAIN = 1;
const VAL = 2;
const TEST = 3;

/**
 * Builds one query per user who has test interactions and training history.
 * @param graph the users × items graph; interactions sorted by time within a user.
 * @param split indices into the graph's interaction arrays (e.g. `leaveLastOut`, `temporalSplit`).
 * @param options see {@link UserTaskOptions}.
 * @throws GraphrecError `eval/bad-split` when an interaction index is out of range or in two parts.
 */
export function userRankingTask(graph: ReviewGraph, split: InteractionSplit, options: UserTaskOptions = {}): UserRankingTask {
  const role = interactionRoles(graph, split);
  const warm = new Uint8Array(graph.numItems);
  for (let e = 0; e < role.length; e++) if (role[e] === TRAIN) warm[graph.item[e]] = 1;
  const drop = options.coldItems === 'drop';
  const task: UserRankingTask = {
    numItems: graph.numItems,
    queries: [],
    relevant: [],
    excluded: [],
    queryUsers: new Int32Array(0),
    stats: emptyStats(graph, warm, drop),
  };
  if (drop) task.candidates = warm;
  const users: number[] = [];
  for (let u = 0; u < graph.numUsers; u++) {
    const user = splitUser(graph, role, u);
    if (user.test.length === 0) {
      task.stats.usersWithoutTest++;
      continue;
    }
    if (user.history.length === 0) {
      task.stats.usersWithoutHistory++;
      continue;
    }
    const cold = user.test.filter((i) => warm[i] === 0).length;
    if (drop && cold === user.test.length) {
      task.stats.usersDroppedCold++;
      continue;
    }
    const relevant = drop ? user.test.filter((i) => warm[i] === 1) : user.test;
    task.stats.testInteractions += relevant.length;
    task.stats.coldTestInteractions += drop ? 0 : cold;
    if (!drop && cold === user.test.length) task.stats.usersAllTestCold++;
    task.queries.push(userQuery(user.history));
    task.relevant.push(Int32Array.from(relevant).sort());
    task.excluded.push(Int32Array.from(user.seen).sort());
    users.push(u);
  }
  task.queryUsers = Int32Array.from(users);
  task.stats.queries = users.length;
  return task;
}

/**
 * The DGL protocol on a leave-last-out split: each user's last interaction is
 * the one relevant item; the query is the latest training item (or the history).
 * @param split from `leaveLastOut(graph)`; its validation item is masked, not relevant.
 */
export function leaveLastOutTask(graph: ReviewGraph, split: InteractionSplit): UserRankingTask {
  const task = userRankingTask(graph, split);
  for (let q = 0; q < task.relevant.length; q++) {
    if (task.relevant[q].length !== 1) {
      throw new GraphrecError('eval/bad-split', `leave-last-out gives each user one test item; user ${task.queryUsers[q]} has ${task.relevant[q].length}`);
    }
  }
  return task;
}

/** A user's query: the latest training item as `node`, the distinct training items (oldest first) as history. */
export function userQuery(history: readonly number[]): Query {
  if (history.length === 0) throw new GraphrecError('eval/bad-task', 'a user query needs at least one training item');
  return { node: history[history.length - 1], features: NO_FEATURES, knownNeighbors: Int32Array.from(history) };
}

/** The role of every interaction (0 = in no part), checking that the parts are disjoint and in range. */
function interactionRoles(graph: ReviewGraph, split: InteractionSplit): Uint8Array {
  const n = graph.item.length;
  const role = new Uint8Array(n);
  const parts: [Int32Array, number, string][] = [[split.train, TRAIN, 'train'], [split.val, VAL, 'val'], [split.test, TEST, 'test']];
  for (const [indices, value, name] of parts) {
    for (let k = 0; k < indices.length; k++) {
      const e = indices[k];
      if (!(e >= 0 && e < n)) throw new GraphrecError('eval/bad-split', `split.${name}[${k}] = ${e} is outside [0, ${n})`);
      if (role[e] !== 0) throw new GraphrecError('eval/bad-split', `interaction ${e} is in split.${name} and another part`);
      role[e] = value;
    }
  }
  return role;
}

/** One user's training history (oldest first, distinct), test items (distinct), and everything seen outside the test set. */
function splitUser(graph: ReviewGraph, role: Uint8Array, u: number): { history: number[]; test: number[]; seen: Set<number> } {
  const history: number[] = [];
  const test = new Set<number>();
  const seen = new Set<number>();
  for (let e = graph.userOffsets[u]; e < graph.userOffsets[u + 1]; e++) {
    const item = graph.item[e];
    if (role[e] === TEST) test.add(item);
    else if (role[e] === TRAIN || role[e] === VAL) {
      if (role[e] === TRAIN && !seen.has(item)) history.push(item);
      seen.add(item);
    }
  }
  // An item both seen and held out cannot be a fair target; the graph keeps one interaction per pair, so this only guards odd inputs.
  for (const item of seen) test.delete(item);
  return { history, test: [...test], seen };
}

function emptyStats(graph: ReviewGraph, warm: Uint8Array, drop: boolean): UserTaskStats {
  let warmItems = 0;
  for (let i = 0; i < warm.length; i++) warmItems += warm[i];
  return {
    users: graph.numUsers,
    queries: 0,
    usersWithoutTest: 0,
    usersWithoutHistory: 0,
    testInteractions: 0,
    coldTestInteractions: 0,
    usersAllTestCold: 0,
    usersDroppedCold: 0,
    warmItems,
    candidates: drop ? warmItems : graph.numItems,
  };
}
