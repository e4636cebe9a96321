import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from '../../../test/helpers/fixtures.ts';
import { buildWalkGraph, RandomWalkSampler, type Neighbourhoods } from '../graph/random-walk.ts';
import { reviewGraphOf } from '../graph/review-graph-of.ts';
import type { ItemFeatures } from '../graph/review-graph.ts';
import { blockOf, type WalkBlock } from '../graph/walk-blocks.ts';
import { fitVocabulary } from '../text/fit-vocabulary.ts';
import { Rng } from '../util/rng.ts';
import { selectBackend } from './backend.ts';
import { embedAllItems } from './pinsage-embed.ts';
import { buildItemInputs, type ItemInputs } from './pinsage-features.ts';
import { marginLoss, PinSageModel, pinSageDimsOf, type PinSageDims } from './pinsage.ts';

const N = 24;
const DIM = 8;
const WORDS = ['red', 'blue', 'green', 'guitar', 'string', 'pedal', 'cable', 'strap'];

function features(rng: Rng): ItemFeatures {
  return {
    priceCents: Int32Array.from({ length: N }, () => 100 + rng.int(10_000)),
    hasPrice: Uint8Array.from({ length: N }, (_, i) => (i % 5 === 0 ? 0 : 1)),
    titles: Array.from({ length: N }, () => `${WORDS[rng.int(8)]} ${WORDS[rng.int(8)]} ${WORDS[rng.int(8)]}`),
    imageRow: Int32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? -1 : i - Math.floor(i / 3) - 1)),
    stats: { withMetadata: N, withPrice: N, withTitle: N, withImage: 16, medianPriceCents: 0 },
  };
}

function setup(seed: number, over: Partial<PinSageDims> = {}): { inputs: ItemInputs; model: PinSageModel; hoods: Neighbourhoods[] } {
  const rng = new Rng(seed);
  const f = features(rng);
  const images = { dim: 16, data: Float32Array.from({ length: 16 * 16 }, () => rng.next()) };
  const vocabulary = fitVocabulary(f.titles, { minDf: 1, maxDfFraction: 1 });
  const inputs = buildItemInputs(f, vocabulary, images);
  const model = new PinSageModel({ numItems: N, vocab: vocabulary.size, imageDim: 16, dim: DIM, layers: 2, idEmbedding: true, ...over }, seed);
  const pairs: [number, number][] = [];
  for (let u = 0; u < 30; u++) for (const i of new Set([rng.int(N), rng.int(N), rng.int(N)])) pairs.push([u, i]);
  const g = reviewGraphOf(30, N, pairs);
  const walk = buildWalkGraph(g, Int32Array.from({ length: g.item.length }, (_, e) => e));
  const all = Int32Array.from({ length: N }, (_, i) => i);
  const sampler = new RandomWalkSampler(walk, { walks: 10, walkLength: 2, restart: 0.5, topT: 3, coPurchaseProb: 0 });
  return { inputs, model, hoods: [sampler.sample(all, new Rng(1)), sampler.sample(all, new Rng(2))] };
}

/** Neighbourhoods of `ids` taken from whole-catalogue ones. */
function pick(h: Neighbourhoods, ids: Int32Array): Neighbourhoods {
  const offsets = new Int32Array(ids.length + 1);
  const neighbors: number[] = [];
  const counts: number[] = [];
  ids.forEach((v, i) => {
    for (let k = h.offsets[v]; k < h.offsets[v + 1]; k++) {
      neighbors.push(h.neighbors[k]);
      counts.push(h.counts[k]);
    }
    offsets[i + 1] = neighbors.length;
  });
  return { offsets, neighbors: Int32Array.from(neighbors), counts: Float32Array.from(counts) };
}

const norms = (z: number[][]): number[] => z.map((r) => Math.hypot(...r));

describe('PinSageModel', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('embeds a batch as unit rows of dim, and agrees with the whole-catalogue pass on the same neighbourhoods', () => {
    const { inputs, model, hoods } = setup(1);
    const targets = Int32Array.of(3, 10, 17, 22);
    const top = blockOf(targets, pick(hoods[1], targets), N);
    const blocks = [blockOf(top.src, pick(hoods[0], top.src), N), top];
    const z = tf.tidy(() => model.embedBlocks(inputs, blocks).arraySync());
    expect(z).toHaveLength(4);
    expect(z[0]).toHaveLength(DIM);
    for (const n of norms(z)) expect(n).toBeCloseTo(1, 5);
    const full = embedAllItems(model, inputs, hoods);
    targets.forEach((v, i) => {
      for (let c = 0; c < DIM; c++) expect(z[i][c]).toBeCloseTo(full[v * DIM + c], 5);
    });
    model.dispose();
  });

  it('pools neighbours by visit-count-weighted mean (importance pooling)', () => {
    const { model } = setup(2);
    const h = tf.tensor2d(Array.from({ length: 3 * DIM }, (_, k) => Math.sin(k + 1)), [3, DIM]);
    const block = (counts: number[]): WalkBlock => ({ src: Int32Array.of(0, 1, 2), dstCount: 1, offsets: Int32Array.of(0, 2), neighbor: Int32Array.of(1, 2), count: Float32Array.from(counts) });
    const out = (counts: number[]): number[] => tf.tidy(() => model.conv(0, h, block(counts)).arraySync()[0]);
    // Reference in plain arithmetic: n = relu(hQ + q); pooled = Σ w n / Σ w; z = relu(pooled Wn + h0 Ws + b), normalised.
    const w = model.exportWeights();
    const mat = (name: string, x: number[]): number[] => Array.from({ length: DIM }, (_, j) => x.reduce((s, xi, i) => s + xi * w[name].data[i * DIM + j], 0));
    const hs = h.arraySync();
    const relu = (x: number[]): number[] => x.map((v) => Math.max(v, 0));
    const msg = [1, 2].map((u) => relu(mat('sage/0/q', hs[u]).map((v, j) => v + w['sage/0/qBias'].data[j])));
    const pooled = msg[0].map((_, j) => (3 * msg[0][j] + 1 * msg[1][j]) / 4);
    const pre = relu(mat('sage/0/wNeigh', pooled).map((v, j) => v + mat('sage/0/wSelf', hs[0])[j] + w['sage/0/wBias'].data[j]));
    const expected = pre.map((v) => v / Math.hypot(...pre));
    const weighted = out([3, 1]);
    weighted.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 5));
    // The weights matter: equal counts give another output; scaling all counts does not.
    expect(Math.max(...out([1, 1]).map((v, j) => Math.abs(v - weighted[j])))).toBeGreaterThan(1e-3);
    out([6, 2]).forEach((v, j) => expect(v).toBeCloseTo(weighted[j], 6));
    // No neighbours: the pooled term is zero, the self term remains.
    const alone = tf.tidy(() => model.conv(0, h, { ...block([]), offsets: Int32Array.of(0, 0), neighbor: new Int32Array(0) }).arraySync()[0]);
    expect(Math.hypot(...alone)).toBeCloseTo(1, 5);
    h.dispose();
    model.dispose();
  });

  it('projects images only for products that have one, and needs the images it was built with', () => {
    const { inputs, model } = setup(3);
    const nodes = Int32Array.of(0, 1, 2, 3);
    const before = tf.tidy(() => model.project(inputs, nodes).arraySync());
    const w = model.exportWeights();
    w['proj/image'].data.fill(0.5);
    model.loadWeights(w);
    const after = tf.tidy(() => model.project(inputs, nodes).arraySync());
    expect(after[0]).toEqual(before[0]); // product 0 has no image row
    expect(after[3]).toEqual(before[3]);
    expect(after[1]).not.toEqual(before[1]);
    expect(errorCode(() => model.project({ ...inputs, images: undefined }, nodes))).toBe('pinsage/no-images');
    model.dispose();
  });

  it('round-trips its weights, and its dims follow from them', () => {
    const { model } = setup(4, { idEmbedding: false, imageDim: 0, layers: 3 });
    const w = model.exportWeights();
    expect(pinSageDimsOf(w)).toEqual(model.dims);
    expect(w['proj/id']).toBeUndefined();
    const other = new PinSageModel(model.dims, 99);
    other.loadWeights(w);
    expect(other.exportWeights()).toEqual(w);
    expect(errorCode(() => new PinSageModel({ ...model.dims, dim: 4 }, 1).loadWeights(w))).toBe('pinsage/weight-shape');
    model.dispose();
    other.dispose();
  });
});

describe('marginLoss', () => {
  it('is the mean hinge of negative minus positive scores with tail biases', () => {
    const loss = tf.tidy(() => {
      const z = tf.tensor2d([[1, 0], [0.6, 0.8], [0, 1], [-1, 0]]);
      const bias = tf.tensor1d([0, 0.1, 0.2, 0.3]);
      // head 0, tail 1: s = 0.6 + 0.1; negatives 2 (s = 0 + 0.2) and 3 (s = -1 + 0.3)
      return marginLoss(z, bias, { head: Int32Array.of(0), tail: Int32Array.of(1), neg: Int32Array.of(2, 3), negatives: 2 }, 1).dataSync()[0];
    });
    expect(loss).toBeCloseTo((Math.max(0, 0.2 - 0.7 + 1) + Math.max(0, -0.7 - 0.7 + 1)) / 2, 6); // 0.25
    const trained = tf.tidy(() =>
      marginLoss(tf.tensor2d([[1, 0], [1, 0], [-1, 0]]), tf.zeros([3]) as tf.Tensor1D, { head: Int32Array.of(0), tail: Int32Array.of(1), neg: Int32Array.of(2), negatives: 1 }, 1).dataSync()[0],
    );
    expect(trained).toBe(0);
  });

  it('without a bias is the hinge on z·z alone (the score the served index ranks by)', () => {
    const rows = { head: Int32Array.of(0, 1), tail: Int32Array.of(1, 0), neg: Int32Array.of(2, 3, 3, 2), negatives: 2 };
    const z = [[1, 0], [0.6, 0.8], [0, 1], [-1, 0]];
    const bias = [0.5, -0.4, 0.3, 0.9];
    const dot = (a: number, b: number): number => z[a][0] * z[b][0] + z[a][1] * z[b][1];
    const hinge = (withBias: boolean): number => {
      let sum = 0;
      for (let k = 0; k < rows.neg.length; k++) {
        const h = rows.head[k >> 1];
        const t = rows.tail[k >> 1];
        const n = rows.neg[k];
        sum += Math.max(0, dot(h, n) + (withBias ? bias[n] : 0) - dot(h, t) - (withBias ? bias[t] : 0) + 0.5);
      }
      return sum / rows.neg.length;
    };
    const [without, withBias] = tf.tidy(() => {
      const zt = tf.tensor2d(z);
      return [marginLoss(zt, null, rows, 0.5).dataSync()[0], marginLoss(zt, tf.tensor1d(bias), rows, 0.5).dataSync()[0]];
    });
    // The biases change the loss here, so a loss that kept them would fail the first check.
    expect(hinge(false)).not.toBeCloseTo(hinge(true), 2);
    expect(without).toBeCloseTo(hinge(false), 6);
    expect(withBias).toBeCloseTo(hinge(true), 6);
  });
});
