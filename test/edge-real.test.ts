import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShardVectors } from '../artifacts/src/index/ivf.ts';
import type { Manifest } from '../artifacts/src/manifest/schema.ts';
import { loadShards } from '../trainer/src/export/recall.ts';
import { cosine, expectedSimilar, exportAndPublish, trainFixture, type TrainedFixture } from './helpers/edge-fixture.ts';
import { fixtureFolder } from './helpers/fixtures.ts';
import { startWorker, type DevWorker } from './helpers/wrangler-dev.ts';

/** The Worker in workerd serving a model trained on real Amazon data (2018 Gift Cards). */
const DATA = join(import.meta.dirname, '..', '..', 'shared', 'datasets', 'amazon-gift-cards-2018');
const absent = existsSync(DATA) ? '' : ` (skipped: data set folder ${DATA} is absent)`;
const { dir } = fixtureFolder('edge-real');
let fx: TrainedFixture;
let manifest: Manifest;
let shards: ShardVectors[];
let worker: DevWorker | undefined;

beforeAll(async () => {
  if (absent) return;
  fx = await trainFixture(DATA, join(dir, 'run'), { epochs: 10, inputDim: 64, hiddenDim: 64, outputDim: 64 });
  // `real/` prefix: the same bucket layout as production, under a prefix.
  manifest = await exportAndPublish(fx.runDir, join(dir, 'export'), join(dir, 'state'), 'real');
  shards = await loadShards(join(dir, 'export'), manifest.index, manifest.model.dimensions);
  worker = await startWorker(join(dir, 'state'), { ARTIFACT_PREFIX: 'real', USE_CACHE_API: 'false' });
}, 300_000);
afterAll(async () => {
  await worker?.stop();
});

describe(`edge API on real data (Amazon 2018 Gift Cards)${absent}`, () => {
  it('serves similar items with titles, prices and images, as the trainer-side search computes them', async ({ skip }) => {
    if (absent) skip();
    const { asins } = fx.data.products;
    for (const asin of ['B00CXZPG0O', asins[0]!, asins[100]!]) {
      const r = await fetch(`${worker!.url}/v1/items/${asin}/similar?k=10`);
      expect(r.status).toBe(200);
      const body = (await r.json()) as { version: string; items: { id: string; title: string; price?: number; image?: string; score: number }[] };
      expect(body.version).toBe(manifest.version);
      expect(body.items.map((i) => i.id)).toEqual(await expectedSimilar(join(dir, 'export'), manifest, shards, asin, 10));
      expect(body.items.every((i) => i.title.length > 0 && i.score <= 1)).toBe(true);
    }
    const withImages = (await (await fetch(`${worker!.url}/v1/items/B00CXZPG0O/similar?k=30`)).json()) as { items: { image?: string; price?: number }[] };
    expect(withImages.items.some((i) => i.image?.startsWith('https://'))).toBe(true);
    expect(withImages.items.some((i) => typeof i.price === 'number')).toBe(true);
  });

  it("embeds held-out gift cards from their titles as the trainer does (cosine ≥ 0.999)", async ({ skip }) => {
    if (absent) skip();
    const { products, graph } = fx.data;
    for (const v of fx.heldOut.slice(0, 10)) {
      const neighbors = Array.from(graph.targets.subarray(graph.offsets[v]!, graph.offsets[v + 1]!)).slice(0, 2);
      const r = await fetch(`${worker!.url}/v1/items/embed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: products.titles[v], neighbors: neighbors.map((u) => products.asins[u]), k: 5 }) });
      expect(r.status).toBe(200);
      const body = (await r.json()) as { embedding: number[] };
      expect(cosine(body.embedding, fx.inductive(products.titles[v]!, neighbors))).toBeGreaterThanOrEqual(0.999);
    }
  });
});
