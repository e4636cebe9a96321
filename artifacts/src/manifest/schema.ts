import { z } from 'zod';
import { GraphrecError } from '../errors.ts';
import { BlockTableSchema } from '../index/blocks.ts';
import { RankerSchema } from '../ranker/schema.ts';

/**
 * Manifest v2: everything the edge needs to serve one published version,
 * and everything `publish` needs to upload and verify it. Every object of a
 * version is an {@link ObjectRef} with its size and sha256, so nothing is
 * served or published that does not match what the exporter wrote.
 */

export const MANIFEST_FORMAT = 'graphrec-manifest';
/** 2: per-block checksums on shard objects, per-item similar records, catalogue rows (v1 read whole objects). */
export const MANIFEST_VERSION = 2;
/** The manifest's own object key inside a version folder. */
export const MANIFEST_KEY = 'manifest.json';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');
const Count = z.number().int().nonnegative();
/** A relative object key: no leading slash, no `..`, no empty segment. */
const RelativeKey = z.string().regex(/^(?!\/)(?!.*\/\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._\-/]+$/, 'a relative key like shards/0003.usearch');

/** One stored object of a version, relative to `versions/<v>/`. */
export const ObjectRefSchema = z.object({ key: RelativeKey, bytes: Count, sha256: Sha256 });
export type ObjectRef = z.infer<typeof ObjectRefSchema>;

/** An object of per-item records the edge reads by the block (`index/blocks.ts`). */
export const BlockedObjectRefSchema = ObjectRefSchema.extend({ blocks: BlockTableSchema });
export type BlockedObjectRef = z.infer<typeof BlockedObjectRefSchema>;

/** Model kinds and their object-key names. */
export const ModelKindSchema = z.enum(['graphsage', 'pinsage']);
export type ModelKind = z.infer<typeof ModelKindSchema>;

/** A version id: sortable UTC time plus a short content hash, e.g. `20261127T184501Z-3fa9c1d2`. */
export const VersionIdSchema = z.string().regex(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/, 'a version id like 20261127T184501Z-3fa9c1d2');

/** One IVF cell: a usearch HNSW index over the items nearest its centroid, and their display rows. */
export const ShardSchema = z.object({
  id: Count,
  /** Row of `index.centroids` this shard belongs to. */
  centroid: Count,
  items: Count,
  /** usearch HNSW file (usearch's own i8 vectors), used to navigate. */
  index: ObjectRefSchema,
  /** `[items, dimensions]` max-abs int16 codes (little-endian) in ascending key order: the re-ranking vectors and the items' own vectors. */
  codes: BlockedObjectRefSchema,
  /** Display rows of the shard's items in key order, newline-delimited JSON (`index/shard-rows.ts`). */
  meta: BlockedObjectRefSchema,
  /** Each item's precomputed nearest neighbours (`index/similar-lists.ts`). */
  similar: BlockedObjectRefSchema,
  /** Each item's co-purchase list for the served ranker (`index/graph-lists.ts`); absent without a ranker. */
  graph: BlockedObjectRefSchema.optional(),
});
export type Shard = z.infer<typeof ShardSchema>;

/**
 * Two precisions, measured and chosen: the HNSW graph is navigated on
 * usearch's own int8 vectors (64 B an item), and its shortlist is re-scored
 * with per-vector max-abs int16 codes, `q = round(32767·v / max|v|)`. On a
 * trained GraphSAGE model the 10th and 11th neighbours are a median 6.5e-5
 * apart in cosine, so even exhaustive int8 search (max-abs) reaches only
 * recall@10 0.971 against float32; int16 re-ranking reaches 0.9998.
 * Cosine is scale-free, so no scale is stored.
 */
export const QuantizationSchema = z.object({
  navigation: z.literal('usearch-i8'),
  rerank: z.literal('int16-maxabs'),
  /** HNSW returns `shortlist · k` candidates per probed shard for re-scoring. */
  shortlist: z.number().int().min(1).max(64),
});

export const IndexSchema = z.object({
  kind: z.literal('ivf-hnsw'),
  engine: z.literal('usearch'),
  /** usearch's file format is versioned; the edge's reader accepts only this one. */
  engineVersion: z.string(),
  metric: z.literal('cos'),
  connectivity: z.number().int().positive(),
  expansionSearch: z.number().int().positive(),
  /** Shards probed per query by default. */
  nprobe: z.number().int().positive(),
  /** `[shards][dimensions]` k-means centroids, L2-normalised. */
  centroids: z.array(z.array(z.number())),
  shards: z.array(ShardSchema).min(1),
  /** Recall@10 of the whole query path (IVF + HNSW + re-rank) against exact float search, measured at export. */
  recallAt10: z.number().min(0).max(1).optional(),
  /**
   * How items are numbered (and so laid out in blocks): `locality`, shard by shard with near
   * embeddings in the same blocks (`trainer/src/export/locality-order.ts`); absent, in input order.
   */
  rowOrder: z.literal('locality').optional(),
});

/**
 * "Similar to a known item" is precomputed at export: each item's `depth`
 * nearest neighbours over the whole catalogue (a native HNSW over float32
 * embeddings, re-scored on the int16 codes). Larger `k` falls back to the IVF search.
 */
export const SimilarSchema = z.object({
  /** `precomputed`: nearest by cosine; `ranked`: the served ranker's order with a reason per item (`index/similar-lists.ts`). */
  kind: z.enum(['precomputed', 'ranked']),
  depth: z.number().int().positive().max(1000),
  /** Recall@10 of the lists against exact float32 search, measured at export. */
  recallAt10: z.number().min(0).max(1).optional(),
});

export const CatalogueSchema = z.object({
  /** Catalogue shard of an id: `fnv1a32(id) mod objects.length`; the count is a power of two. */
  hash: z.literal('fnv1a32'),
  objects: z.array(ObjectRefSchema).min(1),
});

export const ForwardSchema = z.object({
  kind: z.literal('graphsage-mean-2'),
  dims: z.object({ vocab: Count, input: Count, hidden: Count, output: Count }),
  /** Little-endian float32 matrices, row-major `[in, out]`, in the order of {@link FORWARD_MATRICES}. */
  weights: ObjectRefSchema,
  /** The title vocabulary (`graphrec-vocabulary` JSON). */
  vocabulary: ObjectRefSchema,
});

/** The model a version serves. */
export const ModelSchema = z.object({
  kind: ModelKindSchema,
  dimensions: z.number().int().positive(),
  /**
   * Whether the model learned a free embedding per product id (PinSage with its ID
   * embedding): a product without interactions then has no embedding at all, so
   * retraining, not the edge, is what brings a new product in. Absent: not recorded
   * (manifests written before the field); GraphSAGE writes `false`.
   */
  transductive: z.boolean().optional(),
});

export const ManifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  formatVersion: z.literal(MANIFEST_VERSION),
  version: VersionIdSchema,
  createdAt: z.iso.datetime(),
  model: ModelSchema,
  source: z.object({
    dataset: z.string(),
    /** sha256 over the data files the run was trained on (names, sizes, contents). */
    fingerprint: Sha256,
    items: Count,
    edges: Count,
  }),
  items: Count,
  quantization: QuantizationSchema,
  index: IndexSchema,
  similar: SimilarSchema,
  catalogue: CatalogueSchema,
  /** The inductive forward pass; absent for models that cannot embed a new product. */
  forward: ForwardSchema.optional(),
  /** {@link PopularList}: the fallback when an item is unknown. */
  popular: ObjectRefSchema,
  /** The served ranker (`ranker/`): candidates from the graph lists, the embedding and popularity, one fitted blend. Absent: served by cosine alone. */
  ranker: RankerSchema.optional(),
  /** Held-out metrics of the run, per protocol and method: `{ 'held-out edges': { graphsage: { 'hr@10': 0.4 } } }`. */
  evaluation: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.number()))).optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** Matrix order in the forward weights object. */
export const FORWARD_MATRICES = ['embedding', 'w1Self', 'w1Neigh', 'w2Self', 'w2Neigh'] as const;

/** Display fields of an item, as served. */
export const ItemDisplaySchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  /** Dollars; absent when unknown. */
  price: z.number().nonnegative().optional(),
  image: z.string().optional(),
  category: z.string().optional(),
  /** Popularity (co-purchase degree or review count) used for fallbacks and tie-breaks. */
  popularity: Count,
});
export type ItemDisplay = z.infer<typeof ItemDisplaySchema>;

/**
 * One catalogue entry: where the item's vector is and what a new neighbour
 * needs from it (`p = x·W1n`, `h1`), int8 with a scale, base64.
 */
export const CatalogueEntrySchema = ItemDisplaySchema.extend({
  shard: Count,
  /** Row of the item in its shard (key order): which block of the shard's objects holds it. */
  row: Count,
  key: Count,
  /** Row blocks (`shard << 16 | block`) holding the item's first 10 precomputed neighbours: read alongside its lists. */
  nearBlocks: z.array(Count).optional(),
  state: z.object({ p: z.string(), pScale: z.number(), h1: z.string(), h1Scale: z.number() }).optional(),
});
export type CatalogueEntry = z.infer<typeof CatalogueEntrySchema>;

/** `catalogue/NNNN.json`: id → entry for ids hashing to this object. */
export const CatalogueShardSchema = z.object({ shard: Count, items: z.record(z.string(), CatalogueEntrySchema) });
export type CatalogueShard = z.infer<typeof CatalogueShardSchema>;

/** `popular.json`: most popular items first, with their served keys (`shard << 16 | row` references for the ranker). */
export const PopularListSchema = z.object({ items: z.array(ItemDisplaySchema.extend({ ref: Count.optional() })) });
export type PopularList = z.infer<typeof PopularListSchema>;

/** `<model>/CURRENT`: the version being served, and its manifest's checksum. */
export const CurrentPointerSchema = z.object({
  version: VersionIdSchema,
  manifestSha256: Sha256,
  publishedAt: z.iso.datetime(),
});
export type CurrentPointer = z.infer<typeof CurrentPointerSchema>;

/**
 * Parses JSON text against a schema, naming the object and the first problem.
 * @throws GraphrecError `manifest/invalid` (or `code`) on bad JSON or a schema mismatch.
 */
export function parseArtifactJson<T>(schema: z.ZodType<T>, text: string, what: string, code = 'manifest/invalid'): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new GraphrecError(code, `${what} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GraphrecError(code, `${what} is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Parses a manifest, refusing another format version with a clear message. */
export function parseManifest(text: string, what = 'manifest.json'): Manifest {
  const loose = parseArtifactJson(z.object({ format: z.string(), formatVersion: z.number() }).loose(), text, what);
  if (loose.format !== MANIFEST_FORMAT) throw new GraphrecError('manifest/invalid', `${what} is not a graphrec manifest (format '${loose.format}')`);
  if (loose.formatVersion !== MANIFEST_VERSION) {
    throw new GraphrecError('manifest/unsupported-version', `${what} has manifest format version ${loose.formatVersion}; this build reads version ${MANIFEST_VERSION}`);
  }
  return parseArtifactJson(ManifestSchema, text, what);
}

/** Every object a version consists of, manifest excluded, each once. */
export function manifestObjects(m: Manifest): ObjectRef[] {
  const refs: ObjectRef[] = [];
  for (const s of m.index.shards) refs.push(s.index, s.codes, s.meta, s.similar, ...(s.graph ? [s.graph] : []));
  refs.push(...m.catalogue.objects, m.popular);
  if (m.forward) refs.push(m.forward.weights, m.forward.vocabulary);
  const seen = new Set<string>();
  return refs.filter((r) => (seen.has(r.key) ? false : (seen.add(r.key), true)));
}
