import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, runCli, runScript } from './cli.ts';
import type { Benchmark } from './types.ts';

interface Summary {
  items: number;
  shards: number;
  catalogueObjects: number;
  bytes: { total: number; perItem: number; shards: number; catalogue: number; largestShard: number };
  recall: { nprobe: number; recallAt10: number; byNprobe: Record<string, number> };
  similar: { depth: number; recallAt10: number };
  seconds: Record<string, number>;
  peakRssMB: number;
  exportSeconds?: number;
}

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
const row = (label: string, s: Summary, seconds: number, cmd: string): string =>
  `| ${label} | ${s.items.toLocaleString('en-US')} | ${s.shards} | ${seconds.toFixed(0)} s (${Object.entries(s.seconds).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}) | ${s.peakRssMB} MB | ${mib(s.bytes.total)} | ${s.bytes.perItem.toFixed(0)} B | ${mib(s.bytes.largestShard)} | ${s.similar.recallAt10.toFixed(3)} (${s.similar.depth} an item) | ${s.recall.recallAt10.toFixed(3)} @ nprobe ${s.recall.nprobe} | ${cmd} |`;

/**
 * Export at scale: a synthetic catalogue of `products` items exported with
 * untrained weights in its own process (time, peak RSS, bytes per item,
 * recall@10 of the served path against exact float32), and — when the
 * GraphSAGE benchmark's trained study-scale run is present — that run.
 * The synthetic export is kept at `.cache/bench-export-<products>`.
 */
export const exportBenchmark: Benchmark = {
  name: 'export',
  title: 'Export: int8 HNSW + int16 re-rank codes, IVF shards with usearch HNSW, catalogue',
  async run(config) {
    const rows: string[] = [];
    const figures: Record<string, unknown> = {};
    const trainedRun = join(ROOT, '.cache', 'bench-run-graphsage');
    if (existsSync(join(trainedRun, 'run.json'))) {
      const out = join(ROOT, '.cache', 'bench-export-trained');
      await rm(out, { recursive: true, force: true });
      const started = performance.now();
      const s = (await runCli(['export', trainedRun, '--out', out])) as unknown as Summary;
      rows.push(row('trained study-scale run (`graphsage` bench)', s, (performance.now() - started) / 1000, `npm run -s graphrec -- export .cache/bench-run-graphsage --out …`));
      figures.trained = s;
      await rm(out, { recursive: true, force: true });
    }
    const data = join(ROOT, '.cache', `bench-synth-${config.products}`);
    if (!existsSync(data)) await runCli(['synth', '--products', String(config.products), '--out', data, '--seed', '1'], { quiet: true });
    const out = join(ROOT, '.cache', `bench-export-${config.products}`);
    await rm(out, { recursive: true, force: true });
    const s = (await runScript('test/bench/export-scale.ts', [data, out])) as unknown as Summary;
    rows.push(row(`synthetic, untrained weights`, s, s.exportSeconds ?? 0, '`node --import tsx test/bench/export-scale.ts DATA OUT`'));
    figures.scale = s;
    // The export stays in .cache (ignored by git) for the edge benchmark to serve.
    return {
      markdown: [
        '| export | items | shards | wall time (stages) | peak RSS | bytes | per item | largest shard | similar lists recall@10 | search recall@10 | command |',
        '|---|---|---|---|---|---|---|---|---|---|---|',
        ...rows,
        '',
        'Both recalls are against exact float32 search over all embeddings, q excluded, for "similar to item q". Similar lists: the neighbours precomputed at export (a native float32 HNSW over every item, re-scored on the int16 codes), which the edge serves for `similar` up to their depth. Search: the IVF path the edge runs for recommend, embed and larger k (q\'s int16 code → probe `nprobe` shards → usearch i8 HNSW shortlist → re-rank on int16 codes). Peak RSS of the synthetic row includes ingesting the data set in the same process.',
      ].join('\n'),
      figures,
    };
  },
};
