import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { Diagnostics } from '../data/diagnostics.ts';
import { ingest } from '../data/ingest.ts';
import { buildMovieLensGraph, movieLensPaths } from '../data/movielens-graph.ts';
import type { ReviewGraph } from '../graph/review-graph.ts';
import { evaluateUserRecommenders, type UserEvaluation } from './user-evaluate.ts';
import { formatUserSamples } from './user-samples.ts';

/**
 * The user-recommendation baselines on the real data sets, as a table: a
 * function for the CLI to call, and a script for now:
 * `npx tsx trainer/src/eval/user-eval-cli.ts [datasetsDir] [--samples]`.
 */

/** A data set folder the table covers, and how to read it. */
export const USER_EVAL_DATASETS = ['amazon-musical-instruments-5core-2014', 'amazon-gift-cards-2018', 'movielens-latest-small'] as const;

/** One data set's evaluation and how long it took. */
export interface UserBaselineRun {
  dataset: string;
  users: number;
  items: number;
  interactions: number;
  evaluation: UserEvaluation;
  loadSeconds: number;
  evaluateSeconds: number;
}

/**
 * Loads a data set folder as a review graph: MovieLens when it holds
 * `ratings.csv`, otherwise anything `ingest` reads (5-core reviews).
 * @throws GraphrecError `eval/no-reviews` when the folder yields no review graph.
 */
export async function loadUserGraph(dir: string): Promise<{ graph: ReviewGraph; titles: string[] }> {
  if (existsSync(join(dir, 'ratings.csv'))) {
    const { graph, features } = await buildMovieLensGraph(movieLensPaths(dir), new Diagnostics());
    return { graph, titles: features.titles };
  }
  const result = await ingest(dir);
  if (!result.reviewGraph || !result.itemFeatures) {
    throw new GraphrecError('eval/no-reviews', `${dir} holds no review or rating file`);
  }
  return { graph: result.reviewGraph, titles: result.itemFeatures.titles };
}

/**
 * Runs the baselines (no embeddings) on each data set folder found under `datasetsDir`.
 * @param names folders to run, default {@link USER_EVAL_DATASETS}; absent ones are skipped.
 */
export async function runUserBaselines(datasetsDir: string, names: readonly string[] = USER_EVAL_DATASETS, seed = 1): Promise<UserBaselineRun[]> {
  const runs: UserBaselineRun[] = [];
  for (const dataset of names) {
    const dir = join(datasetsDir, dataset);
    if (!existsSync(dir)) continue;
    const t0 = performance.now();
    const { graph, titles } = await loadUserGraph(dir);
    const t1 = performance.now();
    const evaluation = await evaluateUserRecommenders({ graph, titles, seed });
    const t2 = performance.now();
    runs.push({
      dataset,
      users: graph.numUsers,
      items: graph.numItems,
      interactions: graph.stats.interactions,
      evaluation,
      loadSeconds: (t1 - t0) / 1000,
      evaluateSeconds: (t2 - t1) / 1000,
    });
  }
  return runs;
}

const COLUMNS = ['hr@10', 'hr@50', 'hr@100', 'hr@500', 'ndcg@10', 'mrr'] as const;

/** The runs as a Markdown table: one row per data set × protocol × method, then task facts and times. */
export function formatUserBaselineTable(runs: readonly UserBaselineRun[]): string {
  const fmt = (v: number | undefined): string => (v === undefined ? '–' : v.toFixed(3));
  const lines = [`| dataset | protocol | method | ${COLUMNS.join(' | ')} | users |`, `|---|---|---|${COLUMNS.map(() => '---:').join('|')}|---:|`];
  for (const run of runs) {
    for (const p of run.evaluation.protocols) {
      for (const m of p.methods) {
        const cells = COLUMNS.map((c) => fmt(m.metrics?.[c]));
        lines.push(`| ${run.dataset} | ${p.protocol} | ${m.method} | ${cells.join(' | ')} | ${m.queries} |`);
      }
    }
  }
  lines.push('');
  for (const run of runs) {
    lines.push(`${run.dataset}: ${run.users} users × ${run.items} items, ${run.interactions} interactions; load ${run.loadSeconds.toFixed(1)} s, evaluate ${run.evaluateSeconds.toFixed(1)} s`);
    for (const [protocol, s] of Object.entries(run.evaluation.tasks)) {
      lines.push(
        `  ${protocol}: ${s.queries} users evaluated (${s.usersWithoutTest} without test, ${s.usersWithoutHistory} without history, ${s.usersDroppedCold} dropped: only cold test items); ` +
          `${s.testInteractions} test interactions, ${s.coldTestInteractions} on cold items, ${s.usersAllTestCold} users with only cold test items; ${s.candidates} candidates, ${s.warmItems} warm items`,
      );
    }
  }
  return lines.join('\n');
}

async function main(argv: readonly string[]): Promise<void> {
  const datasetsDir = resolve(argv.find((a) => !a.startsWith('--')) ?? join(import.meta.dirname, '../../../../shared/datasets'));
  const started = performance.now();
  const runs = await runUserBaselines(datasetsDir);
  console.log(formatUserBaselineTable(runs));
  console.log(`\ntotal wall time ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (argv.includes('--samples')) for (const run of runs) console.log(`\n## ${run.dataset}\n\n${formatUserSamples(run.evaluation.samples)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
