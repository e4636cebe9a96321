import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { embedGraph, embedNewProduct } from '../../../artifacts/src/forward/graphsage.ts';
import { csrFromEdges } from '../graph/csr.ts';
import { sampleBlocks } from '../graph/neighbor-sampler.ts';
import { Rng } from '../util/rng.ts';
import { selectBackend } from './backend.ts';
import type { NodeFeatures } from './feature-rows.ts';
import { GraphSageModel } from './graphsage.ts';

function randomFeatures(n: number, dim: number, rng: Rng): NodeFeatures {
  const offsets = new Int32Array(n + 1);
  const indices: number[] = [];
  const weights: number[] = [];
  for (let v = 0; v < n; v++) {
    const ids = new Set<number>();
    while (ids.size < 3) ids.add(rng.int(dim));
    for (const t of [...ids].sort((a, b) => a - b)) {
      indices.push(t);
      weights.push(rng.next());
    }
    offsets[v + 1] = indices.length;
  }
  return { offsets, indices: Int32Array.from(indices), weights: Float32Array.from(weights), dim };
}

describe('GraphSageModel', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('matches the shared forward pass when blocks hold full neighbourhoods', () => {
    const rng = new Rng(5);
    const n = 60;
    const graph = csrFromEdges(n, { src: Int32Array.from({ length: 150 }, () => rng.int(n)), dst: Int32Array.from({ length: 150 }, () => rng.int(n)) });
    const features = randomFeatures(n, 40, rng);
    const model = new GraphSageModel({ vocab: 40, input: 16, hidden: 12, output: 8 }, 3);
    const targets = Int32Array.from({ length: n }, (_, i) => i);
    const blocks = sampleBlocks(graph, targets, rng, { fanouts: [n, n] });
    const z = model.embedBlocks(features, blocks).arraySync();
    const weights = model.exportWeights();
    const shared = embedGraph(weights, graph, features);
    for (let v = 0; v < n; v++) {
      let cos = 0;
      for (let c = 0; c < 8; c++) cos += z[v][c] * shared.z[v * 8 + c];
      expect(cos).toBeGreaterThan(0.99999);
    }
    // a product embedded as "new" from its title and all its neighbours equals its stored embedding
    const v = 7;
    const nb = Array.from(graph.targets.subarray(graph.offsets[v], graph.offsets[v + 1]), (u) => ({ p: shared.p.subarray(u * 12, u * 12 + 12), h1: shared.h1.subarray(u * 12, u * 12 + 12) }));
    const row = { indices: features.indices.subarray(features.offsets[v], features.offsets[v + 1]), weights: features.weights.subarray(features.offsets[v], features.offsets[v + 1]) };
    const fresh = embedNewProduct(weights, row, nb);
    for (let c = 0; c < 8; c++) expect(fresh[c]).toBeCloseTo(shared.z[v * 8 + c], 5);
    model.dispose();
  });

  it('gets the same gradients on wasm (JS UnsortedSegmentSum kernel) as on cpu', async () => {
    const grads = async (backend: 'wasm' | 'cpu'): Promise<number[][]> => {
      await selectBackend(backend);
      const table = tf.variable(tf.tensor2d([[1, 2], [3, 4], [5, 6]]));
      const { value, grads: g } = tf.variableGrads(() =>
        tf.sum(tf.mul(tf.gather(table, tf.tensor1d([0, 2, 2, 1], 'int32')), tf.tensor2d([[1, 1], [2, 2], [3, 3], [4, 4]]))) as tf.Scalar,
      );
      value.dispose();
      const out = (await g[table.name].array()) as number[][];
      table.dispose();
      return out;
    };
    const cpu = await grads('cpu');
    const wasm = await grads('wasm');
    expect(wasm).toEqual(cpu);
    expect(cpu).toEqual([[1, 1], [4, 4], [5, 5]]);
  });
});
