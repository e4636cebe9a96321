import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { exportRun } from '../export/export-run.ts';
import { numberFlag, parseFlags, type Command } from './command.ts';

const usage = 'graphrec export RUN --out DIR [--shard-items 4096] [--nprobe N] [--shortlist 4] [--connectivity 16] [--similar-depth 32] [--block-rows 256] [--recall-queries 1000] [--no-ranker] [--json]';

export const exportCommand: Command = {
  name: 'export',
  summary: 'turn a trained run (GraphSAGE or PinSage) into served artifacts: int8 HNSW + int16 re-rank vectors, IVF shards with usearch HNSW, catalogue, forward-pass weights (GraphSAGE), manifest',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(ctx.args, {
      out: { type: 'string' },
      'shard-items': { type: 'string' },
      nprobe: { type: 'string' },
      shortlist: { type: 'string' },
      connectivity: { type: 'string' },
      'similar-depth': { type: 'string' },
      'block-rows': { type: 'string' },
      'recall-queries': { type: 'string' },
      'no-ranker': { type: 'boolean' },
    }, usage);
    const runDir = positionals[0];
    if (!runDir || !values.out) throw new GraphrecError('cli/bad-arguments', `missing ${runDir ? '--out DIR' : 'RUN'}\nusage: ${usage}`);
    const summary = await exportRun(runDir, {
      outDir: values.out,
      shardItems: numberFlag(values['shard-items'], 'shard-items', 4096, { min: 1, integer: true }),
      nprobe: values.nprobe === undefined ? undefined : numberFlag(values.nprobe, 'nprobe', 1, { min: 1, max: 1024, integer: true }),
      shortlist: numberFlag(values.shortlist, 'shortlist', 4, { min: 1, max: 64, integer: true }),
      connectivity: numberFlag(values.connectivity, 'connectivity', 16, { min: 2, max: 256, integer: true }),
      similarDepth: numberFlag(values['similar-depth'], 'similar-depth', 32, { min: 1, max: 1000, integer: true }),
      blockRows: numberFlag(values['block-rows'], 'block-rows', 256, { min: 1, max: 65_536, integer: true }),
      recallQueries: numberFlag(values['recall-queries'], 'recall-queries', 1000, { min: 1, integer: true }),
      ranker: !values['no-ranker'],
      progress: ctx.progress,
    });
    const m = summary.manifest;
    ctx.print(`exported ${m.model.kind} version ${m.version} to ${summary.outDir}${m.model.transductive ? ' (transductive: new products need retraining)' : ''}`);
    ctx.print(`  ${m.items.toLocaleString('en-US')} items in ${m.index.shards.length} shards (largest ${(summary.bytes.largestShard / 2 ** 20).toFixed(1)} MiB), ${m.catalogue.objects.length} catalogue objects`);
    ctx.print(`  ${(summary.bytes.total / 2 ** 20).toFixed(1)} MiB total, ${summary.bytes.perItem.toFixed(0)} bytes per item`);
    ctx.print(m.ranker ? `  served ranker: warm ${m.ranker.warm.chosen}, cold ${m.ranker.cold.chosen} (weights fitted on ${m.ranker.fittedOn}); similar lists ranked, ${summary.similar.depth} an item, embedding candidates recall@10 vs exact float32 ${summary.similar.recallAt10.toFixed(4)}` : `  similar lists: ${summary.similar.depth} neighbours an item, recall@10 vs exact float32 ${summary.similar.recallAt10.toFixed(4)}`);
    ctx.print(`  search (recommend${m.forward ? ', embed' : ''}) recall@10 vs exact float32: ${summary.recall.recallAt10.toFixed(4)} at nprobe ${summary.recall.nprobe} (${Object.entries(summary.recall.byNprobe).map(([p, r]) => `${p}: ${r.toFixed(4)}`).join(', ')})`);
    return { version: m.version, model: m.model.kind, out: summary.outDir, items: m.items, shards: m.index.shards.length, bytes: summary.bytes, recall: summary.recall, similar: summary.similar, seconds: summary.seconds, peakRssMB: summary.peakRssMB };
  },
};
