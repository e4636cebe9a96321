import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { catalogueKey, FORWARD_WEIGHTS_KEY, POPULAR_KEY, shardCodesKey, shardIndexKey, shardRowsKey, shardSimilarKey, VOCABULARY_KEY } from '../../artifacts/src/manifest/keys.ts';
import { DEFAULT_BLOCK_ROWS, fixedStarts } from '../../artifacts/src/index/blocks.ts';
import { encodeShardRows } from '../../artifacts/src/index/shard-rows.ts';
import { ManifestSchema, MANIFEST_VERSION, type Manifest, type ModelKind, type ObjectRef } from '../../artifacts/src/manifest/schema.ts';

/** A version id that sorts by `n` (0–59): `20260101T0000nnZ-<8 random hex>`. */
export function versionId(n: number): string {
  return `20260101T0000${String(n).padStart(2, '0')}Z-${randomBytes(4).toString('hex')}`;
}

export interface SyntheticExport {
  dir: string;
  manifest: Manifest;
  /** Every object's bytes by relative key, manifest included. */
  files: Map<string, Uint8Array>;
}

/**
 * Writes a small export folder: random-byte shard indexes, codes and similar lists, shard rows,
 * catalogue and popular objects, and forward weights of `largeBytes` (make it
 * exceed the multipart threshold under test), with a manifest that passes
 * {@link ManifestSchema} (`createdAt`: now unless given). Nothing in it is a real index; publish only moves bytes.
 */
export function writeSyntheticExport(root: string, options: { version: string; model?: ModelKind; shards?: number; largeBytes?: number; createdAt?: Date }): SyntheticExport {
  const dir = join(root, options.version);
  const files = new Map<string, Uint8Array>();
  const put = (key: string, bytes: Uint8Array): ObjectRef => {
    const path = join(dir, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    files.set(key, bytes);
    return { key, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
  };
  // Block tables only need to parse: publish moves bytes and never reads blocks.
  const blocks = { rows: DEFAULT_BLOCK_ROWS, offsets: Buffer.from(new Uint8Array(fixedStarts(1, 8).buffer)).toString('base64'), sha256: Buffer.alloc(32).toString('base64') };
  const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
  const item = (i: number) => ({ id: `P${i}`, title: `product ${i}`, popularity: i });
  const shards = Array.from({ length: options.shards ?? 2 }, (_, id) => ({
    id,
    centroid: id,
    items: 2,
    index: put(shardIndexKey(id), randomBytes(2000 + 500 * id)),
    codes: { ...put(shardCodesKey(id), randomBytes(8)), blocks },
    meta: { ...put(shardRowsKey(id), new TextEncoder().encode(encodeShardRows(id, [0, 1], [item(2 * id), item(2 * id + 1)]))), blocks },
    similar: { ...put(shardSimilarKey(id), randomBytes(2 * 2 * 6)), blocks },
  }));
  const parsed = ManifestSchema.safeParse({
    format: 'graphrec-manifest',
    formatVersion: MANIFEST_VERSION,
    version: options.version,
    createdAt: (options.createdAt ?? new Date()).toISOString(),
    model: { kind: options.model ?? 'graphsage', dimensions: 4 },
    source: { dataset: 'synthetic', fingerprint: 'a'.repeat(64), items: 2 * shards.length, edges: 3 },
    items: 2 * shards.length,
    quantization: { navigation: 'usearch-i8', rerank: 'int16-maxabs', shortlist: 4 },
    index: { kind: 'ivf-hnsw', engine: 'usearch', engineVersion: '2.25.3', metric: 'cos', connectivity: 16, expansionSearch: 64, nprobe: 1, centroids: shards.map(() => [0.5, 0.5, 0.5, 0.5]), shards },
    similar: { kind: 'precomputed', depth: 2 },
    catalogue: { hash: 'fnv1a32', objects: [0, 1].map((s) => put(catalogueKey(s), json({ shard: s, items: {} }))) },
    forward: {
      kind: 'graphsage-mean-2',
      dims: { vocab: 10, input: 4, hidden: 4, output: 4 },
      weights: put(FORWARD_WEIGHTS_KEY, randomBytes(options.largeBytes ?? 300 * 1024)),
      vocabulary: put(VOCABULARY_KEY, json({ format: 'graphrec-vocabulary', tokens: ['a', 'b'] })),
    },
    popular: put(POPULAR_KEY, json({ items: [item(0)] })),
  });
  if (!parsed.success) {
    throw new Error(`test/helpers/synthetic-export.ts is out of date with ManifestSchema, update it: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const manifest = parsed.data;
  put('manifest.json', json(manifest));
  return { dir, manifest, files };
}
