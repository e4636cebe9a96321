import type { EdgeList } from '../graph/csr.ts';
import { aucAndAp } from './metrics.ts';
import type { Query, Scorer } from './types.ts';

/**
 * AUC and AP of a scorer on positive versus negative pairs `(u, v)`: pairs are
 * grouped by `u`, each group scored as one query row, and `score[v]` read off.
 * Works for any {@link Scorer}, so baselines and models are measured alike.
 */
export async function linkPrediction(
  scorer: Scorer,
  queryOf: (u: number) => Query,
  numItems: number,
  pos: EdgeList,
  neg: EdgeList,
  blockSize = 256,
): Promise<{ auc: number; ap: number } | { cannot: string }> {
  const all = { src: Int32Array.from([...pos.src, ...neg.src]), dst: Int32Array.from([...pos.dst, ...neg.dst]) };
  const bySrc = new Map<number, number[]>();
  for (let i = 0; i < all.src.length; i++) {
    const list = bySrc.get(all.src[i]);
    if (list) list.push(i);
    else bySrc.set(all.src[i], [i]);
  }
  const sources = [...bySrc.keys()];
  const queries = sources.map(queryOf);
  const reason = scorer.cannotScore?.(queries);
  if (reason !== undefined) return { cannot: reason };
  const scores = new Float32Array(all.src.length);
  const out = new Float32Array(blockSize * numItems);
  for (let from = 0; from < sources.length; from += blockSize) {
    const block = queries.slice(from, from + blockSize);
    out.fill(0);
    await scorer.scoreBlock(block, out.subarray(0, block.length * numItems));
    block.forEach((_, i) => {
      for (const pair of bySrc.get(sources[from + i])!) scores[pair] = out[i * numItems + all.dst[pair]];
    });
  }
  return aucAndAp(scores.subarray(0, pos.src.length), scores.subarray(pos.src.length));
}
