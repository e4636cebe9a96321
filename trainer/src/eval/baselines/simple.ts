import type { Scorer, TrainingView } from '../types.ts';
import { Rng } from '../../util/rng.ts';
import { checkOut } from './shape.ts';

/**
 * Uniform random scores in [0, 1), different for every query. Each query takes
 * the next seed of one stream, in query order, so a run is reproducible whatever
 * the block size; a second pass over the same scorer continues the stream.
 * @param view the training view (only its item count is used).
 * @param seed seed of the stream.
 */
export function randomScorer(view: TrainingView, seed: number): Scorer {
  const numItems = view.graph.numNodes;
  const rng = new Rng(seed);
  return {
    name: 'random',
    scoreBlock(queries, out) {
      checkOut('random', queries, out, numItems);
      for (let q = 0; q < queries.length; q++) fillUniform(out.subarray(q * numItems, (q + 1) * numItems), rng.nextUint32());
    },
  };
}

/**
 * Scores every item by its degree in the training graph, the same for every query.
 * @param view the training view; `graph` has `[numItems]` nodes.
 */
export function popularityScorer(view: TrainingView): Scorer {
  const { graph } = view;
  const degrees = new Float32Array(graph.numNodes);
  for (let v = 0; v < graph.numNodes; v++) degrees[v] = graph.offsets[v + 1] - graph.offsets[v];
  return {
    name: 'popularity',
    scoreBlock(queries, out) {
      checkOut('popularity', queries, out, graph.numNodes);
      for (let q = 0; q < queries.length; q++) out.set(degrees, q * graph.numNodes);
    },
  };
}

/**
 * Fills `row` with uniform floats in [0, 1) from mulberry32 (Tommy Ettinger,
 * public domain), inlined because a method call per item costs more than the draw.
 */
function fillUniform(row: Float32Array, seed: number): void {
  let a = seed | 0;
  for (let i = 0; i < row.length; i++) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    // 24 bits, so the float32 stays below 1.
    row[i] = ((t ^ (t >>> 14)) >>> 8) / 16777216;
  }
}
