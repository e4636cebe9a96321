import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { GraphSageWeights } from '../../../artifacts/src/forward/graphsage.ts';
import { decodeForwardWeights } from '../../../artifacts/src/forward/weights-codec.ts';
import { rowOf, type ShardVectors } from '../../../artifacts/src/index/ivf.ts';
import { assembleShard } from '../../../artifacts/src/index/shard.ts';
import { catalogueShardOf, type ObjectKeys } from '../../../artifacts/src/manifest/keys.ts';
import {
  CatalogueShardSchema,
  parseArtifactJson,
  PopularListSchema,
  type CatalogueEntry,
  type ItemDisplay,
  type Manifest,
  type ObjectRef,
  type ShardItems,
} from '../../../artifacts/src/manifest/schema.ts';
import { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import { openUsearchIndex } from '../../../artifacts/src/usearch/index.ts';
import type { AsyncLru } from './lru.ts';
import type { VersionObjects } from './objects.ts';

/** A shard ready to search, with its items' display rows. */
export interface LoadedShard extends ShardVectors {
  id: number;
  items: ItemDisplay[];
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

  private load<T>(ref: ObjectRef, decode: (bytes: Uint8Array) => T, extraBytes = 0): Promise<T> {
    const fullKey = this.keys.object(this.version, ref.key);
    return this.cache
      .get(fullKey, async () => ({ value: decode(await this.objects.read(fullKey, ref)), bytes: ref.bytes + extraBytes }))
      .then((c) => c.value as T);
  }

  /** A shard's index, codes and display rows, all three verified and consistent. */
  async shard(id: number): Promise<LoadedShard> {
    const s = this.manifest.index.shards[id];
    if (!s) throw new GraphrecError('artifact/missing', `shard ${id} is not in version ${this.version}`);
    const fullKey = this.keys.object(this.version, s.index.key);
    const cached = await this.cache.get(fullKey, async () => {
      const [index, codes, meta] = await Promise.all([s.index, s.codes, s.meta].map((ref) => this.objects.read(this.keys.object(this.version, ref.key), ref)));
      // The bytes passed their sha256, so the full schema walk (a third of a cold load) is skipped;
      // assembleShard still checks that keys, rows, codes and index agree.
      const items = JSON.parse(text.decode(meta)) as ShardItems;
      if (!Array.isArray(items?.keys) || !Array.isArray(items.items)) throw new GraphrecError('artifact/corrupt', `shard ${id} items object has no keys/items arrays`);
      // Bytes were just checked against the manifest, so the per-link check can be skipped.
      const vectors = assembleShard(id, openUsearchIndex(index, { verifyLinks: false }), items, codes, this.manifest.model.dimensions);
      const value: LoadedShard = { ...vectors, id, items: items.items };
      return { value, bytes: s.index.bytes + s.codes.bytes + s.meta.bytes * 2 };
    });
    return cached.value as LoadedShard;
  }

  /** The catalogue entry of an item id, or undefined when the id is unknown. */
  async entry(id: string): Promise<CatalogueEntry | undefined> {
    const objects = this.manifest.catalogue.objects;
    const ref = objects[catalogueShardOf(id, objects.length)];
    const shard = await this.load(ref, (b) => parseArtifactJson(CatalogueShardSchema, text.decode(b), `catalogue ${ref.key}`, 'artifact/corrupt'), ref.bytes);
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
      this.load(f.weights, (b) => decodeForwardWeights(b, f.dims)),
      this.load(f.vocabulary, (b) => Vocabulary.parse(JSON.parse(text.decode(b))), f.vocabulary.bytes * 2),
    ]);
    return { weights, vocabulary };
  }

  /** Display row of a key in a loaded shard. */
  static display(shard: LoadedShard, key: number): ItemDisplay {
    const row = rowOf(shard, key);
    if (row < 0) throw new GraphrecError('artifact/corrupt', `key ${key} is not in shard ${shard.id}`);
    return shard.items[row];
  }
}
