import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { embedNewProduct, type NeighborState } from '../../../artifacts/src/forward/graphsage.ts';
import { decodeNeighborState } from '../../../artifacts/src/forward/weights-codec.ts';
import { searchIvf } from '../../../artifacts/src/index/ivf.ts';
import { packRef, type Neighbour } from '../../../artifacts/src/index/similar-lists.ts';
import type { CatalogueEntry, ItemDisplay, PopularList } from '../../../artifacts/src/manifest/schema.ts';
import type { Reason } from '../../../artifacts/src/ranker/schema.ts';
import type { ProductTextFields } from '../../../artifacts/src/text/product-text.ts';
import type { ServedVersion } from '../store/served-version.ts';
import { rankAtEdge, type RankRequest } from './ranked.ts';

/** One recommended item as served. */
export interface ServedItem extends ItemDisplay {
  score: number;
  /** The signal that put it here (versions served with the ranker, and popular fallbacks). */
  reason?: Reason;
}

/** Items plus, when asked and needed, the popularity fallback flag. */
export interface Recommendation {
  items: ServedItem[];
  fallback?: 'popular';
}

/**
 * The recommendation logic of one version, free of HTTP: similar items,
 * a shopper's history, and a new product through the forward pass.
 */
export class Recommender {
  /**
   * @param keepAlive takes the reads a request starts ahead of need (prefetches): in workerd they go to
   *   `ctx.waitUntil`, else the runtime drops them when the response is sent and a later request waiting
   *   on the same cache entry is left to the LRU's orphan timeout.
   */
  constructor(
    private readonly v: ServedVersion,
    private readonly keepAlive: (read: Promise<unknown>) => void = () => {},
  ) {}

  /** Starts a read the request may not wait for. */
  private prefetch(read: Promise<unknown>): void {
    this.keepAlive(read.catch(() => undefined));
  }

  private async search(query: Float32Array, k: number, exclude: Set<number>): Promise<ServedItem[]> {
    const { index, quantization } = this.v.manifest;
    // Hits carry their shard and row, which is all the display rows need.
    return this.display(await searchIvf(query, index.centroids, (id) => this.v.shard(id), { k, nprobe: index.nprobe, shortlist: quantization.shortlist, exclude }));
  }

  /** Display rows of (shard, row) results, read by the block (concurrent reads of one block are one read). */
  private async display(found: readonly Neighbour[]): Promise<ServedItem[]> {
    const blocks = await Promise.all(found.map((f) => this.v.rowBlock(f.shard, f.row)));
    return found.map((f, i) => ({ ...blocks[i].row(f.row), score: round(f.score), ...(f.reason ? { reason: f.reason } : {}) }));
  }

  /** The ranker's answer (see `ranked.ts`), shown; a list shorter than `k` is padded with popular items. */
  private async ranked(request: RankRequest): Promise<ServedItem[]> {
    const items = await this.display(await rankAtEdge(this.v, request));
    if (items.length >= request.k) return items;
    const shown = new Set(items.map((i) => i.id));
    const popular = (await this.v.popular()).filter((p) => !shown.has(p.id) && !(p.ref !== undefined && request.exclude.has(p.ref)));
    return [...items, ...popular.slice(0, request.k - items.length).map(asPopular)];
  }

  /** Starts reading the row blocks an item's first neighbours are in (named by its catalogue entry). */
  private prefetchNearRows(entry: CatalogueEntry): void {
    for (const ref of entry.nearBlocks ?? []) this.prefetch(this.v.rowBlock(ref >>> 16, (ref & 0xffff) * this.v.blockRows(ref >>> 16)));
  }

  /** Entries of the known ids (in order) and the unknown ids. */
  async lookup(ids: readonly string[]): Promise<{ known: CatalogueEntry[]; unknown: string[] }> {
    const entries = await Promise.all(ids.map((id) => this.v.entry(id)));
    return { known: entries.filter((e): e is CatalogueEntry => e !== undefined), unknown: ids.filter((_, i) => entries[i] === undefined) };
  }

  async popular(k: number, exclude: ReadonlySet<string> = new Set()): Promise<Recommendation> {
    const items = (await this.v.popular()).filter((p) => !exclude.has(p.id)).slice(0, k);
    return { items: items.map(asPopular), fallback: 'popular' };
  }

  /**
   * Nearest items to a known item, itself excluded; undefined when the id is
   * unknown. Read from the lists precomputed at export; a `k` beyond their
   * depth is searched.
   */
  async similar(id: string, k: number): Promise<Recommendation | undefined> {
    const entry = await this.v.entry(id);
    if (!entry) return undefined;
    if (k > this.v.manifest.similar.depth) {
      this.prefetch(this.v.shard(entry.shard)); // the likeliest probe, loaded beside the item's code
      return { items: await this.search(await this.v.vector(entry), k, new Set([entry.key])) };
    }
    // The neighbours' row blocks are requested now, with the lists, rather than after reading them.
    this.prefetchNearRows(entry);
    const lists = await this.v.similarBlock(entry.shard, entry.row);
    return { items: await this.display(lists.neighbours(entry.row, k)) };
  }

  /**
   * Recommendations from a shopper's recent items: the normalised mean of
   * their vectors, seen and excluded items removed.
   */
  async recommend(history: readonly string[], k: number, excludeIds: readonly string[]): Promise<(Recommendation & { unknown: string[] }) | undefined> {
    const { known, unknown } = await this.lookup(history);
    if (known.length === 0) return undefined;
    // The history's own shards are the likeliest probes (shards are k-means cells): their loads start
    // now, beside the reads of the items' codes, rather than after the query is known.
    const { nprobe } = this.v.manifest.index;
    for (const shard of [...new Set(known.map((e) => e.shard))].slice(0, nprobe)) this.prefetch(this.v.shard(shard));
    // And a short history's hits are mostly its items' own neighbours: their rows are read now too.
    if (known.length <= NEAR_ROWS_HISTORY) known.forEach((e) => this.prefetchNearRows(e));
    const excluded = await this.lookup(excludeIds);
    const mean = new Float32Array(this.v.manifest.model.dimensions);
    for (const v of await Promise.all(known.map((e) => this.v.vector(e)))) {
      for (let j = 0; j < mean.length; j++) mean[j] += v[j];
    }
    if (this.v.ranked) {
      const exclude = new Set([...known, ...excluded.known].map((e) => packRef(e.shard, e.row)));
      return { items: await this.ranked({ known, query: unit(mean), exclude, k, graphReason: 'bought-together' }), unknown };
    }
    const exclude = new Set([...known, ...excluded.known].map((e) => e.key));
    return { items: await this.search(mean, k, exclude), unknown };
  }

  /**
   * A new product's embedding by the inductive GraphSAGE pass — its title and
   * the stored states of its known co-purchased products — and its nearest items.
   */
  async embed(text: ProductTextFields, neighbors: readonly string[], k: number): Promise<{ embedding: number[]; items: ServedItem[]; unknownNeighbors: string[]; titleTerms: number }> {
    const { weights, vocabulary } = await this.v.forward();
    const { known, unknown } = await this.lookup(neighbors);
    const states: NeighborState[] = known.map((e) => {
      if (!e.state) throw new GraphrecError('artifact/corrupt', `catalogue entry ${e.id} has no neighbour state`);
      return decodeNeighborState(e.state, weights.dims.hidden);
    });
    // The fields and weights the vocabulary was fitted with (title only for older versions).
    const row = vocabulary.transformProduct(text);
    const z = embedNewProduct(weights, row, states);
    const items = this.v.ranked ? await this.ranked({ known, query: z, exclude: new Set(known.map((e) => packRef(e.shard, e.row))), k, graphReason: 'graph' }) : await this.search(z, k, new Set());
    return { embedding: Array.from(z), items, unknownNeighbors: unknown, titleTerms: row.indices.length };
  }
}

/** Histories up to this long have their items' near rows read beside the search (bounded extra reads). */
const NEAR_ROWS_HISTORY = 2;

/** A popular-list row as a served item (its `ref` is internal to the ranker). */
const asPopular = ({ ref: _, ...p }: PopularList['items'][number]): ServedItem => ({ ...p, score: 0, reason: 'popular' });

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

/** `v` scaled to unit length (a zero vector stays zero). */
function unit(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  if (norm > 0) for (let j = 0; j < v.length; j++) v[j] /= Math.sqrt(norm);
  return v;
}
