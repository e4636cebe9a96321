import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { GraphSageWeights } from '../../../artifacts/src/forward/graphsage.ts';
import { decodeForwardWeights } from '../../../artifacts/src/forward/weights-codec.ts';
import type { ShardVectors } from '../../../artifacts/src/index/ivf.ts';
import { assembleShard } from '../../../artifacts/src/index/shard.ts';
import { ShardRows } from '../../../artifacts/src/index/shard-rows.ts';
import { SimilarLists } from '../../../artifacts/src/index/similar-lists.ts';
import { catalogueShardOf, type ObjectKeys } from '../../../artifacts/src/manifest/keys.ts';
import {
  CatalogueShardSchema,
  parseArtifactJson,
  PopularListSchema,
  type CatalogueEntry,
  type ItemDisplay,
  type Manifest,
  type ObjectRef,
  type Shard,
} from '../../../artifacts/src/manifest/schema.ts';
import { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import { openUsearchIndex } from '../../../artifacts/src/usearch/index.ts';
import type { AsyncLru } from './lru.ts';
import type { VersionObjects } from './objects.ts';

/** A shard ready to search. */
export interface LoadedShard extends ShardVectors {
  id: number;
}

/** What the isolate LRU holds: any decoded object, with the bytes it stands for. */
export interface Cached {
  value: unknown;
  bytes: number;
}

const text = new TextDecoder();

/**
 * One published version, answering from its own objects only, so a request
 * that started on it finishes on it even if `CURRENT` moves meanwhile.
 * Objects load lazily through the shared isolate LRU (keyed by version and
 * object key), verified against the manifest.
 */
export class ServedVersion {
  constructor(
    readonly manifest: Manifest,
    readonly manifestSha256: string,
    private readonly objects: VersionObjects,
    private readonly cache: AsyncLru<Cached>,
    private readonly keys: ObjectKeys,
  ) {}

  get version(): string {
    return this.manifest.version;
  }

  private read(ref: ObjectRef): Promise<Uint8Array> {
    return this.objects.read(this.keys.object(this.version, ref.key), ref);
  }

  /** A decoded object through the LRU, charged `heapBytes` of its value (default: twice its size, for parsed JSON). */
  private load<T>(ref: ObjectRef, decode: (bytes: Uint8Array) => T, heapBytes: (value: T) => number = () => ref.bytes * 2): Promise<T> {
    const fullKey = this.keys.object(this.version, ref.key);
    return this.cache
      .get(fullKey, async () => {
        const value = decode(await this.read(ref));
        return { value, bytes: heapBytes(value) };
      })
      .then((c) => c.value as T);
  }

  private shardRef(id: number): Shard {
    const s = this.manifest.index.shards[id];
    if (!s) throw new GraphrecError('artifact/missing', `shard ${id} is not in version ${this.version}`);
    return s;
  }

  /** A shard's keys and display rows (rows parse on demand). */
  async rows(id: number): Promise<ShardRows> {
    const ref = this.shardRef(id).meta;
    return this.load(ref, (b) => ShardRows.parse(b, id), (r) => r.heapBytes);
  }

  /** A shard's HNSW index and int16 codes, checked against its keys. */
  async shard(id: number): Promise<LoadedShard> {
    const s = this.shardRef(id);
    const fullKey = this.keys.object(this.version, s.index.key);
    const cached = await this.cache.get(fullKey, async () => {
      const [index, codes, rows] = await Promise.all([this.read(s.index), this.read(s.codes), this.rows(id)]);
      // Bytes were just checked against the manifest, so the per-link check can be skipped.
      const vectors = assembleShard(id, openUsearchIndex(index, { verifyLinks: false }), rows.keys, codes, this.manifest.model.dimensions);
      const value: LoadedShard = { ...vectors, id };
      return { value, bytes: s.index.bytes + s.codes.bytes + rows.keys.length * 8 };
    });
    return cached.value as LoadedShard;
  }

  /** A shard's precomputed similar lists. */
  async similarLists(id: number): Promise<SimilarLists> {
    const s = this.shardRef(id);
    return this.load(s.similar, (b) => new SimilarLists(id, b, s.items, this.manifest.similar.depth), (l) => l.heapBytes);
  }

  /** The catalogue entry of an item id, or undefined when the id is unknown. */
  async entry(id: string): Promise<CatalogueEntry | undefined> {
    const objects = this.manifest.catalogue.objects;
    const ref = objects[catalogueShardOf(id, objects.length)];
    const shard = await this.load(ref, (b) => parseArtifactJson(CatalogueShardSchema, text.decode(b), `catalogue ${ref.key}`, 'artifact/corrupt'));
    return Object.hasOwn(shard.items, id) ? shard.items[id] : undefined;
  }

  popular(): Promise<ItemDisplay[]> {
    const ref = this.manifest.popular;
    return this.load(ref, (b) => parseArtifactJson(PopularListSchema, text.decode(b), 'popular list', 'artifact/corrupt').items);
  }

  /** The forward-pass weights and vocabulary. @throws GraphrecError `model/no-forward` for models without one. */
  async forward(): Promise<{ weights: GraphSageWeights; vocabulary: Vocabulary }> {
    const f = this.manifest.forward;
    if (!f) throw new GraphrecError('model/no-forward', `version ${this.version} (${this.manifest.model.kind}) cannot embed new products`);
    const [weights, vocabulary] = await Promise.all([
      this.load(f.weights, (b) => decodeForwardWeights(b, f.dims), () => f.weights.bytes),
      this.load(f.vocabulary, (b) => Vocabulary.parse(JSON.parse(text.decode(b)))),
    ]);
    return { weights, vocabulary };
  }
}
