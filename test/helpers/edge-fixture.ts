import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { embedGraph, embedNewProduct, type GraphSageWeights } from '../../artifacts/src/forward/graphsage.ts';
import { rowOf, searchIvf, storedUnitVector, type ShardVectors } from '../../artifacts/src/index/ivf.ts';
import { ShardRows } from '../../artifacts/src/index/shard-rows.ts';
import { SimilarLists } from '../../artifacts/src/index/similar-lists.ts';
import { catalogueShardOf } from '../../artifacts/src/manifest/keys.ts';
import { CatalogueShardSchema, parseManifest, type CatalogueEntry, type Manifest } from '../../artifacts/src/manifest/schema.ts';
import { cosineToCodes } from '../../artifacts/src/vectors/maxabs.ts';
import { Vocabulary } from '../../artifacts/src/text/tfidf.ts';
import { ingest } from '../../trainer/src/data/ingest.ts';
import type { CoPurchaseGraph } from '../../trainer/src/graph/copurchase.ts';
import { inductiveSplit } from '../../trainer/src/graph/splits.ts';
import { exportRun } from '../../trainer/src/export/export-run.ts';
import { catalogueFeatures } from '../../trainer/src/text/product-features.ts';
import { openLocalR2Store } from '../../trainer/src/publish/local-r2-store.ts';
import { publishExport } from '../../trainer/src/publish/publish.ts';
import { GraphSageConfigSchema } from '../../trainer/src/train/graphsage-config.ts';
import { trainRun } from '../../trainer/src/train/graphsage-run.ts';
import { arraysToWeights } from '../../trainer/src/train/graphsage-trainer.ts';
import { readTensorFile } from '../../trainer/src/train/tensor-file.ts';

export const LOCAL_BUCKET = 'graphrec-artifacts';

/** A trained run and the trainer-side view of it, to compare the Worker's answers with. */
export interface TrainedFixture {
  runDir: string;
  data: CoPurchaseGraph;
  weights: GraphSageWeights;
  vocabulary: Vocabulary;
  /** Products the run held out with all their edges (its cold-start set). */
  heldOut: Int32Array;
  /** The trainer's inductive embedding of a product from its title and known neighbours (full-precision states). */
  inductive(title: string, neighborKeys: readonly number[]): Float32Array;
}

/** Trains a small GraphSAGE run on `dataPath` (seed 1, standard protocol) into `runDir`. */
export async function trainFixture(dataPath: string, runDir: string, config: Record<string, unknown> = {}): Promise<TrainedFixture> {
  const parsed = GraphSageConfigSchema.parse({ epochs: 3, inputDim: 32, hiddenDim: 32, outputDim: 32, batchSize: 512, ...config });
  await trainRun({ dataPath, runDir, protocol: 'standard', config: parsed });
  const { coPurchase } = await ingest(dataPath);
  const data = coPurchase!;
  const vocabulary = Vocabulary.parse(JSON.parse(readFileSync(join(runDir, 'model', 'vocabulary.json'), 'utf8')));
  const weights = arraysToWeights(await readTensorFile(join(runDir, 'model', 'weights.bin')), { vocab: vocabulary.size, input: parsed.inputDim, hidden: parsed.hiddenDim, output: parsed.outputDim });
  const states = embedGraph(weights, data.graph, catalogueFeatures(data.products, vocabulary));
  const h = weights.dims.hidden;
  return {
    runDir,
    data,
    weights,
    vocabulary,
    heldOut: inductiveSplit(data.graph, { seed: parsed.seed }).heldOut,
    inductive: (title, neighborKeys) =>
      embedNewProduct(weights, vocabulary.transform(title), neighborKeys.map((u) => ({ p: states.p.subarray(u * h, (u + 1) * h), h1: states.h1.subarray(u * h, (u + 1) * h) }))),
  };
}

/** Exports a run and publishes it to the local R2 bucket under `prefix`; returns the manifest. */
export async function exportAndPublish(runDir: string, outDir: string, persistTo: string, prefix: string, options: { shardItems?: number; blockRows?: number; now?: Date; ranker?: boolean } = {}): Promise<Manifest> {
  // Small blocks, so a shard of a few hundred items has several and a request reads only some.
  // By cosine unless asked: these fixtures check the search path; test/edge-ranker.test.ts checks the ranker.
  await exportRun(runDir, { outDir, shardItems: options.shardItems ?? 500, blockRows: options.blockRows ?? 64, recallQueries: 200, now: options.now, ranker: options.ranker ?? false });
  const store = await openLocalR2Store({ bucket: LOCAL_BUCKET, persistTo });
  try {
    await publishExport(outDir, store, { prefix });
  } finally {
    await store.close();
  }
  return parseManifest(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
}

/** Cosine of two float vectors (the same measure the edge re-ranks with). */
export const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => cosineToCodes(a, b);

/** Catalogue entry of a product as exported (read from the export folder, not through the Worker). */
export function exportedEntry(exportDir: string, manifest: Manifest, id: string): CatalogueEntry {
  const objects = manifest.catalogue.objects;
  const ref = objects[catalogueShardOf(id, objects.length)]!;
  return CatalogueShardSchema.parse(JSON.parse(readFileSync(join(exportDir, ref.key), 'utf8'))).items[id]!;
}

/** The stored unit vector of an exported item (what the Worker queries with). */
export function storedVector(shards: ShardVectors[], entry: CatalogueEntry): Float32Array {
  return storedUnitVector(shards[entry.shard]!, entry.key)!;
}

/** Display rows of each shard of an export (read once per folder). */
const rowsCache = new Map<string, ShardRows[]>();
function exportRows(exportDir: string, manifest: Manifest): ShardRows[] {
  let rows = rowsCache.get(exportDir);
  if (!rows) rowsCache.set(exportDir, (rows = manifest.index.shards.map((s) => ShardRows.parse(new Uint8Array(readFileSync(join(exportDir, s.meta.key))), s.id))));
  return rows;
}

/** The product id at (shard, row) of an export: served keys number items in the export's own order, not the data set's. */
export function exportedId(exportDir: string, manifest: Manifest, at: { shard: number; row: number }): string {
  return exportRows(exportDir, manifest)[at.shard]!.row(at.row).id;
}

/** The precomputed neighbours of `id` (at most `k`) as exported: their shard, row, key and id. */
export function exportedNeighbours(exportDir: string, manifest: Manifest, shards: ShardVectors[], id: string, k: number): { shard: number; row: number; key: number; id: string }[] {
  const entry = exportedEntry(exportDir, manifest, id);
  const s = manifest.index.shards[entry.shard]!;
  const lists = new SimilarLists(s.id, new Uint8Array(readFileSync(join(exportDir, s.similar.key))), s.items, manifest.similar.depth, 0, manifest.similar.kind === 'ranked');
  if (rowOf(shards[entry.shard]!, entry.key) !== entry.row) throw new Error(`catalogue row ${entry.row} of ${id} is not its row in shard ${entry.shard}`);
  return lists.neighbours(entry.row, k).map((n) => ({ ...n, key: Number(shards[n.shard]!.keys[n.row]), id: exportedId(exportDir, manifest, n) }));
}

/** Ids of "similar to `id`" as the export answers it: its precomputed list, or the IVF search beyond the list's depth. */
export async function expectedSimilar(exportDir: string, manifest: Manifest, shards: ShardVectors[], id: string, k: number): Promise<string[]> {
  if (k <= manifest.similar.depth) return exportedNeighbours(exportDir, manifest, shards, id, k).map((n) => n.id);
  return expectedSearch(exportDir, manifest, shards, id, k);
}

/** Ids of the IVF search for `id`'s stored vector (what recommend with history [id] and similar beyond the lists answer). */
export async function expectedSearch(exportDir: string, manifest: Manifest, shards: ShardVectors[], id: string, k: number): Promise<string[]> {
  const entry = exportedEntry(exportDir, manifest, id);
  const hits = await searchIvf(storedVector(shards, entry), manifest.index.centroids, async (s) => shards[s]!, { k, nprobe: manifest.index.nprobe, shortlist: manifest.quantization.shortlist, exclude: new Set([entry.key]) });
  return hits.map((h) => exportedId(exportDir, manifest, h));
}
