import type { ReviewGraph } from '../graph/review-graph.ts';
import { Rng } from '../util/rng.ts';
import type { SampleRecommendation } from './report-data.ts';
import type { UserRankingTask } from './user-protocols.ts';

/**
 * "What did this user review, and what do we recommend?" tables (Table 3 of
 * the reference study): for a few users, their training products beside each
 * method's top recommendations.
 */

/** A product as a sample table shows it. */
export interface SampleItem {
  id: string;
  title: string;
}

/** One user under one protocol. */
export interface UserSampleTable {
  protocol: string;
  /** The user's id in the data (reviewerID, MovieLens userId). */
  user: string;
  /** Training products, latest first, at most `limit` of them. */
  history: SampleItem[];
  /** How many training products the user has in all. */
  historySize: number;
  /** The held-out (test) products, at most `limit` of them. */
  heldOut: SampleItem[];
  /** How many held-out products the user has in all. */
  heldOutSize: number;
  /** Per method, the top recommendations, best first; `hit` marks a held-out product. */
  recommendations: { method: string; items: (SampleItem & { hit: boolean })[] }[];
}

/**
 * Picks `count` distinct query positions of the task, seeded (all when fewer).
 * @returns positions into `task.queries`, ascending.
 */
export function pickSampleQueries(task: UserRankingTask, count: number, seed: number): number[] {
  const order = new Rng(seed).shuffle(Int32Array.from({ length: task.queries.length }, (_, i) => i));
  return Array.from(order.subarray(0, Math.min(count, order.length))).sort((a, b) => a - b);
}

/**
 * Builds the sample tables of the picked queries.
 * @param titles `[numItems]` item titles (e.g. `ItemFeatures.titles`); ids stand in when absent.
 * @param picks query positions, see {@link pickSampleQueries}.
 * @param results per method, its top items for every query of the task (`evaluateRanking`'s `topItems`).
 * @param limit most recent training products, and held-out products, shown per user (default 10).
 */
export function userSampleTables(
  graph: ReviewGraph,
  titles: readonly string[] | undefined,
  protocol: string,
  task: UserRankingTask,
  picks: readonly number[],
  results: readonly { method: string; topItems: readonly Int32Array[] }[],
  limit = 10,
): UserSampleTable[] {
  const item = (i: number): SampleItem => ({ id: graph.asins[i], title: titles?.[i] || graph.asins[i] });
  return picks.map((q) => {
    const history = Array.from(task.queries[q].knownNeighbors).reverse();
    const relevant = new Set(task.relevant[q]);
    return {
      protocol,
      user: graph.userIds[task.queryUsers[q]],
      history: history.slice(0, limit).map(item),
      historySize: history.length,
      heldOut: Array.from(task.relevant[q].subarray(0, limit), item),
      heldOutSize: task.relevant[q].length,
      recommendations: results.map((r) => ({ method: r.method, items: Array.from(r.topItems[q], (i) => ({ ...item(i), hit: relevant.has(i) })) })),
    };
  });
}

/**
 * The tables as plain text (Markdown), one block per user: history, held-out
 * products, then one line per method with hits marked `*`.
 */
export function formatUserSamples(tables: readonly UserSampleTable[]): string {
  const list = (items: readonly SampleItem[]): string => items.map((i) => i.title).join('; ');
  return tables
    .map((t) => {
      const more = t.historySize > t.history.length ? ` (latest ${t.history.length} of ${t.historySize})` : '';
      const moreHeld = t.heldOutSize > t.heldOut.length ? ` (${t.heldOut.length} of ${t.heldOutSize})` : '';
      const lines = [`### ${t.protocol}: user ${t.user}`, `- reviewed${more}: ${list(t.history)}`, `- held out${moreHeld}: ${list(t.heldOut)}`];
      for (const r of t.recommendations) lines.push(`- ${r.method}: ${r.items.map((i) => (i.hit ? `*${i.title}*` : i.title)).join('; ')}`);
      return lines.join('\n');
    })
    .join('\n\n');
}

/**
 * The tables in the report's sample shape (one row per user and method): the
 * query cell names the user and their latest reviewed products, so the
 * existing report renders them unchanged.
 */
export function toReportSamples(tables: readonly UserSampleTable[]): SampleRecommendation[] {
  return tables.flatMap((t) =>
    t.recommendations.map((r) => ({
      protocol: t.protocol,
      method: r.method,
      query: { id: t.user, title: `user ${t.user}, reviewed: ${t.history.slice(0, 5).map((i) => i.title).join('; ')}` },
      recommendations: r.items.map((i) => ({ id: i.id, title: i.title, hit: i.hit })),
    })),
  );
}
