import { GraphrecError, isGraphrecError } from '../../../artifacts/src/errors.ts';
import type { ReviewGraph } from '../graph/review-graph.ts';
import { Rng } from '../util/rng.ts';
import { trainPinSage, type PinSageTrainInput } from './pinsage-trainer.ts';

/**
 * Quick sanity probes of PinSage embeddings; the full user-recommendation
 * evaluation lives in `eval/`. These answer one question fast: does a user's
 * latest training product sit closer to a product the same user reviewed
 * later than to random products?
 */

/** Result of {@link sameUserRanking}. */
export interface SameUserRanking {
  /** P(cos(query, held-out) > cos(query, random product)), ties counting ½; chance is 0.5. */
  auc: number;
  /** Share of users whose held-out product ranks in the top 10 among it and `negatives` random products; chance ≈ 10 / (negatives + 1). */
  hitRate10: number;
  /** Users scored: those with a held-out interaction and a training one. */
  users: number;
}

/**
 * Ranks each user's held-out products against random ones by cosine to the
 * user's latest training product. Random products exclude the user's own.
 *
 * @param held interaction indices held out (e.g. `leaveLastOut(graph).test`).
 * @param train interaction indices the model trained on.
 * @param embeddings `[numItems * dim]` unit rows.
 * @throws GraphrecError `probe/no-users` when no user has both a held-out and a training interaction.
 */
export function sameUserRanking(graph: ReviewGraph, train: Int32Array, held: Int32Array, embeddings: Float32Array, dim: number, options: { negatives?: number; seed?: number } = {}): SameUserRanking {
  const negatives = options.negatives ?? 100;
  const rng = new Rng(options.seed ?? 1);
  const latest = new Int32Array(graph.numUsers).fill(-1);
  // Interactions are grouped by user in time order, so the largest training index of a user is their latest.
  for (const e of train) if (e > latest[graph.user[e]]) latest[graph.user[e]] = e;
  const cos = (a: number, b: number): number => {
    let s = 0;
    for (let c = 0; c < dim; c++) s += embeddings[a * dim + c] * embeddings[b * dim + c];
    return s;
  };
  let wins = 0;
  let pairs = 0;
  let hits = 0;
  let users = 0;
  const own = new Set<number>();
  for (const e of held) {
    const u = graph.user[e];
    if (latest[u] < 0) continue;
    const query = graph.item[latest[u]];
    const target = cos(query, graph.item[e]);
    own.clear();
    for (let k = graph.userOffsets[u]; k < graph.userOffsets[u + 1]; k++) own.add(graph.item[k]);
    if (own.size >= graph.numItems) continue;
    let above = 0;
    for (let j = 0; j < negatives; j++) {
      let r = rng.int(graph.numItems);
      while (own.has(r)) r = rng.int(graph.numItems);
      const s = cos(query, r);
      if (s > target) above++;
      wins += s < target ? 1 : s === target ? 0.5 : 0;
      pairs++;
    }
    if (above < 10) hits++;
    users++;
  }
  if (users === 0) throw new GraphrecError('probe/no-users', 'no user has both a held-out and a training interaction');
  return { auc: wins / pairs, hitRate10: hits / users, users };
}

/**
 * Trains the same configuration with and without the image term and probes
 * both on the held-out interactions: the check that image features add
 * signal. Each training run is independent and seeded alike.
 *
 * @param input training input with `images`.
 * @param held interaction indices held out from `input.train`.
 * @returns both probes; `withoutImages` is null when products have no other feature to train on.
 * @throws GraphrecError `probe/no-images` when `input.images` is missing.
 */
export async function compareImageFeatures(input: PinSageTrainInput, held: Int32Array): Promise<{ withImages: SameUserRanking; withoutImages: SameUserRanking | null }> {
  if (!input.images) throw new GraphrecError('probe/no-images', 'compareImageFeatures needs input.images');
  const probe = async (images: PinSageTrainInput['images']): Promise<SameUserRanking> => {
    const out = await trainPinSage({ ...input, images, checkpointDir: undefined });
    return sameUserRanking(input.graph, input.train, held, out.embeddings, out.dim, { seed: input.config.seed });
  };
  const withImages = await probe(input.images);
  try {
    return { withImages, withoutImages: await probe(undefined) };
  } catch (err) {
    // Without images the products may have nothing else (no titles, prices or ID embedding): every embedding would be the same, i.e. chance.
    if (isGraphrecError(err, 'pinsage/no-features')) return { withImages, withoutImages: null };
    throw err;
  }
}
