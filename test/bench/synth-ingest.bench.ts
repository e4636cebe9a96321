import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cliCommand as cmd, ROOT, runCli } from './cli.ts';
import type { Benchmark } from './types.ts';

/**
 * Generates a synthetic catalogue and ingests it, each in its own process,
 * reporting wall time and the process's peak RSS (goal at 1,000,000 products:
 * under 2 GB for both).
 */
export const synthIngestBenchmark: Benchmark = {
  name: 'synth-ingest',
  title: 'Synthetic data: generation and ingestion',
  async run(config) {
    const products = config.products;
    const out = join(ROOT, '.cache', `bench-synth-${products}`);
    await rm(out, { recursive: true, force: true });
    const synthArgs = ['synth', '--products', String(products), '--out', out, '--seed', '1'];
    const synth = await runCli(synthArgs);
    const ingestArgs = ['ingest', out];
    const ingested = await runCli(ingestArgs);
    const counts = synth.counts as Record<string, number>;
    const co = ingested.coPurchase as Record<string, number>;
    const rv = ingested.reviews as Record<string, number>;
    const rows = [
      ['generate', `${(synth.seconds as number).toFixed(1)} s`, `${synth.peakRssMB} MB`, cmd(synthArgs)],
      ['ingest', `${(ingested.seconds as number).toFixed(1)} s`, `${ingested.peakRssMB} MB`, cmd(ingestArgs)],
    ];
    await rm(out, { recursive: true, force: true });
    return {
      markdown: [
        `${products.toLocaleString('en-US')} products, ${counts.users.toLocaleString('en-US')} users, ${counts.reviews.toLocaleString('en-US')} reviews, ${counts.imageRecords.toLocaleString('en-US')} image records; co-purchase graph ${co.nodes.toLocaleString('en-US')} nodes / ${co.edges.toLocaleString('en-US')} edges; review graph ${rv.users.toLocaleString('en-US')} users × ${rv.items.toLocaleString('en-US')} items.`,
        '',
        '| stage | wall time | peak RSS | command |',
        '|---|---|---|---|',
        ...rows.map((r) => `| ${r.join(' | ')} |`),
      ].join('\n'),
      figures: { products, synthSeconds: synth.seconds, synthPeakRssMB: synth.peakRssMB, ingestSeconds: ingested.seconds, ingestPeakRssMB: ingested.peakRssMB },
    };
  },
};
