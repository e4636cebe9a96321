/**
 * HNSW search over a usearch 2.25 index file, in plain TypeScript for the edge
 * (no native addon). A port of `index_gt::search` (usearch/include/usearch/index.hpp):
 * `search_for_one_` descends greedily from the entry point through the upper
 * levels, then `search_to_find_in_base_` runs the beam search on level 0 with
 * `expansion = max(expansion, k)`. Candidate order, tie-breaking, the removed-entry
 * filter (`free_key_`) and the distances follow usearch, so for the same file
 * and query the neighbours are the ones native `Index.search` returns.
 */
import { GraphrecError } from '../errors.ts';
import { CandidateHeap, TopBuffer } from './candidates.ts';
import { QueryDistance } from './distance.ts';
import { parseUsearchFile, type ParseOptions, type UsearchFile, type UsearchMetric, type UsearchScalarKind } from './format.ts';
import { f16Table } from './half.ts';

/** `default_expansion_search()`; the file does not record the builder's value. */
export const DEFAULT_EXPANSION_SEARCH = 64;

export interface UsearchSearchOptions {
  /** Beam width on level 0 (usearch's `expansion_search`), raised to `k` if smaller. Default 64. */
  expansion?: number;
  /** Scan every vector instead of walking the graph (usearch's `exact`). */
  exact?: boolean;
}

/** Up to `k` matches, closest first. */
export interface UsearchMatches {
  keys: Float64Array;
  distances: Float32Array;
  slots: Uint32Array;
}

/** A read-only usearch index over the file's bytes. */
export class UsearchIndexView {
  readonly dimensions: number;
  readonly metric: UsearchMetric;
  readonly scalarKind: UsearchScalarKind;
  /** Entries present (removed ones excluded). */
  readonly size: number;
  /** Graph nodes, removed entries included (= slots). */
  readonly slots: number;
  readonly connectivity: number;
  readonly connectivityBase: number;
  readonly maxLevel: number;
  readonly multi: boolean;
  /** Writer version, e.g. `'2.25.3'`. */
  readonly version: string;
  /** Key of every slot; -1 marks a removed entry. */
  readonly keys: Float64Array;

  private readonly file: UsearchFile;
  private readonly distance: QueryDistance;
  /** Visit marks: a slot is visited when its mark equals `generation` (bytes keep the set cache-resident). */
  private readonly visited: Uint8Array;
  private generation = 0;
  /** `removed[slot]` is 1 for a removed entry; empty when none is removed. */
  private readonly removed: Uint8Array;
  private readonly next = new CandidateHeap();
  private readonly top = new TopBuffer();
  private slotByKey: Map<number, number> | undefined;

  constructor(file: UsearchFile) {
    const { header, graph } = file;
    this.file = file;
    this.dimensions = header.dimensions;
    this.metric = header.metric;
    this.scalarKind = header.scalarKind;
    this.size = header.countPresent;
    this.slots = graph.size;
    this.connectivity = graph.connectivity;
    this.connectivityBase = graph.connectivityBase;
    this.maxLevel = graph.maxLevel;
    this.multi = header.multi;
    this.version = header.version;
    this.keys = file.keys;
    this.distance = new QueryDistance(file);
    this.visited = new Uint8Array(graph.size);
    this.removed = new Uint8Array(header.countDeleted > 0 ? graph.size : 0);
    if (header.countDeleted > 0) for (let slot = 0; slot < graph.size; slot++) this.removed[slot] = file.keys[slot] < 0 ? 1 : 0;
  }

  /**
   * The `k` nearest entries to `query`.
   * @param query `[dimensions]` floats (rounded to float32, then cast like usearch for i8 / f16).
   * @param k how many matches at most; 0 gives none.
   * @param options `expansion` (default 64) or `exact`.
   * @returns keys, distances (float32, ascending) and slots.
   * @throws GraphrecError `index/dim-mismatch` for a query of another length, `usearch/bad-argument` for a bad `k` or `expansion`.
   */
  search(query: ArrayLike<number>, k: number, options: UsearchSearchOptions = {}): UsearchMatches {
    this.checkArguments(query, k, options.expansion);
    if (k === 0 || this.slots === 0) return { keys: new Float64Array(0), distances: new Float32Array(0), slots: new Uint32Array(0) };
    this.distance.setQuery(query);
    if (options.exact) this.scan(k);
    else {
      const expansion = Math.max(options.expansion ?? DEFAULT_EXPANSION_SEARCH, k);
      const closest = this.descend(this.file.graph.entrySlot);
      this.searchBase(closest, expansion);
    }
    return this.matches(Math.min(k, this.top.size));
  }

  /** The slot of `key` (the first one in a multi index), or -1; the map is built on first use. */
  slotOf(key: number): number {
    if (!this.slotByKey) {
      const map = new Map<number, number>();
      for (let slot = this.keys.length - 1; slot >= 0; slot--) if (this.keys[slot] >= 0) map.set(this.keys[slot], slot);
      this.slotByKey = map;
    }
    return this.slotByKey.get(key) ?? -1;
  }

  /** The stored vector of `key` as floats, dequantised like usearch's `get` (i8 / 127, f16 widened); undefined if absent. */
  vector(key: number): Float32Array | undefined {
    const raw = this.rawVector(key);
    if (raw === undefined) return undefined;
    if (raw instanceof Float32Array) return raw.slice();
    const out = new Float32Array(raw.length);
    if (raw instanceof Int8Array) for (let j = 0; j < raw.length; j++) out[j] = raw[j] / 127;
    else {
      const half = f16Table();
      for (let j = 0; j < raw.length; j++) out[j] = half[raw[j]];
    }
    return out;
  }

  /** The stored vector of `key` without conversion (a view into the file: f32, f16 bits or i8 codes); undefined if absent. */
  rawVector(key: number): Float32Array | Uint16Array | Int8Array | undefined {
    const slot = this.slotOf(key);
    return slot < 0 ? undefined : this.rawVectorAt(slot);
  }

  /** The stored vector in `slot` without conversion (a view into the file). */
  rawVectorAt(slot: number): Float32Array | Uint16Array | Int8Array {
    const d = this.dimensions;
    return this.file.vectors.subarray(slot * d, slot * d + d);
  }

  /** The query as the index compares it (float32, or the i8 codes of an i8 index), for diagnostics. */
  castQuery(query: ArrayLike<number>): Float32Array | Int8Array {
    this.checkArguments(query, 0, undefined);
    this.distance.setQuery(query);
    return this.distance.castQuery();
  }

  private checkArguments(query: ArrayLike<number>, k: number, expansion: number | undefined): void {
    if (query.length !== this.dimensions) throw new GraphrecError('index/dim-mismatch', `query has ${query.length} dimensions, the usearch index has ${this.dimensions}`);
    if (!Number.isInteger(k) || k < 0) throw new GraphrecError('usearch/bad-argument', `k must be a non-negative integer, got ${k}`);
    if (expansion !== undefined && (!Number.isInteger(expansion) || expansion < 1)) throw new GraphrecError('usearch/bad-argument', `expansion must be a positive integer, got ${expansion}`);
  }

  /** `search_for_one_`: greedy descent from `start` through levels maxLevel..1. */
  private descend(start: number): number {
    const { words, links, baseStride, upperStride } = this.file;
    const distance = this.distance;
    let closest = start;
    let closestDist = distance.measure(closest);
    for (let level = this.maxLevel; level > 0; level--) {
      let changed: boolean;
      do {
        changed = false;
        const at = links[closest] + baseStride + (level - 1) * upperStride;
        const count = words[at] + words[at + 1] * 65536;
        for (let j = 0, w = at + 2; j < count; j++, w += 2) {
          const candidate = words[w] + words[w + 1] * 65536;
          const d = distance.measure(candidate);
          if (d < closestDist) {
            closestDist = d;
            closest = candidate;
            changed = true;
          }
        }
      } while (changed);
    }
    return closest;
  }

  /** `search_to_find_in_base_`: beam search on level 0, skipping removed entries in the results. */
  private searchBase(start: number, limit: number): void {
    const { words, links } = this.file;
    const removed = this.removed;
    const anyRemoved = removed.length > 0;
    const distance = this.distance;
    const visited = this.visited;
    const mark = this.nextGeneration();
    const next = this.next;
    const top = this.top;
    next.clear();
    top.reset(limit);
    let radius = distance.measure(start);
    next.push(radius, start);
    visited[start] = mark;
    if (!anyRemoved || removed[start] === 0) top.insert(radius, start, limit);
    while (next.size > 0) {
      const candidateDist = next.dist[0];
      const candidate = next.slot[0];
      if (candidateDist > radius && top.size === limit) break;
      next.pop();
      const at = links[candidate];
      const count = words[at] + words[at + 1] * 65536;
      for (let j = 0, w = at + 2; j < count; j++, w += 2) {
        const successor = words[w] + words[w + 1] * 65536;
        if (visited[successor] === mark) continue;
        visited[successor] = mark;
        const d = distance.measure(successor);
        if (top.size < limit || d < radius) {
          next.push(d, successor);
          if (!anyRemoved || removed[successor] === 0) {
            top.insert(d, successor, limit);
            radius = top.worst();
          }
        }
      }
    }
  }

  /** `search_exact_`: every present slot through the top buffer. */
  private scan(k: number): void {
    const top = this.top;
    const keys = this.keys;
    top.reset(k);
    for (let slot = 0; slot < this.slots; slot++) if (keys[slot] >= 0) top.insert(this.distance.measure(slot), slot, k);
  }

  private nextGeneration(): number {
    if (++this.generation === 256) {
      this.visited.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }

  private matches(count: number): UsearchMatches {
    const top = this.top;
    const keys = new Float64Array(count);
    for (let i = 0; i < count; i++) keys[i] = this.keys[top.slot[i]];
    return { keys, distances: top.dist.slice(0, count), slots: top.slot.slice(0, count) };
  }
}

/**
 * Opens a usearch 2.25 index file for search, without copying its graph.
 * @param bytes the file as `Index.save` wrote it (e.g. an R2 object's bytes).
 * @param options `verifyLinks: false` skips the neighbour-slot check for bytes
 *   already verified by checksum (see {@link ParseOptions}).
 * @throws GraphrecError from {@link parseUsearchFile} when the file is not a
 *   readable usearch 2.25 index.
 * @example
 * const index = openUsearchIndex(new Uint8Array(await object.arrayBuffer()));
 * const { keys, distances } = index.search(queryVector, 10, { expansion: 64 });
 */
export function openUsearchIndex(bytes: Uint8Array, options: ParseOptions = {}): UsearchIndexView {
  return new UsearchIndexView(parseUsearchFile(bytes, options));
}
