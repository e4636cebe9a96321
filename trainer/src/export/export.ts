import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { embedGraph, type GraphSageWeights } from '../../../artifacts/src/forward/graphsage.ts';
import { encodeForwardWeights, encodeNeighborState } from '../../../artifacts/src/forward/weights-codec.ts';
import { FORWARD_WEIGHTS_KEY, VOCABULARY_KEY } from '../../../artifacts/src/manifest/keys.ts';
import { MANIFEST_FORMAT, MANIFEST_KEY, MANIFEST_VERSION, ManifestSchema, type CatalogueEntry, type ItemDisplay, type Manifest, type Shard } from '../../../artifacts/src/manifest/schema.ts';
import type { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import { quantizeRows } from '../../../artifacts/src/vectors/maxabs.ts';
import { DEFAULT_BLOCK_ROWS } from '../../../artifacts/src/index/blocks.ts';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { ProductTable } from '../graph/copurchase.ts';
import type { Csr } from '../graph/csr.ts';
import { titleFeatures } from '../models/feature-rows.ts';
import { peakRssMB, silentProgress, type Progress } from '../util/progress.ts';
import { writeCatalogue, writePopular } from './catalogue.ts';
import { writeObject } from './files.ts';
import { sphericalKMeans } from './kmeans.ts';
import { chooseNprobe } from './recall.ts';
import { writeShards } from './shards.ts';
import { writeSimilarLists } from './similar.ts';

/** The usearch version whose file format the shards use; the edge's reader accepts only this one. */
export const USEARCH_VERSION = '2.25.3';

/** What an export is made from: a trained model and the full catalogue it serves. */
export interface ExportInputs {
  products: ProductTable;
  /** The full co-purchase graph: serving uses every known edge. */
  graph: Csr;
  weights: GraphSageWeights;
  vocabulary: Vocabulary;
  source: Manifest['source'];
  evaluation?: Manifest['evaluation'];
}

export interface ExportOptions {
  outDir: string;
  /** Target items per IVF shard (the largest may hold 1.5× this). */
  shardItems?: number;
  connectivity?: number;
  expansionAdd?: number;
  expansionSearch?: number;
  /** HNSW shortlist factor for re-ranking with the int16 codes. */
  shortlist?: number;
  /** Nearest neighbours precomputed per item for "similar" (default 32); larger k falls back to the IVF search. */
  similarDepth?: number;
  /** Items per checksummed block of the codes, rows and similar objects, which the edge reads by the block (default 256). */
  blockRows?: number;
  /** Fixed nprobe; by default the smallest reaching `targetRecall` within `probeBudgetMB` is measured and chosen. */
  nprobe?: number;
  /** Bytes of shard objects one query may touch (nprobe × average shard), kept well inside a 128 MB isolate; default 40 MB. */
  probeBudgetMB?: number;
  targetRecall?: number;
  recallQueries?: number;
  catalogueItemsPerObject?: number;
  popularItems?: number;
  seed?: number;
  threads?: number;
  now?: Date;
  progress?: Progress;
}

export interface ExportSummary {
  manifest: Manifest;
  outDir: string;
  bytes: { total: number; perItem: number; shards: number; catalogue: number; largestShard: number };
  recall: { nprobe: number; recallAt10: number; byNprobe: Record<string, number> };
  similar: { depth: number; recallAt10: number };
  kmeans: { clusters: number; displaced: number };
  seconds: Record<string, number>;
  /** Peak resident memory so far, after each stage. */
  rssMB: Record<string, number>;
  peakRssMB: number;
}

/**
 * Turns a trained GraphSAGE model and its catalogue into the served
 * artifacts: embeddings from the one forward pass in `artifacts/`, max-abs
 * int16 re-ranking codes, IVF shards with usearch HNSW indexes, the catalogue, the
 * popularity list, the forward-pass weights and vocabulary, and the manifest
 * (written last, so a folder with a manifest is complete).
 */
export async function exportArtifacts(inputs: ExportInputs, options: ExportOptions): Promise<ExportSummary> {
  const progress = options.progress ?? silentProgress;
  const { outDir } = options;
  await mkdir(outDir, { recursive: true });
  if ((await readdir(outDir)).length > 0) throw new GraphrecError('export/out-not-empty', `${outDir} is not empty; export into a new folder`);
  const seconds: Record<string, number> = {};
  const rssMB: Record<string, number> = {};
  const timed = async <T>(stage: string, f: () => Promise<T> | T): Promise<T> => {
    const t = performance.now();
    const r = await f();
    seconds[stage] = (performance.now() - t) / 1000;
    rssMB[stage] = peakRssMB();
    return r;
  };
  const { products, graph, weights, vocabulary } = inputs;
  const n = products.asins.length;
  const dim = weights.dims.output;
  if (n === 0) throw new GraphrecError('export/empty', 'the catalogue has no products to export');
  if (graph.numNodes !== n) throw new GraphrecError('export/shape', `graph has ${graph.numNodes} nodes but the catalogue ${n} products`);

  progress.start('embedding products (forward pass)', undefined, 'items');
  const { z, p, h1 } = await timed('embed', () => embedGraph(weights, graph, titleFeatures(products.titles, vocabulary)));
  progress.finish(`${n.toLocaleString('en-US')} products embedded`);
  const codes = quantizeRows(z, dim, 16).codes as Int16Array;

  const clusters = Math.max(1, Math.round(n / (options.shardItems ?? 4096)));
  progress.start(`k-means (${clusters} shards)`, 3 * 12 + 1, 'steps');
  const km = await timed('kmeans', () => sphericalKMeans(z, dim, { k: clusters, seed: options.seed ?? 1, restarts: 3, iterations: 12, onStep: (done) => progress.update(done) }));
  progress.finish(`${clusters} clusters, ${km.displaced} items moved for capacity`);

  const popularity = new Float64Array(n);
  for (let v = 0; v < n; v++) popularity[v] = graph.offsets[v + 1] - graph.offsets[v];
  const display = (key: number): ItemDisplay => displayOf(products, key, popularity[key]);
  const hnsw = { connectivity: options.connectivity ?? 16, expansionAdd: options.expansionAdd ?? 128, expansionSearch: options.expansionSearch ?? 64, threads: options.threads || availableParallelism(), blockRows: options.blockRows ?? DEFAULT_BLOCK_ROWS };
  const { shards: shardsWithoutLists, keys: shardKeys } = await timed('shards', () => writeShards(outDir, { z, codes, dim, assignment: km.assignment, clusters: km.centroids.length / dim, display }, hnsw, progress));
  const depth = options.similarDepth ?? 32;
  const similar = await timed('similar', () =>
    writeSimilarLists(outDir, { z, codes, dim, shardKeys }, { depth, connectivity: hnsw.connectivity, expansionAdd: 64, expansionSearch: Math.max(96, 2 * depth), threads: hnsw.threads, recallQueries: options.recallQueries ?? 1000, seed: options.seed ?? 1, blockRows: hnsw.blockRows }, progress),
  );
  const shards: Shard[] = shardsWithoutLists.map((s, i) => ({ ...s, similar: similar.refs[i] }));
  const shardOfCluster = new Int32Array(km.centroids.length / dim).fill(-1);
  for (const s of shards) shardOfCluster[s.centroid] = s.id;
  const rowOf = new Int32Array(n);
  for (const keys of shardKeys) keys.forEach((key, row) => (rowOf[key] = row));

  const hidden = weights.dims.hidden;
  const catalogue = await timed('catalogue', () =>
    writeCatalogue(outDir, {
      count: n,
      idOf: (key) => products.asins[key],
      entry: (key): CatalogueEntry => ({
        ...display(key),
        shard: shardOfCluster[km.assignment[key]],
        row: rowOf[key],
        key,
        nearBlocks: similar.nearBlocks(key),
        state: encodeNeighborState(p.subarray(key * hidden, (key + 1) * hidden), h1.subarray(key * hidden, (key + 1) * hidden)),
      }),
    }, options.catalogueItemsPerObject ?? 256, progress));
  const popular = await writePopular(outDir, n, popularity, display, options.popularItems ?? 200);
  const forward = {
    kind: 'graphsage-mean-2' as const,
    dims: weights.dims,
    weights: await writeObject(outDir, FORWARD_WEIGHTS_KEY, encodeForwardWeights(weights)),
    vocabulary: await writeObject(outDir, VOCABULARY_KEY, JSON.stringify(vocabulary.toJSON())),
  };

  const centroids = shards.map((s) => Array.from(km.centroids.subarray(s.centroid * dim, (s.centroid + 1) * dim)));
  const indexBase = { kind: 'ivf-hnsw' as const, engine: 'usearch' as const, engineVersion: USEARCH_VERSION, metric: 'cos' as const, connectivity: hnsw.connectivity, expansionSearch: hnsw.expansionSearch, centroids, shards: shards.map((s, i) => ({ ...s, centroid: i })) };
  const shortlist = options.shortlist ?? 4;
  progress.start('measuring recall@10 against exact search', options.recallQueries ?? 1000, 'queries');
  // A search loads index, codes and rows of each probed shard (similar lists are another path).
  const averageShardBytes = shards.reduce((s, x) => s + x.index.bytes + x.codes.bytes + x.meta.bytes, 0) / shards.length;
  const maxNprobe = Math.max(1, Math.floor(((options.probeBudgetMB ?? 40) * 2 ** 20) / averageShardBytes));
  const recall = await timed('recall', () => chooseNprobe(outDir, { z, dim, codes, index: indexBase, shardKeys, shortlist, fixed: options.nprobe, maxNprobe, target: options.targetRecall ?? 0.98, queries: options.recallQueries ?? 1000, seed: options.seed ?? 1 }));
  progress.finish(`nprobe ${recall.nprobe}: recall@10 ${recall.recallAt10.toFixed(4)}`);

  const now = options.now ?? new Date();
  const versionHash = createHash('sha256').update(inputs.source.fingerprint).update(forward.weights.sha256).update(now.toISOString()).digest('hex').slice(0, 8);
  const manifest: Manifest = ManifestSchema.parse({
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_VERSION,
    version: `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${versionHash}`,
    createdAt: now.toISOString(),
    model: { kind: 'graphsage', dimensions: dim },
    source: inputs.source,
    items: n,
    quantization: { navigation: 'usearch-i8', rerank: 'int16-maxabs', shortlist },
    index: { ...indexBase, nprobe: recall.nprobe, recallAt10: recall.recallAt10 },
    similar: { kind: 'precomputed', depth, recallAt10: similar.recallAt10 },
    catalogue: { hash: 'fnv1a32', objects: catalogue },
    forward,
    popular,
    evaluation: inputs.evaluation,
  });
  await writeFile(join(outDir, MANIFEST_KEY), JSON.stringify(manifest, null, 1));

  const shardBytes = shards.reduce((s, x) => s + x.index.bytes + x.codes.bytes + x.meta.bytes + x.similar.bytes, 0);
  const catalogueBytes = catalogue.reduce((s, x) => s + x.bytes, 0);
  const total = shardBytes + catalogueBytes + popular.bytes + forward.weights.bytes + forward.vocabulary.bytes;
  return {
    manifest,
    outDir,
    bytes: { total, perItem: total / n, shards: shardBytes, catalogue: catalogueBytes, largestShard: Math.max(...shards.map((s) => s.index.bytes + s.codes.bytes + s.meta.bytes + s.similar.bytes)) },
    recall,
    similar: { depth, recallAt10: similar.recallAt10 },
    kmeans: { clusters: shards.length, displaced: km.displaced },
    seconds,
    rssMB,
    peakRssMB: peakRssMB(),
  };
}

function displayOf(products: ProductTable, key: number, popularity: number): ItemDisplay {
  const price = products.prices[key];
  const image = products.imageUrls[key];
  const category = products.categoryNames[products.category[key]];
  return {
    id: products.asins[key],
    title: products.titles[key],
    ...(Number.isFinite(price) && price >= 0 ? { price } : {}),
    ...(image ? { image } : {}),
    ...(category ? { category } : {}),
    popularity,
  };
}
