import type { Rng } from '../util/rng.ts';
import type { Csr } from './csr.ts';
import { pairKey } from './splits.ts';

/**
 * One message-passing block: `dst` nodes aggregate from up to `fanout`
 * sampled neighbours among `src`. The dst nodes are the first `dstCount`
 * entries of `src`, so a layer's self term is a prefix slice.
 */
export interface Block {
  /** Global node ids; `src[0 .. dstCount)` are the dst nodes. */
  src: Int32Array;
  dstCount: number;
  fanout: number;
  /** `[dstCount * fanout]` indices into `src` (0 where unused). */
  neighbor: Int32Array;
  /** `[dstCount * fanout]` mean weights: 1 / (neighbours used) for used slots, 0 otherwise. */
  weight: Float32Array;
}

export interface SampleOptions {
  /** Fan-out per layer, input side first (default [10, 10]). */
  fanouts: readonly number[];
  /** Undirected pairs hidden from every layer's sampling (the batch's positive edges, so a model cannot look its answer up). */
  excludedPairs?: ReadonlySet<number>;
  /** Target nodes that see no neighbours at all (neighbour dropout for title-only cold start). */
  isolated?: ReadonlySet<number>;
  /** Target nodes that see exactly one neighbour (for the title + 1 neighbour case). */
  single?: ReadonlySet<number>;
}

/**
 * Samples a GraphSAGE computation graph for `targets` (distinct node ids):
 * returns blocks input side first, so `blocks[0].src` are the nodes whose
 * features are needed and the last block's dst nodes are `targets` in order.
 * A node with at most `fanout` usable neighbours uses all of them (an exact
 * mean); a higher-degree node samples `fanout` with replacement (an unbiased
 * mean), so memory grows with the batch, never with the graph.
 */
export function sampleBlocks(graph: Csr, targets: Int32Array, rng: Rng, options: SampleOptions): Block[] {
  const blocks: Block[] = [];
  let dst = targets;
  for (let layer = options.fanouts.length - 1; layer >= 0; layer--) {
    const block = sampleLayer(graph, dst, options.fanouts[layer], rng, options);
    blocks.unshift(block);
    dst = block.src;
  }
  return blocks;
}

function sampleLayer(graph: Csr, dst: Int32Array, fanout: number, rng: Rng, options: SampleOptions): Block {
  const n = graph.numNodes;
  const local = new Map<number, number>();
  const src: number[] = [];
  for (const v of dst) {
    local.set(v, src.length);
    src.push(v);
  }
  const neighbor = new Int32Array(dst.length * fanout);
  const weight = new Float32Array(dst.length * fanout);
  const usable: number[] = [];
  for (let i = 0; i < dst.length; i++) {
    const v = dst[i];
    if (options.isolated?.has(v)) continue;
    usable.length = 0;
    for (let k = graph.offsets[v]; k < graph.offsets[v + 1]; k++) {
      const u = graph.targets[k];
      if (!options.excludedPairs?.has(pairKey(u, v, n))) usable.push(u);
    }
    if (usable.length === 0) continue;
    const limit = options.single?.has(v) ? 1 : fanout;
    const count = Math.min(limit, usable.length);
    for (let s = 0; s < count; s++) {
      const u = usable.length <= limit ? usable[s] : usable[rng.int(usable.length)];
      let id = local.get(u);
      if (id === undefined) {
        id = src.length;
        local.set(u, id);
        src.push(u);
      }
      neighbor[i * fanout + s] = id;
      weight[i * fanout + s] = 1 / count;
    }
  }
  return { src: Int32Array.from(src), dstCount: dst.length, fanout, neighbor, weight };
}
