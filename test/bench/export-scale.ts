/**
 * `node --import tsx test/bench/export-scale.ts DATA OUT`: exports a whole
 * synthetic catalogue in this process (so its peak RSS is the export's) with
 * seeded, untrained GraphSAGE weights — export cost does not depend on the
 * weights' values — and prints the summary as one JSON line.
 */
import { exportArtifacts } from '../../trainer/src/export/export.ts';
import { fingerprintPath } from '../../trainer/src/export/files.ts';
import { ingest } from '../../trainer/src/data/ingest.ts';
import { fitVocabulary } from '../../trainer/src/text/fit-vocabulary.ts';
import { createProgress, peakRssMB } from '../../trainer/src/util/progress.ts';
import { Rng } from '../../trainer/src/util/rng.ts';
import type { GraphSageWeights } from '../../artifacts/src/forward/graphsage.ts';

const [data, out, shardItems] = process.argv.slice(2);
if (!data || !out) throw new Error('usage: export-scale.ts DATA OUT');
const progress = createProgress();
const started = performance.now();
const { coPurchase } = await ingest(data, { progress });
if (!coPurchase) throw new Error(`${data} has no co-purchase graph`);
const ingestSeconds = (performance.now() - started) / 1000;
const vocabulary = fitVocabulary(coPurchase.products.titles);
const rng = new Rng(5);
const glorot = (rows: number, cols: number): Float32Array => {
  const limit = Math.sqrt(6 / (rows + cols));
  return Float32Array.from({ length: rows * cols }, () => (rng.next() * 2 - 1) * limit);
};
const dims = { vocab: vocabulary.size, input: 64, hidden: 64, output: 64 };
const weights: GraphSageWeights = {
  dims,
  embedding: glorot(dims.vocab, dims.input),
  w1Self: glorot(dims.input, dims.hidden),
  w1Neigh: glorot(dims.input, dims.hidden),
  w2Self: glorot(dims.hidden, dims.output),
  w2Neigh: glorot(dims.hidden, dims.output),
};
const source = { dataset: data.split('/').filter(Boolean).at(-1)!, fingerprint: await fingerprintPath(data), items: coPurchase.products.asins.length, edges: coPurchase.graph.targets.length / 2 };
const exportStarted = performance.now();
const summary = await exportArtifacts({ products: coPurchase.products, graph: coPurchase.graph, weights, vocabulary, source }, { outDir: out, progress, recallQueries: 500, ...(shardItems ? { shardItems: Number(shardItems) } : {}) });
const exportSeconds = (performance.now() - exportStarted) / 1000;
const { manifest, ...rest } = summary;
console.log(JSON.stringify({ ...rest, items: manifest.items, shards: manifest.index.shards.length, catalogueObjects: manifest.catalogue.objects.length, ingestSeconds, exportSeconds, peakRssMB: peakRssMB() }));
