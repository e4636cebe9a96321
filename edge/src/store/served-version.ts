import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { GraphSageWeights } from '../../../artifacts/src/forward/graphsage.ts';
import { decodeForwardWeights } from '../../../artifacts/src/forward/weights-codec.ts';
import { BlockTable } from '../../../artifacts/src/index/blocks.ts';
import type { ShardVectors } from '../../../artifacts/src/index/ivf.ts';
import { assembleShard } from '../../../artifacts/src/index/shard.ts';
import { RowBlock } from '../../../artifacts/src/index/shard-rows.ts';
import { GraphLists } from '../../../artifacts/src/index/graph-lists.ts';
import type { GraphList } from '../../../artifacts/src/ranker/rank.ts';
import { SimilarLists } from '../../../artifacts/src/index/similar-lists.ts';
import { catalogueShardOf, type ObjectKeys } from '../../../artifacts/src/manifest/keys.ts';
import {
  parseArtifactJson,
  PopularListSchema,
  type BlockedObjectRef,
  type PopularList,
  type CatalogueEntry,
  type Manifest,
  type ObjectRef,
  type Shard,
} from '../../../artifacts/src/manifest/schema.ts';
import { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import { openUsearchIndex } from '../../../artifacts/src/usearch/index.ts';
import { unitFromCodes } from '../../../artifacts/src/vectors/maxabs.ts';
import { CatalogueObject } from './catalogue-object.ts';
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
  private readonly tables = new WeakMap<BlockedObjectRef, BlockTable>();

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

  /** A shard's HNSW index and int16 codes (its keys are the index's). */
  async shard(id: number): Promise<LoadedShard> {
    const s = this.shardRef(id);
    const cached = await this.cache.get(this.shardKey(s), async () => {
      const [index, codes] = await Promise.all([this.read(s.index), this.read(s.codes)]);
      // Bytes were just checked against the manifest, so the per-link check can be skipped.
      const hnsw = openUsearchIndex(index, { verifyLinks: false });
      // Rows are in key order; the index's slots follow its (multi-threaded) insertion order.
      const keys = Float64Array.from(hnsw.keys).sort();
      const value: LoadedShard = { ...assembleShard(id, hnsw, keys, codes, this.manifest.model.dimensions), id };
      return { value, bytes: s.index.bytes + s.codes.bytes + keys.byteLength };
    });
    return cached.value as LoadedShard;
  }

  private shardKey(s: Shard): string {
    return this.keys.object(this.version, s.index.key);
  }

  /** A shard already in the isolate cache, or undefined (never reads). */
  private loadedShard(s: Shard): LoadedShard | undefined {
    return this.cache.peek(this.shardKey(s))?.value as LoadedShard | undefined;
  }

  /** The decoded block table of a shard object, kept per ref (the manifest is immutable). */
  private table(ref: BlockedObjectRef, items: number): BlockTable {
    let table = this.tables.get(ref);
    if (!table) this.tables.set(ref, (table = BlockTable.parse(ref.blocks, ref, items)));
    return table;
  }

  /**
   * Block `b` of a shard object through the LRU, read with a ranged read and
   * checked against the block's own sha256.
   */
  private block<T>(ref: BlockedObjectRef, items: number, b: number, decode: (bytes: Uint8Array, firstRow: number, count: number) => T, heapBytes: (value: T) => number): Promise<T> {
    const table = this.table(ref, items);
    const range = table.range(b);
    const fullKey = this.keys.object(this.version, ref.key);
    const firstRow = table.firstRow(b);
    const count = Math.min(items, firstRow + table.rowsPerBlock) - firstRow;
    return this.cache
      .get(`${fullKey}#${b}`, async () => {
        const value = decode(await this.objects.readBlock(fullKey, ref, range, table.sha256(b)), firstRow, count);
        return { value, bytes: heapBytes(value) };
      })
      .then((c) => c.value as T);
  }

  /** Items per block of a shard's display rows (a catalogue entry's `nearBlocks` count in these). */
  blockRows(shard: number): number {
    return this.shardRef(shard).meta.blocks.rows;
  }

  /** The block of a shard's display rows holding `row`. */
  rowBlock(shard: number, row: number): Promise<RowBlock> {
    const s = this.shardRef(shard);
    return this.block(s.meta, s.items, this.table(s.meta, s.items).blockOf(row), (b, first, count) => RowBlock.parse(b, shard, first, count), (r) => r.heapBytes);
  }

  /** The block of a shard's precomputed similar lists holding `row`. */
  similarBlock(shard: number, row: number): Promise<SimilarLists> {
    const s = this.shardRef(shard);
    const depth = this.manifest.similar.depth;
    const ranked = this.manifest.similar.kind === 'ranked';
    return this.block(s.similar, s.items, this.table(s.similar, s.items).blockOf(row), (b, first, count) => new SimilarLists(shard, b, count, depth, first, ranked), (l) => l.heapBytes);
  }

  /** Whether this version serves with the ranker: its settings, and graph lists on every shard. */
  get ranked(): boolean {
    return this.manifest.ranker !== undefined && this.manifest.index.shards.every((s) => s.graph !== undefined);
  }

  /** The co-purchase list of a shard's row (neighbours as `shard << 16 | row` references). */
  async graphList(shard: number, row: number): Promise<GraphList> {
    const s = this.shardRef(shard);
    const ref = s.graph;
    if (!ref) throw new GraphrecError('artifact/missing', `shard ${shard} of version ${this.version} has no graph lists`);
    const lists = await this.block(ref, s.items, this.table(ref, s.items).blockOf(row), (b, first, count) => new GraphLists(shard, b, count, first), (l) => l.heapBytes);
    return lists.list(row);
  }

  /** An item's stored unit vector, from the block of its shard's codes. */
  async vector(entry: Pick<CatalogueEntry, 'id' | 'shard' | 'row'>): Promise<Float32Array> {
    const s = this.shardRef(entry.shard);
    const dim = this.manifest.model.dimensions;
    if (!(entry.row < s.items)) throw new GraphrecError('artifact/corrupt', `catalogue puts ${entry.id} at row ${entry.row} of shard ${entry.shard}, which has ${s.items} items`);
    // A loaded shard holds every code of the shard (rows in key order): no read at all.
    const loaded = this.loadedShard(s);
    if (loaded) return unitFromCodes(loaded.codes.subarray(entry.row * dim, (entry.row + 1) * dim));
    const table = this.table(s.codes, s.items);
    const codes = await this.block(
      s.codes,
      s.items,
      table.blockOf(entry.row),
      (b, first, count) => {
        if (b.byteLength !== count * dim * 2) throw new GraphrecError('artifact/corrupt', `shard ${entry.shard} codes block at row ${first} is ${b.byteLength} bytes, expected ${count} × ${dim} int16`);
        // Int16Array views need 2-byte alignment.
        const aligned = b.byteOffset % 2 === 0 ? b : b.slice();
        return { first, codes: new Int16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2) };
      },
      (c) => c.codes.byteLength,
    );
    const at = (entry.row - codes.first) * dim;
    return unitFromCodes(codes.codes.subarray(at, at + dim));
  }

  /** The catalogue entry of an item id, or undefined when the id is unknown. */
  async entry(id: string): Promise<CatalogueEntry | undefined> {
    const objects = this.manifest.catalogue.objects;
    const ref = objects[catalogueShardOf(id, objects.length)];
    const shard = await this.load(ref, (b) => CatalogueObject.parse(b, `catalogue ${ref.key}`));
    return shard.get(id);
  }

  popular(): Promise<PopularList['items']> {
    const ref = this.manifest.popular;
    return this.load(ref, (b) => parseArtifactJson(PopularListSchema, text.decode(b), 'popular list', 'artifact/corrupt').items);
  }

  /** The forward-pass weights and vocabulary. @throws GraphrecError `model/no-forward` for models without one (PinSage). */
  async forward(): Promise<{ weights: GraphSageWeights; vocabulary: Vocabulary }> {
    const f = this.manifest.forward;
    if (!f) {
      const { kind, transductive } = this.manifest.model;
      const why = transductive ? '; being transductive (a learned embedding per product id), it cannot embed a product without interactions at all' : '';
      throw new GraphrecError('model/no-forward', `version ${this.version} serves the ${kind} model, which has no forward pass at the edge: it is served from embeddings computed at export${why}. Embed new products with a model that has one (?model=graphsage)`);
    }
    const [weights, vocabulary] = await Promise.all([
      this.load(f.weights, (b) => decodeForwardWeights(b, f.dims), () => f.weights.bytes),
      this.load(f.vocabulary, (b) => Vocabulary.parse(JSON.parse(text.decode(b)))),
    ]);
    return { weights, vocabulary };
  }
}
