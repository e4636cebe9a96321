import type { Rng } from '../util/rng.ts';
import type { Neighbourhoods, RandomWalkSampler } from './random-walk.ts';

/**
 * One PinSage message-passing block: each dst node pools over its
 * random-walk neighbours among `src`, weighted by visit counts. The dst nodes
 * are the first `dstCount` entries of `src`, so a layer's self term is a
 * prefix slice (as in the GraphSAGE `Block`).
 */
export interface WalkBlock {
  /** Product ids; `src[0 .. dstCount)` are the dst nodes. */
  src: Int32Array;
  dstCount: number;
  /** `[dstCount + 1]` into `neighbor` / `count`. */
  offsets: Int32Array;
  /** Indices into `src`. */
  neighbor: Int32Array;
  /** Visit counts (importance weights, not normalised). */
  count: Float32Array;
}

/**
 * Samples the blocks of a PinSage computation graph for `targets` (distinct
 * product ids): returns blocks input side first, so `blocks[0].src` are the
 * products whose features are needed and the last block's dst nodes are
 * `targets` in order. Layer `l` uses `samplers[l]` with `rngs[l]`.
 *
 * @param excluded undirected pairs (`pairKey`) hidden from every layer: a batch's
 *   (head, tail) and (head, negative) pairs, so the model cannot look its answer up
 *   (DGL's `compact_and_copy` removes the same edges).
 */
export function sampleWalkBlocks(samplers: readonly RandomWalkSampler[], targets: Int32Array, rngs: readonly Rng[], excluded?: ReadonlySet<number>): WalkBlock[] {
  const blocks: WalkBlock[] = [];
  let dst = targets;
  for (let layer = samplers.length - 1; layer >= 0; layer--) {
    const block = blockOf(dst, samplers[layer].sample(dst, rngs[layer], excluded), samplers[layer].graph.numItems);
    blocks.unshift(block);
    dst = block.src;
  }
  return blocks;
}

/**
 * The block of `dst` with the given neighbourhoods (`hoods.offsets` indexed
 * like `dst`): renumbers neighbour product ids into a src list that starts with `dst`.
 */
export function blockOf(dst: Int32Array, hoods: Neighbourhoods, numItems: number): WalkBlock {
  const local = new Int32Array(numItems).fill(-1);
  const src = new Int32Array(dst.length + hoods.neighbors.length);
  for (let i = 0; i < dst.length; i++) {
    local[dst[i]] = i;
    src[i] = dst[i];
  }
  let size = dst.length;
  const neighbor = new Int32Array(hoods.neighbors.length);
  for (let k = 0; k < neighbor.length; k++) {
    const u = hoods.neighbors[k];
    if (local[u] < 0) {
      local[u] = size;
      src[size++] = u;
    }
    neighbor[k] = local[u];
  }
  return { src: src.slice(0, size), dstCount: dst.length, offsets: hoods.offsets, neighbor, count: hoods.counts };
}

/** Neighbourhoods of entries `from .. to` of a larger set, offsets rebased to 0. */
export function sliceNeighbourhoods(hoods: Neighbourhoods, from: number, to: number): Neighbourhoods {
  const start = hoods.offsets[from];
  const end = hoods.offsets[to];
  return {
    offsets: hoods.offsets.slice(from, to + 1).map((o) => o - start),
    neighbors: hoods.neighbors.subarray(start, end),
    counts: hoods.counts.subarray(start, end),
  };
}
