import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cliCommand, DATASETS, hitRatesAt10, ROOT, runCli } from './cli.ts';

/**
 * GraphSAGE on the real graphs beside the project: Gift Cards' also_buy edges
 * (the one McAuley co-purchase graph here) and Cora's citations (the
 * literature's GraphSAGE data set, settings as in the README).
 */
const REAL: readonly { label: string; dataset: string; flags: string[] }[] = [
  { label: 'amazon-gift-cards-2018 (also_buy)', dataset: 'amazon-gift-cards-2018', flags: [] },
  { label: 'cora (citations)', dataset: 'cora', flags: ['--dim', '128', '--lr', '0.003', '--patience', '8'] },
];

/** The protocols whose HR@10 the table shows, and how the table names them. */
const PROTOCOLS: readonly [string, string][] = [
  ['held-out-edges', 'held-out edges (honest)'],
  ['study-protocol', 'study protocol (training edges count)'],
  ['cold-start-title', 'cold start, title only'],
  ['cold-start-title+1', 'cold start, title + 1 neighbour'],
];
const METHODS = ['graphsage', 'graphsage+popularity', 'popularity', 'common-neighbours', 'adamic-adar', 'itemknn', 'tfidf', 'random'];

interface RealRun {
  label: string;
  command: string;
  nodes: number;
  edges: number;
  trainSeconds: number;
  epochs: number;
  peakRssMB: number;
  /** protocol → method → HR@10 (undefined: the method cannot score that case, or did not run). */
  hr10: Record<string, Record<string, number | undefined>>;
}

async function train(label: string, dataset: string, flags: string[]): Promise<RealRun> {
  const runDir = join(ROOT, '.cache', `bench-run-graphsage-${dataset}`);
  await rm(runDir, { recursive: true, force: true });
  const args = ['train', 'graphsage', join(DATASETS, dataset), '--out', runDir, '--backend', 'wasm', ...flags];
  const r = await runCli(args);
  const hr10 = hitRatesAt10(r.protocols, METHODS);
  const data = r.data as Record<string, number>;
  return { label, command: cliCommand(args), nodes: data.nodes, edges: data.edges, trainSeconds: r.trainSeconds as number, epochs: r.epochs as number, peakRssMB: r.peakRssMB as number, hr10 };
}

const fmt = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(3));

/** Trains and evaluates every real data set present; the markdown lines and the figures. */
export async function realDataQuality(): Promise<{ lines: string[]; runs: RealRun[] }> {
  const runs: RealRun[] = [];
  const skipped: string[] = [];
  for (const { label, dataset, flags } of REAL) {
    if (existsSync(join(DATASETS, dataset))) runs.push(await train(label, dataset, flags));
    else skipped.push(dataset);
  }
  const lines = [
    'Quality per real data set: HR@10 of every method on the same splits (10% of nodes held out as cold starts, 10% of the remaining edges as test). `n/a`: the method cannot score that case (neighbourhood methods on a node without edges).',
    ...(skipped.length > 0 ? ['', `Skipped (folder absent from ../shared/datasets): ${skipped.join(', ')}.`] : []),
    '',
    `| data set | protocol | ${METHODS.join(' | ')} |`,
    `|---|---|${METHODS.map(() => '---:').join('|')}|`,
    ...runs.flatMap((r) => PROTOCOLS.filter(([p]) => r.hr10[p]).map(([p, name]) => `| ${r.label} | ${name} | ${METHODS.map((m) => fmt(r.hr10[p]?.[m])).join(' | ')} |`)),
    '',
    '| data set | nodes | edges | training | epochs (early stopping) | peak RSS | command |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...runs.map((r) => `| ${r.label} | ${r.nodes.toLocaleString('en-US')} | ${r.edges.toLocaleString('en-US')} | ${r.trainSeconds.toFixed(0)} s | ${r.epochs} | ${r.peakRssMB} MB | \`${r.command}\` |`),
  ];
  return { lines, runs };
}
