import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedGraph } from '../artifacts/src/forward/graphsage.ts';
import { gatherCandidates, rankCandidates, type RankedItem } from '../artifacts/src/ranker/rank.ts';
import { RankerSchema, type RankerSettings } from '../artifacts/src/ranker/schema.ts';
import { cosineToCodes } from '../artifacts/src/vectors/maxabs.ts';
import type { Manifest } from '../artifacts/src/manifest/schema.ts';
import { neighbors } from '../trainer/src/graph/csr.ts';
import { catalogueFeatures } from '../trainer/src/text/product-features.ts';
import { servedPools } from '../trainer/src/eval/served/pools.ts';
import { nearestByCosine, servedWorld, type ServedWorld } from '../trainer/src/eval/served/world.ts';
import { generateSynthetic } from '../trainer/src/synth/generate.ts';
import { exportAndPublish, trainFixture, type TrainedFixture } from './helpers/edge-fixture.ts';
import { fixtureFolder } from './helpers/fixtures.ts';
import { startWorker, type DevWorker } from './helpers/wrangler-dev.ts';

/**
 * What is served is what is measured: the Worker, in real workerd over a
 * ranked export, returns the ranking the evaluator's `served` rows compute
 * (the trainer's served world and the `artifacts/` ranker) for `similar`,
 * `embed` with and without neighbours, and `recommend`.
 */
const { dir } = fixtureFolder('edge-ranker');
let fx: TrainedFixture;
let manifest: Manifest;
let settings: RankerSettings;
let world: ServedWorld;
let worker: DevWorker;

type Served = { id: string; score: number; reason?: string };
async function post(path: string, json: unknown): Promise<{ status: number; items: Served[] }> {
  const r = await fetch(worker.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
  const body = (await r.json()) as { items?: Served[] };
  return { status: r.status, items: body.items ?? [] };
}

beforeAll(async () => {
  await generateSynthetic({ products: 1500, users: 400, seed: 9, out: join(dir, 'data') });
  fx = await trainFixture(join(dir, 'data'), join(dir, 'run'), { epochs: 4 });
  // One shard, so the Worker's IVF probe covers the catalogue, as the trainer's exact search does.
  manifest = await exportAndPublish(fx.runDir, join(dir, 'export'), join(dir, 'state'), '', { ranker: true, shardItems: 4096 });
  settings = RankerSchema.parse(JSON.parse(readFileSync(join(fx.runDir, 'model', 'ranker.json'), 'utf8')));
  const { graph, products } = fx.data;
  const emb = embedGraph(fx.weights, graph, catalogueFeatures(fx.data.products, fx.vocabulary));
  world = servedWorld(graph, emb, fx.weights, products.asins, { neighbourCap: settings.candidates.neighbours, popularCount: settings.candidates.popular });
  settings = { ...settings, maxDegree: world.maxDegree };
  worker = await startWorker(join(dir, 'state'), { USE_CACHE_API: 'false' });
}, 300_000);
afterAll(async () => {
  world?.dispose();
  await worker?.stop();
});

/** The trainer's ranking as ids and scores, with the query's excluded items removed. */
function asServed(ranked: RankedItem[], excluded: ReadonlySet<number>, k: number): Served[] {
  return ranked
    .filter((r) => !excluded.has(r.key))
    .slice(0, k)
    .map((r) => ({ id: fx.data.products.asins[r.key]!, score: r.score, reason: r.reason }));
}

/**
 * The same list: scores equal to 1e-4 position by position, and the same ids
 * within every group of equal scores but the last (whose members past the cut
 * depend on each side's tie order).
 */
function expectSameRanking(edge: Served[], trainer: Served[]): void {
  expect(edge.length).toBe(trainer.length);
  edge.forEach((e, i) => expect(e.score).toBeCloseTo(trainer[i]!.score, 4));
  const last = trainer.at(-1)!.score;
  const firm = (list: Served[]) => list.filter((s) => Math.abs(s.score - last) > 1e-4).map((s) => s.id).sort();
  expect(firm(edge)).toEqual(firm(trainer));
  expect(edge.filter((s) => firm(trainer).includes(s.id)).map((s) => s.reason)).toEqual(trainer.filter((s) => firm(trainer).includes(s.id)).map((s) => s.reason));
}

describe('the served ranker in workerd agrees with the evaluator', () => {
  it('is what the version serves: ranked similar lists, graph lists on every shard, the fitted weights', () => {
    expect(manifest.similar.kind).toBe('ranked');
    expect(manifest.index.shards.every((s) => s.graph !== undefined)).toBe(true);
    expect(manifest.ranker?.warm.weights).toEqual(settings.warm.weights);
    expect(manifest.ranker?.maxDegree).toBe(world.maxDegree);
  });

  it('similar: the top 10 of a known product, its co-purchases first', async () => {
    const { graph, products } = fx.data;
    const nodes = [0, 7, 42, 311].filter((v) => neighbors(graph, v).length > 0);
    for (const v of nodes) {
      const [q] = servedPools(world, fx.weights, [{ node: v, features: { indices: new Int32Array(0), weights: new Float32Array(0) }, knownNeighbors: neighbors(graph, v) }], settings.candidates);
      const expected = asServed(rankCandidates(q!.pool, settings, q!.cosineOf), new Set([v]), 10);
      const r = await fetch(`${worker.url}/v1/items/${products.asins[v]}/similar?k=10`);
      const body = (await r.json()) as { items: Served[] };
      expectSameRanking(body.items, expected);
      expect(body.items[0]!.reason).toBe(neighbors(graph, v).length > 0 ? 'bought-together' : body.items[0]!.reason);
    }
  });

  it('embed: a new product from its title, with and without known neighbours', async () => {
    const { graph, products } = fx.data;
    for (const v of [3, 99, 512]) {
      for (const given of [[], Array.from(neighbors(graph, v)).slice(0, 2)]) {
        const features = fx.vocabulary.transform(products.titles[v]!);
        const [q] = servedPools(world, fx.weights, [{ node: -1, features, knownNeighbors: Int32Array.from(given) }], settings.candidates);
        const expected = asServed(rankCandidates(q!.pool, settings, q!.cosineOf), new Set(given), 10);
        const r = await post('/v1/items/embed', { title: products.titles[v], neighbors: given.map((u) => products.asins[u]), k: 10 });
        expect(r.status).toBe(200);
        expectSameRanking(r.items, expected);
        if (given.length === 0) expect(r.items.some((i) => i.reason === 'graph' || i.reason === 'bought-together')).toBe(false);
      }
    }
  });

  it("recommend: a shopper's history, its items' co-purchases labelled bought together", async () => {
    const { graph, products } = fx.data;
    const history = [5, 6, 200];
    const mean = new Float32Array(world.dim);
    for (const h of history) for (let j = 0; j < world.dim; j++) mean[j] += world.units[h * world.dim + j]!;
    const norm = Math.hypot(...mean);
    for (let j = 0; j < mean.length; j++) mean[j]! /= norm;
    const [embedding] = nearestByCosine(world, mean, [-1], settings.candidates.embedding);
    const excluded = new Set(history);
    const pool = gatherCandidates({ known: history.map((h) => world.lists[h]!), embedding: embedding!, popular: world.popular }, settings);
    const expected = asServed(rankCandidates(pool, settings, (k) => cosineToCodes(mean, world.units, k * world.dim)), excluded, 10).map((s) => ({ ...s, reason: s.reason === 'graph' ? 'bought-together' : s.reason }));
    const r = await post('/v1/recommend', { history: history.map((h) => products.asins[h]), k: 10 });
    expect(r.status).toBe(200);
    expectSameRanking(r.items, expected);
    // An item labelled bought together is on a history item's own co-purchase list.
    const bought = new Set(history.flatMap((h) => Array.from(neighbors(graph, h), (u) => products.asins[u])));
    for (const item of r.items) if (item.reason === 'bought-together') expect(bought.has(item.id)).toBe(true);
  });
});
