import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cliCommand as cmd, DATASETS, hitRatesAt10, ROOT, runCli } from './cli.ts';
import type { Benchmark } from './types.ts';

/**
 * The settings each real data set is trained with: chosen on the leave-last-out
 * *validation* protocol (`user-leave-last-out-validation`, never the test
 * rows); the commands and the figures are in the README, PinSage section.
 * Musical Instruments has no metadata, so only the ID embedding can tell its
 * products apart; MovieLens users have long histories, so positives come from
 * near in time (`--pair-window`).
 */
const REAL: readonly { dataset: string; flags: string[] }[] = [
  { dataset: 'amazon-musical-instruments-5core-2014', flags: ['--epochs', '20', '--margin', '0.2', '--id-embedding', '--pair-window', '6'] },
  { dataset: 'amazon-gift-cards-2018', flags: ['--epochs', '30', '--batch-size', '128', '--dim', '32', '--margin', '0.2', '--id-embedding'] },
  { dataset: 'movielens-latest-small', flags: ['--epochs', '10', '--id-embedding', '--pair-window', '10'] },
];

/** A synthetic set with an image vector for every product (the generator's default up to 20,000 products). */
const SYNTH = { products: 2000, users: 2000, categories: 40, seed: 1 };
const SYNTH_FLAGS = ['--epochs', '5'];

interface RunFigures {
  label: string;
  command: string;
  epochs: number;
  secondsPerEpoch: number;
  pairsPerSecond: number;
  trainSeconds: number;
  evaluateSeconds: number;
  peakRssMB: number;
  hr10: Record<string, Record<string, number | undefined>>;
}

const METHODS = ['pinsage/mean-history', 'pinsage/latest-item', 'popularity', 'itemknn', 'itemknn/latest-item', 'random'];
/** Validation first: it is what the settings above were chosen on; the test rows are what is reported. */
const PROTOCOLS = ['user-leave-last-out-validation', 'user-leave-last-out', 'user-temporal'];

async function train(label: string, data: string, flags: string[]): Promise<RunFigures> {
  const runDir = join(ROOT, '.cache', `bench-run-pinsage-${label.replace(/[^a-z0-9]+/gi, '-')}`);
  await rm(runDir, { recursive: true, force: true });
  const args = ['train', 'pinsage', data, '--out', runDir, '--backend', 'wasm', ...flags];
  const r = await runCli(args);
  const hr10 = hitRatesAt10(r.protocols, METHODS, PROTOCOLS);
  return {
    label,
    command: cmd(args),
    epochs: r.epochs as number,
    secondsPerEpoch: r.secondsPerEpoch as number,
    pairsPerSecond: r.pairsPerSecond as number,
    trainSeconds: r.trainSeconds as number,
    evaluateSeconds: r.evaluateSeconds as number,
    peakRssMB: r.peakRssMB as number,
    hr10,
  };
}

const fmt = (x: number | undefined, digits = 3): string => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));

function throughputTable(runs: readonly RunFigures[]): string[] {
  return [
    '| run | epochs | s / epoch | pairs / s | training (both splits) | evaluation | peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) => `| ${r.label} | ${r.epochs} | ${fmt(r.secondsPerEpoch, 2)} | ${Math.round(r.pairsPerSecond).toLocaleString('en-US')} | ${fmt(r.trainSeconds, 0)} s | ${fmt(r.evaluateSeconds, 1)} s | ${r.peakRssMB} MB |`),
  ];
}

function hitRateTable(runs: readonly RunFigures[]): string[] {
  const head = METHODS.map((m) => m.replace('pinsage/', 'PinSage ').replace('itemknn', 'ItemKNN'));
  const rows = runs.flatMap((r) => PROTOCOLS.map((p) => `| ${r.label} | ${p} | ${METHODS.map((m) => fmt(r.hr10[p]?.[m])).join(' | ')} |`));
  return [`| run | protocol | ${head.join(' | ')} |`, `|---|---|${METHODS.map(() => '---:').join('|')}|`, ...rows];
}

/**
 * PinSage training on the real review data sets (when `../shared/datasets`
 * exists) and on a synthetic set with image features, with and without them:
 * throughput (positive pairs per second, each with its negatives), seconds
 * per epoch of the served (leave-last-out) model, peak RSS of the whole run,
 * and HR@10 against the baselines on the same splits.
 */
export const pinsageBenchmark: Benchmark = {
  name: 'pinsage',
  title: 'PinSage training on review graphs (wasm)',
  async run() {
    const runs: RunFigures[] = [];
    const skipped: string[] = [];
    for (const { dataset, flags } of REAL) {
      const path = join(DATASETS, dataset);
      if (existsSync(path)) runs.push(await train(dataset, path, flags));
      else skipped.push(dataset);
    }
    const synth = join(ROOT, '.cache', `bench-synth-pinsage-${SYNTH.products}`);
    const synthArgs = ['synth', '--products', String(SYNTH.products), '--users', String(SYNTH.users), '--categories', String(SYNTH.categories), '--seed', String(SYNTH.seed), '--out', synth];
    if (!existsSync(join(synth, 'synth.json'))) await runCli(synthArgs);
    runs.push(await train('synthetic, with images', synth, SYNTH_FLAGS));
    runs.push(await train('synthetic, --no-images', synth, [...SYNTH_FLAGS, '--no-images']));
    const markdown = [
      'Each run trains two models (leave-last-out and temporal splits), embeds the served catalogue and evaluates every method under the user protocols. Seconds per epoch and pairs per second are the served model\'s; an epoch draws one positive pair per training interaction, with 2 negatives each.',
      ...(skipped.length > 0 ? ['', `Skipped (data set folder absent): ${skipped.join(', ')}.`] : []),
      '',
      ...throughputTable(runs),
      '',
      'HR@10 on the same splits (PinSage rows are scored only under the protocols of the split each model was trained on). `user-leave-last-out-validation` targets each user\'s second-to-last interaction: the settings and the query (latest item or mean of history) are chosen on it, never on the test rows.',
      '',
      ...hitRateTable(runs),
      '',
      `Synthetic data: \`${cmd(synthArgs)}\` (every product has a 4,096-float image vector: its category centroid plus noise).`,
      '',
      'Commands:',
      '',
      ...runs.map((r) => `- ${r.label}: \`${r.command}\``),
    ].join('\n');
    return { markdown, figures: { runs } };
  },
};
