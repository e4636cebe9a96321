import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import { fixtureFolder } from '../../../test/helpers/fixtures.ts';
import { readImageMatrixAt, type ImageFeatureMatrix } from '../data/image-matrix.ts';
import { ingest } from '../data/ingest.ts';
import type { Csr } from '../graph/csr.ts';
import { leaveLastOut, type InteractionSplit } from '../graph/interaction-splits.ts';
import { coPurchaseOnItems } from '../graph/item-copurchase.ts';
import type { ItemFeatures, ReviewGraph } from '../graph/review-graph.ts';
import { selectBackend } from '../models/backend.ts';
import { generateSynthetic } from '../synth/generate.ts';
import type { Progress } from '../util/progress.ts';
import { parsePinSageConfig } from './pinsage-config.ts';
import { embedPinSage, PRICE_STATS } from './pinsage-embed.ts';
import { compareImageFeatures, sameUserRanking } from './pinsage-probe.ts';
import { trainPinSage, type PinSageTrainInput } from './pinsage-trainer.ts';
import { readTensorFile, writeTensorFile } from './tensor-file.ts';

const { dir } = fixtureFolder('pinsage');
const config = (extra: Record<string, unknown> = {}) => parsePinSageConfig({ seed: 3, epochs: 6, ...extra });

interface Data {
  graph: ReviewGraph;
  features: ItemFeatures;
  images: ImageFeatureMatrix;
  coPurchase: Csr;
  split: InteractionSplit;
}
let data: Data;
const input = (extra: Partial<PinSageTrainInput> = {}): PinSageTrainInput => ({ graph: data.graph, train: data.split.train, features: data.features, config: config(), ...extra });
const probe = (embeddings: Float32Array, dim: number) => sameUserRanking(data.graph, data.split.train, data.split.test, embeddings, dim, { seed: 9 });

describe('trainPinSage on a synthetic review graph with planted niches', () => {
  beforeAll(async () => {
    const out = join(dir, 'synth');
    await generateSynthetic({ products: 300, users: 400, categories: 8, seed: 5, out });
    const { reviewGraph, itemFeatures, coPurchase } = await ingest(out);
    const images = await readImageMatrixAt(out, reviewGraph!.asins, itemFeatures!.imageRow);
    const co = coPurchaseOnItems(reviewGraph!.asins, { asins: coPurchase!.products.asins, graph: coPurchase!.graph });
    data = { graph: reviewGraph!, features: itemFeatures!, images, coPurchase: co, split: leaveLastOut(reviewGraph!) };
    await selectBackend('wasm');
  });

  it('lowers the loss and ranks a held-out same-user product above random ones far more often than an untrained model', async () => {
    const stages: string[] = [];
    const progress: Progress = { start: (s) => stages.push(s), update() {}, finish() {} };
    const out = await trainPinSage(input({ progress }));
    expect(stages).toEqual(Array.from({ length: 6 }, (_, i) => `pinsage epoch ${i + 1}/6`));
    const losses = out.history.map((h) => h.trainLoss);
    expect(losses.at(-1)!).toBeLessThan(0.75 * losses[0]);
    expect(out.embeddings).toHaveLength(data.graph.numItems * 64);
    for (let i = 0; i < data.graph.numItems; i++) expect(Math.hypot(...out.embeddings.subarray(i * 64, (i + 1) * 64))).toBeCloseTo(1, 4);
    expect(out.transductive).toBe(false);
    expect(out.weights['proj/id']).toBeUndefined();
    expect(out.vocabulary.size).toBeGreaterThan(10);
    const trained = probe(out.embeddings, out.dim);
    const untrained = await trainPinSage(input({ config: config({ epochs: 0 }) }));
    const before = probe(untrained.embeddings, untrained.dim);
    // The check a real model must pass, and the untrained mutation must fail.
    const passes = (r: { auc: number; hitRate10: number }): boolean => r.auc > 0.7 && r.hitRate10 > 3 * (10 / 101);
    expect(passes(trained)).toBe(true);
    expect(passes(before)).toBe(false);
    expect(trained.auc - before.auc).toBeGreaterThan(0.08);
  });

  it('recomputes the same embeddings from saved weights (inference apart from training)', async () => {
    const cfg = config({ epochs: 2, idEmbedding: true });
    const out = await trainPinSage(input({ config: cfg }));
    expect(out.transductive).toBe(true);
    expect(out.weights[PRICE_STATS].data).toHaveLength(2);
    await writeTensorFile(join(dir, 'weights.bin'), out.weights);
    const again = embedPinSage({ graph: data.graph, train: data.split.train, features: data.features, weights: await readTensorFile(join(dir, 'weights.bin')), vocabulary: out.vocabulary, config: cfg });
    expect(again.dim).toBe(64);
    let maxDiff = 0;
    out.embeddings.forEach((x, i) => (maxDiff = Math.max(maxDiff, Math.abs(x - again.embeddings[i]))));
    expect(maxDiff).toBeLessThan(1e-6);
  });

  it('is reproducible for a seed, and a resumed run equals an uninterrupted one', async () => {
    const cfg = config({ epochs: 3, dim: 16 });
    const a = await trainPinSage(input({ config: cfg }));
    const b = await trainPinSage(input({ config: cfg }));
    expect(b.embeddings).toEqual(a.embeddings);
    const checkpointDir = join(dir, 'checkpoint');
    await trainPinSage(input({ config: config({ epochs: 1, dim: 16 }), checkpointDir }));
    const resumed = await trainPinSage(input({ config: cfg, checkpointDir }));
    expect(resumed.resumedFrom).toBe(1);
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    // Adam's bias corrections are recomputed as β^t on resume rather than accumulated step by step, so allow float rounding.
    let maxDiff = 0;
    a.embeddings.forEach((x, i) => (maxDiff = Math.max(maxDiff, Math.abs(x - resumed.embeddings[i]))));
    expect(maxDiff).toBeLessThan(1e-3);
    await expect(trainPinSage(input({ config: config({ epochs: 3, dim: 8 }), checkpointDir }))).rejects.toSatisfy((e) => isGraphrecError(e, 'train/checkpoint-mismatch'));
  });

  it('learns the score bias only with scoreBias on; a checkpoint from before the option resumes as bias on', async () => {
    const off = await trainPinSage(input({ config: config({ epochs: 1, dim: 16, scoreBias: false }) }));
    expect(off.weights['score/bias'].data.every((b) => b === 0)).toBe(true);
    const checkpointDir = join(dir, 'legacy-checkpoint');
    const on = await trainPinSage(input({ config: config({ epochs: 1, dim: 16, scoreBias: true }), checkpointDir }));
    expect(on.weights['score/bias'].data.some((b) => b !== 0)).toBe(true);
    const statePath = join(checkpointDir, 'state.json');
    const state = JSON.parse(await readFile(statePath, 'utf8')) as { config: string };
    const { scoreBias: _dropped, ...legacy } = JSON.parse(state.config) as Record<string, unknown>;
    await writeFile(statePath, JSON.stringify({ ...state, config: JSON.stringify(legacy) }));
    await expect(trainPinSage(input({ config: config({ epochs: 2, dim: 16, scoreBias: false }), checkpointDir }))).rejects.toSatisfy((e) => isGraphrecError(e, 'train/checkpoint-mismatch'));
    const resumed = await trainPinSage(input({ config: config({ epochs: 2, dim: 16, scoreBias: true }), checkpointDir }));
    expect(resumed.resumedFrom).toBe(1);
  });

  it('gains from image features where they carry the signal (titles removed)', async () => {
    const blank: ItemFeatures = { ...data.features, titles: data.features.titles.map(() => '') };
    const { withImages, withoutImages } = await compareImageFeatures(input({ features: blank, images: data.images }), data.split.test);
    expect(withoutImages).not.toBeNull();
    expect(withImages.auc).toBeGreaterThan(withoutImages!.auc + 0.08);
    expect(withImages.auc).toBeGreaterThan(0.7);
  });

  it('walks the unified graph with co-purchase edges', async () => {
    expect(data.coPurchase.targets.length).toBeGreaterThan(0);
    const out = await trainPinSage(input({ coPurchase: data.coPurchase, config: config({ coPurchaseProb: 0.3 }) }));
    expect(out.history.every((h) => Number.isFinite(h.trainLoss))).toBe(true);
    expect(probe(out.embeddings, out.dim).auc).toBeGreaterThan(0.7);
  });

  it('refuses products with nothing to tell them apart unless the ID embedding is on', async () => {
    const bare: ItemFeatures = { ...data.features, titles: data.features.titles.map(() => ''), hasPrice: new Uint8Array(data.graph.numItems) };
    await expect(trainPinSage(input({ features: bare }))).rejects.toSatisfy((e) => isGraphrecError(e, 'pinsage/no-features'));
    const out = await trainPinSage(input({ features: bare, config: config({ epochs: 1, idEmbedding: true }) }));
    expect(out.transductive).toBe(true);
  });
});
