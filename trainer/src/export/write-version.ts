import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { DEFAULT_BLOCK_ROWS } from '../../../artifacts/src/index/blocks.ts';
import { MANIFEST_FORMAT, MANIFEST_KEY, MANIFEST_VERSION, ManifestSchema, type CatalogueEntry, type ItemDisplay, type Manifest, type Shard } from '../../../artifacts/src/manifest/schema.ts';
import { quantizeRows } from '../../../artifacts/src/vectors/maxabs.ts';
import { peakRssMB, silentProgress, type Progress } from '../util/progress.ts';
import { writeCatalogue, writePopular } from './catalogue.ts';
import { sphericalKMeans } from './kmeans.ts';
import { chooseNprobe } from './recall.ts';
import { writeShards } from './shards.ts';
import { writeSimilarLists } from './similar.ts';
import { refsOfKeys, servedGraph, similarRanking, writeGraphLists, type ServedGraphInput } from './ranked-lists.ts';
import type { RankerSettings } from '../../../artifacts/src/ranker/schema.ts';
import { servedOrder } from './served-order.ts';

/** The usearch version whose file format the shards use; the edge's reader accepts only this one. */
export const USEARCH_VERSION = '2.25.3';

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
  /** Serve with the run's fitted ranker when it has one (default true); false serves by cosine alone, as versions before the ranker. */
  ranker?: boolean;
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
 * An export in progress: its output folder (checked empty before any work,
 * so a mistyped `--out` fails at once rather than after the embedding) and
 * the time and peak memory of each stage.
 */
export class ExportStages {
  readonly seconds: Record<string, number> = {};
  readonly rssMB: Record<string, number> = {};

  private constructor(readonly outDir: string) {}

  /** @throws GraphrecError `export/out-not-empty` when `outDir` holds anything. */
  static async open(outDir: string): Promise<ExportStages> {
    await mkdir(outDir, { recursive: true });
    if ((await readdir(outDir)).length > 0) throw new GraphrecError('export/out-not-empty', `${outDir} is not empty; export into a new folder`);
    return new ExportStages(outDir);
  }

  /** Runs one stage, recording its seconds and the peak RSS after it. */
  async timed<T>(stage: string, f: () => Promise<T> | T): Promise<T> {
    const t = performance.now();
    const r = await f();
    this.seconds[stage] = (performance.now() - t) / 1000;
    this.rssMB[stage] = peakRssMB();
    return r;
  }
}

/**
 * What a served version is made of, whichever model computed the embeddings.
 * Items are numbered `0 … count-1` here; the version serves them under its own keys (see `served-order.ts`).
 */
export interface EmbeddedCatalogue {
  /** `[count × dim]` L2-normalised embeddings, row `key`. */
  z: Float32Array;
  dim: number;
  count: number;
  idOf: (key: number) => string;
  /** The display row of an item (its popularity included). */
  display: (key: number) => ItemDisplay;
  /** `[count]` popularity (co-purchase degree, review count), for the popular list. */
  popularity: ArrayLike<number>;
  model: Manifest['model'];
  source: Manifest['source'];
  evaluation?: Manifest['evaluation'];
  /** The inductive forward pass, its objects already written into the folder; absent for models served from precomputed embeddings only. */
  forward?: NonNullable<Manifest['forward']>;
  /** What a new product's neighbour needs from an item (GraphSAGE's `p` and `h1`), stored in its catalogue entry. */
  state?: (key: number) => CatalogueEntry['state'];
  /** Identifies the trained model (a sha256 of its weights or embeddings): it and the time make the version id. */
  modelHash: string;
  /**
   * The served ranker (fitted on the run's validation edges) and the co-purchase graph it reads:
   * with both, `similar` lists are ranked and each shard gets its graph lists. Products are numbered as `z`'s rows.
   */
  ranking?: { settings: RankerSettings; graph: ServedGraphInput };
}

/**
 * Writes everything a version serves from its embeddings: max-abs int16
 * re-ranking codes, k-means IVF shards with usearch HNSW indexes and display
 * rows, the precomputed similar lists, the catalogue, the popular list, and
 * the manifest (last, so a folder with a manifest is complete).
 * @param stages from {@link ExportStages.open}, already holding any objects the caller wrote (the forward pass).
 * @throws GraphrecError `export/empty` or `export/shape` on an empty or inconsistent catalogue.
 */
export async function writeVersion(stages: ExportStages, items: EmbeddedCatalogue, options: ExportOptions): Promise<ExportSummary> {
  const progress = options.progress ?? silentProgress;
  const { outDir } = stages;
  const { dim, count: n } = items;
  if (n === 0) throw new GraphrecError('export/empty', 'the catalogue has no products to export');
  if (items.z.length !== n * dim) throw new GraphrecError('export/shape', `${n} items × ${dim} dimensions but ${items.z.length} embedding values`);

  const clusters = Math.max(1, Math.round(n / (options.shardItems ?? 4096)));
  progress.start(`k-means (${clusters} shards)`, 3 * 12 + 1, 'steps');
  const clustered = await stages.timed('kmeans', () => sphericalKMeans(items.z, dim, { k: clusters, seed: options.seed ?? 1, restarts: 3, iterations: 12, onStep: (done) => progress.update(done) }));
  progress.finish(`${clusters} clusters, ${clustered.displaced} items moved for capacity`);

  const hnsw = { connectivity: options.connectivity ?? 16, expansionAdd: options.expansionAdd ?? 128, expansionSearch: options.expansionSearch ?? 64, threads: options.threads || availableParallelism(), blockRows: options.blockRows ?? DEFAULT_BLOCK_ROWS };
  // Served keys number the items shard by shard, each shard in locality order, so an item's neighbours
  // share row blocks (what a cold request reads). From here on, `key` is a served key.
  const { z, assignment, product } = await stages.timed('order', () => servedOrder(items.z, dim, clustered.assignment, clustered.centroids.length / dim, hnsw.blockRows));
  const km = { ...clustered, assignment };
  const codes = quantizeRows(z, dim, 16).codes as Int16Array;
  const display = (key: number): ItemDisplay => items.display(product[key]);
  const popularity = Float64Array.from(product, (p) => items.popularity[p]);
  const { shards: shardsWithoutLists, keys: shardKeys } = await stages.timed('shards', () => writeShards(outDir, { z, codes, dim, assignment: km.assignment, clusters: km.centroids.length / dim, display }, hnsw, progress));
  const depth = options.similarDepth ?? 32;
  const popularCount = options.popularItems ?? 200;
  const popularKeys = Array.from({ length: n }, (_, k) => k)
    .sort((a, b) => popularity[b] - popularity[a] || a - b)
    .slice(0, popularCount);
  const graph = items.ranking ? servedGraph(items.ranking.graph, product, items.idOf, items.ranking.settings.candidates.neighbours) : undefined;
  // The popularity signal is scaled by the served graph's own largest degree.
  const ranker = items.ranking && graph ? { ...items.ranking.settings, maxDegree: graph.maxDegree } : undefined;
  const similar = await stages.timed('similar', () =>
    writeSimilarLists(
      outDir,
      { z, codes, dim, shardKeys },
      { depth, connectivity: hnsw.connectivity, expansionAdd: 64, expansionSearch: Math.max(96, 2 * depth), threads: hnsw.threads, recallQueries: options.recallQueries ?? 1000, seed: options.seed ?? 1, blockRows: hnsw.blockRows },
      progress,
      ranker && graph ? similarRanking(ranker, graph, codes, dim, popularKeys) : undefined,
    ),
  );
  const refs = refsOfKeys(shardKeys);
  const graphLists = graph ? await stages.timed('graph', () => writeGraphLists(outDir, graph, shardKeys, refs, hnsw.blockRows)) : undefined;
  const shards: Shard[] = shardsWithoutLists.map((s, i) => ({ ...s, similar: similar.refs[i], ...(graphLists ? { graph: graphLists[i] } : {}) }));
  const shardOfCluster = new Int32Array(km.centroids.length / dim).fill(-1);
  for (const s of shards) shardOfCluster[s.centroid] = s.id;
  const rowOf = new Int32Array(n);
  for (const keys of shardKeys) keys.forEach((key, row) => (rowOf[key] = row));

  const { state } = items;
  const catalogue = await stages.timed('catalogue', () =>
    writeCatalogue(outDir, {
      count: n,
      idOf: (key) => items.idOf(product[key]),
      entry: (key): CatalogueEntry => ({
        ...display(key),
        shard: shardOfCluster[km.assignment[key]],
        row: rowOf[key],
        key,
        nearBlocks: similar.nearBlocks(key),
        ...(state ? { state: state(product[key]) } : {}),
      }),
    }, options.catalogueItemsPerObject ?? 256, progress));
  const popular = await writePopular(outDir, popularKeys.map((key) => ({ ...display(key), ref: refs[key] })));

  const centroids = shards.map((s) => Array.from(km.centroids.subarray(s.centroid * dim, (s.centroid + 1) * dim)));
  const indexBase = { kind: 'ivf-hnsw' as const, engine: 'usearch' as const, engineVersion: USEARCH_VERSION, metric: 'cos' as const, connectivity: hnsw.connectivity, expansionSearch: hnsw.expansionSearch, centroids, shards: shards.map((s, i) => ({ ...s, centroid: i })) };
  const shortlist = options.shortlist ?? 4;
  progress.start('measuring recall@10 against exact search', options.recallQueries ?? 1000, 'queries');
  // A search loads index, codes and rows of each probed shard (similar lists are another path).
  const averageShardBytes = shards.reduce((s, x) => s + x.index.bytes + x.codes.bytes + x.meta.bytes, 0) / shards.length;
  const maxNprobe = Math.max(1, Math.floor(((options.probeBudgetMB ?? 40) * 2 ** 20) / averageShardBytes));
  const recall = await stages.timed('recall', () => chooseNprobe(outDir, { z, dim, codes, index: indexBase, shardKeys, shortlist, fixed: options.nprobe, maxNprobe, target: options.targetRecall ?? 0.98, queries: options.recallQueries ?? 1000, seed: options.seed ?? 1 }));
  progress.finish(`nprobe ${recall.nprobe}: recall@10 ${recall.recallAt10.toFixed(4)}`);

  const now = options.now ?? new Date();
  const versionHash = createHash('sha256').update(items.source.fingerprint).update(items.modelHash).update(now.toISOString()).digest('hex').slice(0, 8);
  const manifest: Manifest = ManifestSchema.parse({
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_VERSION,
    version: `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${versionHash}`,
    createdAt: now.toISOString(),
    model: items.model,
    source: items.source,
    items: n,
    quantization: { navigation: 'usearch-i8', rerank: 'int16-maxabs', shortlist },
    index: { ...indexBase, nprobe: recall.nprobe, recallAt10: recall.recallAt10, rowOrder: 'locality' },
    similar: { kind: ranker ? 'ranked' : 'precomputed', depth, recallAt10: similar.recallAt10 },
    catalogue: { hash: 'fnv1a32', objects: catalogue },
    ...(items.forward ? { forward: items.forward } : {}),
    popular,
    ...(ranker ? { ranker } : {}),
    evaluation: items.evaluation,
  });
  await writeFile(join(outDir, MANIFEST_KEY), JSON.stringify(manifest, null, 1));

  const shardBytes = shards.reduce((s, x) => s + x.index.bytes + x.codes.bytes + x.meta.bytes + x.similar.bytes, 0);
  const catalogueBytes = catalogue.reduce((s, x) => s + x.bytes, 0);
  const forwardBytes = items.forward ? items.forward.weights.bytes + items.forward.vocabulary.bytes : 0;
  const total = shardBytes + catalogueBytes + popular.bytes + forwardBytes;
  return {
    manifest,
    outDir,
    bytes: { total, perItem: total / n, shards: shardBytes, catalogue: catalogueBytes, largestShard: Math.max(...shards.map((s) => s.index.bytes + s.codes.bytes + s.meta.bytes + s.similar.bytes)) },
    recall,
    similar: { depth, recallAt10: similar.recallAt10 },
    kmeans: { clusters: shards.length, displaced: km.displaced },
    seconds: stages.seconds,
    rssMB: stages.rssMB,
    peakRssMB: peakRssMB(),
  };
}
