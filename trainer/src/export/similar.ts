import { BatchMatches, Index, MetricKind, ScalarKind } from 'usearch';
import { fixedStarts } from '../../../artifacts/src/index/blocks.ts';
import { encodeSimilarLists, NO_NEIGHBOUR, packRef, similarRecordBytes } from '../../../artifacts/src/index/similar-lists.ts';
import { shardSimilarKey } from '../../../artifacts/src/manifest/keys.ts';
import type { BlockedObjectRef } from '../../../artifacts/src/manifest/schema.ts';
import { REASONS, type Reason } from '../../../artifacts/src/ranker/schema.ts';
import { cosineToCodes, unitFromCodes } from '../../../artifacts/src/vectors/maxabs.ts';
import type { Progress } from '../util/progress.ts';
import { Rng } from '../util/rng.ts';
import { writeBlockedObject } from './files.ts';
import { exactNeighbours, sampleQueryKeys } from './recall.ts';

export interface SimilarListOptions {
  /** Neighbours kept per item. */
  depth: number;
  connectivity: number;
  expansionAdd: number;
  /**
   * At least `2 · depth`. Measured on 94k synthetic items (2 threads): expansion 64/96 builds in 13 s and
   * searches every item in 17 s at recall@10 0.995; 128/128 takes 32 s + 40 s for 0.999.
   */
  expansionSearch: number;
  threads: number;
  recallQueries: number;
  seed: number;
  /** Items per checksummed block, the same as the rows objects' (an item's near blocks name rows blocks). */
  blockRows: number;
  /**
   * Catalogues up to this size get exact lists by brute force over the int16 codes (n² · dim work,
   * about a second at 4,096 items), not HNSW: a small multi-threaded HNSW build is not deterministic,
   * and measured between 0.972 and 0.99+ recall@10 on the same 2,000 items. Default 4,096.
   */
  exactMaxItems?: number;
}

const EXACT_MAX_ITEMS = 4096;

/**
 * Orders an item's list with the served ranker instead of by cosine: given the item's `annDepth`
 * nearest items by cosine (best first), returns its served list, best first.
 */
export interface SimilarRanking {
  annDepth: number;
  rank(key: number, nearest: readonly { key: number; score: number }[]): { key: number; score: number; reason: Reason }[];
}

/** Extra HNSW candidates per item, so re-scoring on the int16 codes can reorder near-ties. */
const SLACK = 8;
const BATCH = 2048;
const ADD_CHUNK = 65_536;
/** Neighbours whose row blocks an item's catalogue entry names for prefetching (the API's default k). */
export const PREFETCH = 10;

/**
 * Each item's `depth` nearest neighbours over the whole catalogue: a native
 * HNSW over the float32 embeddings proposes candidates, which are re-scored
 * with the items' int16 codes — the vectors the edge serves — so a list's
 * order and scores are the ones the edge's own search would give. Writes one
 * lists object per shard, rows in the shard's key order.
 * @returns each shard's object and the lists' recall@10 against exact float32 search.
 */
export async function writeSimilarLists(
  outDir: string,
  inputs: { z: Float32Array; codes: Int16Array; dim: number; shardKeys: readonly (readonly number[])[] },
  o: SimilarListOptions,
  progress: Progress,
  ranking?: SimilarRanking,
): Promise<{ refs: BlockedObjectRef[]; recallAt10: number; nearBlocks: (key: number) => number[] }> {
  const { z, codes, dim, shardKeys } = inputs;
  const n = z.length / dim;
  const depth = o.depth;
  // The cosine neighbours computed per item: the list itself, or the ranker's embedding candidates.
  const annDepth = ranking ? Math.max(depth, ranking.annDepth) : depth;
  const shardOf = new Int32Array(n).fill(-1);
  const rowOf = new Int32Array(n);
  shardKeys.forEach((keys, s) => keys.forEach((key, row) => ((shardOf[key] = s), (rowOf[key] = row))));
  const lists = shardKeys.map((keys) => ({
    refs: new Uint32Array(keys.length * depth).fill(NO_NEIGHBOUR),
    scores: new Float32Array(keys.length * depth),
    reasons: ranking ? new Uint8Array(keys.length * depth) : undefined,
  }));
  const queryKeys = sampleQueryKeys(n, o.recallQueries, o.seed);
  const recallSample = new Map<number, number[]>(queryKeys.map((q) => [q, []]));

  const fill = (q: number, candidates: { key: number; score: number }[]): void => {
    candidates.sort((a, b) => b.score - a.score || a.key - b.key);
    recallSample.get(q)?.push(...candidates.slice(0, 10).map((c) => c.key));
    const served: { key: number; score: number; reason?: Reason }[] = ranking ? ranking.rank(q, candidates.slice(0, annDepth)) : candidates;
    const list = lists[shardOf[q]];
    const base = rowOf[q] * depth;
    for (let j = 0; j < Math.min(depth, served.length); j++) {
      const { key, score } = served[j];
      list.refs[base + j] = packRef(shardOf[key], rowOf[key]);
      list.scores[base + j] = score;
      if (list.reasons) list.reasons[base + j] = REASONS.indexOf(served[j].reason ?? 'embedding');
    }
  };
  if (n <= (o.exactMaxItems ?? EXACT_MAX_ITEMS)) exactLists(codes, dim, annDepth, fill, progress);
  else hnswLists(inputs, { ...o, depth: annDepth }, fill, progress);

  // The row blocks that an item's first PREFETCH neighbours are in: the catalogue entry carries
  // them so the edge reads those blocks alongside the lists, not after them.
  const nearBlocks = (key: number): number[] => {
    const list = lists[shardOf[key]];
    const out = new Set<number>();
    for (let j = 0; j < Math.min(PREFETCH, depth); j++) {
      const ref = list.refs[rowOf[key] * depth + j];
      if (ref !== NO_NEIGHBOUR) out.add(packRef(ref >>> 16, Math.floor((ref & 0xffff) / o.blockRows)));
    }
    return [...out].sort((a, b) => a - b);
  };
  const refs: BlockedObjectRef[] = [];
  for (let s = 0; s < lists.length; s++) {
    const items = shardKeys[s].length;
    const bytes = encodeSimilarLists(lists[s].refs, lists[s].scores, items, depth, lists[s].reasons);
    refs.push(await writeBlockedObject(outDir, shardSimilarKey(s), bytes, fixedStarts(items, similarRecordBytes(depth, ranking !== undefined)), o.blockRows));
  }

  // Recall of the cosine neighbours (a ranked list is not meant to match exact search; its embedding candidates are).
  const k = Math.min(10, depth, n - 1);
  if (k <= 0) return { refs, recallAt10: 1, nearBlocks };
  const truth = exactNeighbours(z, dim, queryKeys, k);
  let hits = 0;
  queryKeys.forEach((q, i) => {
    for (const key of recallSample.get(q)!.slice(0, k)) if (truth[i].has(key)) hits++;
  });
  return { refs, recallAt10: hits / (queryKeys.length * k), nearBlocks };
}

type Fill = (q: number, candidates: { key: number; score: number }[]) => void;

/** Candidates from a native HNSW over the float32 embeddings, re-scored on the int16 codes. */
function hnswLists(inputs: { z: Float32Array; codes: Int16Array; dim: number }, o: SimilarListOptions, fill: Fill, progress: Progress): void {
  const { z, codes, dim } = inputs;
  const n = z.length / dim;
  const depth = o.depth;
  progress.start('similar lists: indexing every item', n, 'items');
  const index = new Index({ dimensions: dim, metric: MetricKind.Cos, quantization: ScalarKind.F32, connectivity: o.connectivity, expansion_add: o.expansionAdd, expansion_search: o.expansionSearch, multi: false });
  // Inserted in a seeded random order: keys are in locality order, and an HNSW built in that order links
  // mostly within clusters (trained study-scale run: recall@10 0.91 in key order; see BENCHMARKS.md).
  // In chunks, for progress on a step that takes minutes at a million items.
  const order = new Rng(o.seed).shuffle(Uint32Array.from({ length: n }, (_, i) => i));
  for (let start = 0; start < n; start += ADD_CHUNK) {
    const end = Math.min(n, start + ADD_CHUNK);
    const keys = order.subarray(start, end);
    const rows = new Float32Array(keys.length * dim);
    keys.forEach((key, i) => rows.set(z.subarray(key * dim, (key + 1) * dim), i * dim));
    index.add(BigUint64Array.from(keys, (key) => BigInt(key)), rows, o.threads);
    progress.update(end);
  }
  progress.finish(`${n.toLocaleString('en-US')} items indexed`);

  progress.start(`similar lists: ${depth} neighbours an item`, n, 'items');
  const want = Math.min(n, depth + 1 + SLACK);
  const candidates: { key: number; score: number }[] = [];
  for (let start = 0; start < n; start += BATCH) {
    const end = Math.min(n, start + BATCH);
    // A copy, not a view: the native side ignores a typed array's byteOffset.
    const found = index.search(z.slice(start * dim, end * dim), want, o.threads);
    const batch = found instanceof BatchMatches ? found : { keys: found.keys, counts: BigUint64Array.of(BigInt(found.keys.length)), k: want };
    for (let q = start; q < end; q++) {
      const at = (q - start) * batch.k;
      const count = Number(batch.counts[q - start]);
      const query = unitFromCodes(codes.subarray(q * dim, (q + 1) * dim));
      candidates.length = 0;
      for (let c = 0; c < count; c++) {
        const key = Number(batch.keys[at + c]);
        if (key !== q && key < n) candidates.push({ key, score: cosineToCodes(query, codes, key * dim) });
      }
      fill(q, candidates);
    }
    progress.update(end);
  }
  progress.finish(`${n.toLocaleString('en-US')} lists`);
}

/** Every item scored against every other on the int16 codes; the best `depth` kept. */
function exactLists(codes: Int16Array, dim: number, depth: number, fill: Fill, progress: Progress): void {
  const n = codes.length / dim;
  const units = new Float32Array(n * dim);
  for (let v = 0; v < n; v++) units.set(unitFromCodes(codes.subarray(v * dim, (v + 1) * dim)), v * dim);
  progress.start(`similar lists: ${depth} exact neighbours an item`, n, 'items');
  const best: { key: number; score: number }[] = [];
  for (let q = 0; q < n; q++) {
    best.length = 0;
    let floor = -Infinity;
    for (let v = 0; v < n; v++) {
      if (v === q) continue;
      let dot = 0;
      for (let j = 0, a = q * dim, b = v * dim; j < dim; j++) dot += units[a + j] * units[b + j];
      if (best.length === depth && dot <= floor) continue;
      // Sorted insertion into a list of at most `depth`: most items fail the floor test above.
      let at = best.length;
      while (at > 0 && best[at - 1].score < dot) at--;
      best.splice(at, 0, { key: v, score: dot });
      if (best.length > depth) best.pop();
      if (best.length === depth) floor = best[depth - 1].score;
    }
    // Re-scored exactly as the HNSW path does, so both give the same scores for the same pair.
    const query = unitFromCodes(codes.subarray(q * dim, (q + 1) * dim));
    fill(q, best.map(({ key }) => ({ key, score: cosineToCodes(query, codes, key * dim) })));
    if (q % 256 === 255) progress.update(q + 1);
  }
  progress.finish(`${n.toLocaleString('en-US')} exact lists`);
}
