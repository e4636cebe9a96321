import { searchIvf } from '../../../artifacts/src/index/ivf.ts';
import { packRef } from '../../../artifacts/src/index/similar-lists.ts';
import { gatherCandidates, missingCosines, rankCandidates, weightsFor, type Proposal } from '../../../artifacts/src/ranker/rank.ts';
import type { Reason } from '../../../artifacts/src/ranker/schema.ts';
import { cosineToCodes } from '../../../artifacts/src/vectors/maxabs.ts';
import type { ServedVersion } from '../store/served-version.ts';

/** A served item's place: its shard and row. */
export interface Place {
  shard: number;
  row: number;
}

/** What one request asks of the ranker. */
export interface RankRequest {
  /** Items the query is known by: a shopper's history, a new product's given neighbours. */
  known: readonly Place[];
  /** The query's unit embedding, or undefined when there is none to search with. */
  query: Float32Array | undefined;
  /**
   * References (`shard << 16 | row`) never returned. They are dropped after ranking, not before, so
   * they do not move the others' scores: the evaluator masks a protocol's exclusions the same way.
   */
  exclude: ReadonlySet<number>;
  k: number;
  /** How a candidate from the known items' lists is labelled: `bought-together` for a history, `graph` for a new product's neighbours. */
  graphReason: Extract<Reason, 'bought-together' | 'graph'>;
}

/** A ranked item by place, with its score and reason. */
export interface RankedPlace extends Place {
  score: number;
  reason: Reason;
}

const refOf = (p: Place): number => packRef(p.shard, p.row);

/**
 * The served ranker at request time, over the version's own artifacts: the
 * known items' graph lists, the IVF search of the query embedding, and the
 * popular list, scored by the manifest's weights with the `artifacts/` ranker,
 * the computation the evaluator's `served` rows make. Candidates are keyed by
 * their served reference; a cosine the search did not give is read from the
 * candidate's codes block.
 */
export async function rankAtEdge(v: ServedVersion, request: RankRequest): Promise<RankedPlace[]> {
  const settings = v.manifest.ranker!;
  const lists = await Promise.all(request.known.map((p) => v.graphList(p.shard, p.row)));
  const useEmbedding = weightsFor(lists.length, settings).weights.embedding !== 0 && settings.candidates.embedding > 0;
  const { index, quantization } = v.manifest;
  const hits = request.query && useEmbedding ? await searchIvf(request.query, index.centroids, (id) => v.shard(id), { k: settings.candidates.embedding, nprobe: index.nprobe, shortlist: quantization.shortlist }) : [];
  const hitRows = await Promise.all(hits.map((h) => v.rowBlock(h.shard, h.row)));
  const embedding: Proposal[] = hits.map((h, i) => ({ key: refOf(h), degree: hitRows[i].row(h.row).popularity, cosine: h.score }));
  const popular: Proposal[] = (await v.popular()).flatMap((p) => (p.ref === undefined ? [] : [{ key: p.ref, degree: p.popularity }]));
  const pool = gatherCandidates({ known: lists, embedding, popular }, settings);
  const cosines = new Map<number, number>();
  const query = request.query;
  const missing = query ? missingCosines(pool, settings) : [];
  const vectors = await Promise.all(missing.map((ref) => v.vector({ id: `ref ${ref}`, shard: ref >>> 16, row: ref & 0xffff })));
  missing.forEach((ref, i) => cosines.set(ref, cosineToCodes(query!, vectors[i])));
  // Without a query embedding every cosine is 0: the weights' other signals rank alone.
  const ranked = rankCandidates(pool, settings, (ref) => cosines.get(ref) ?? 0);
  return ranked.filter((r) => !request.exclude.has(r.key)).slice(0, request.k).map((r) => ({ shard: r.key >>> 16, row: r.key & 0xffff, score: r.score, reason: r.reason === 'graph' ? request.graphReason : r.reason }));
}
