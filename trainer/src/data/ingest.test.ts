import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { assertValidCsr } from '../graph/csr.ts';
import { encodeImageFeatureRecord } from './image-features.ts';
import { ingest } from './ingest.ts';
import { detectSources } from './sources.ts';

const DATASETS = new URL('../../../../shared/datasets/', import.meta.url).pathname;
const absent = (name: string): string => (existsSync(join(DATASETS, name)) ? '' : ` (skipped: data set folder ${join(DATASETS, name)} is absent)`);

const meta2014 = [
  "{'asin': 'A1', 'title': \"Men's Guitar Strings\", 'price': 5.5, 'related': {'also_bought': ['A2', 'A3', 'ZZ']}, 'categories': [['Music', 'Strings']]}",
  "{'asin': 'A2', 'title': 'Guitar Capo', 'related': {'also_bought': ['A1']}, 'categories': [['Music', 'Accessories']]}",
  "{'asin': 'A3', 'title': 'Tuner', 'price': 12.0, 'related': {'also_bought': ['A1', 'A1', 'A3']}}",
  "{'asin': 'A4', 'title': 'Lonely Pick'}",
  "{'asin': 'A5', 'related': {'also_bought': ['A1']}}",
  "{'asin': 'A6', 'title': ",
  "{'asin': 'A7', 'title': 42, 'related': {'also_bought': ['A1']}}",
].join('\n');

const reviews2014 = [
  { reviewerID: 'u1', asin: 'A1', overall: 5, helpful: [1, 2], unixReviewTime: 100 },
  { reviewerID: 'u1', asin: 'A2', overall: 4, helpful: [0, 0], unixReviewTime: 200 },
  { reviewerID: 'u2', asin: 'A1', overall: 3, helpful: [0, 0], unixReviewTime: 150 },
].map((r) => JSON.stringify(r)).join('\n') + '\n{"reviewerID": "u3"';

async function fixtureDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'graphrec-ingest-'));
  await writeFile(join(dir, 'meta_Test.json.gz'), gzipSync(meta2014));
  await writeFile(join(dir, 'reviews_Test_5.json'), reviews2014);
  const image = encodeImageFeatureRecord('A1', new Float32Array(4096).fill(0.5));
  await writeFile(join(dir, 'image_features_Test.b'), Buffer.concat([image, image.subarray(0, 100)]));
  await writeFile(join(dir, 'notes.txt'), 'not data');
  return dir;
}

describe('ingest', () => {
  it('detects sources by name and refuses a folder with no data', async () => {
    const dir = await fixtureDir();
    expect((await detectSources(dir)).map((s) => s.kind)).toEqual(['image-features', 'metadata', 'reviews']);
    const empty = await mkdtemp(join(tmpdir(), 'graphrec-empty-'));
    await expect(detectSources(empty)).rejects.toThrow(/no recognised data file/);
    await expect(detectSources(join(empty, 'missing'))).rejects.toThrow(/does not exist/);
  });

  it('builds both graphs, counts and skips every bad record, and summarises them', async () => {
    const { report, coPurchase, reviewGraph, itemFeatures } = await ingest(await fixtureDir());
    expect(report.metadata).toEqual({ products: 5, withTitle: 4, withAlsoBought: 4, withPrice: 2, withImageUrl: 0 });
    expect(report.coPurchase).toMatchObject({ nodes: 3, edges: 2, droppedNoTitle: 1, droppedNoAlsoBought: 1, linksToUnknownProducts: 1, isolatedNodes: 0 });
    assertValidCsr(coPurchase!.graph, { undirected: true });
    expect(coPurchase!.products.asins).toEqual(['A1', 'A2', 'A3']);
    expect(coPurchase!.products.categoryNames).toEqual(['Strings', 'Accessories']);
    expect(Array.from(coPurchase!.products.category)).toEqual([0, 1, -1]);
    expect(report.reviews).toMatchObject({ reviews: 3, users: 2, items: 2, itemsWithMetadata: 2, itemsWithImage: 1 });
    expect(reviewGraph!.numUsers).toBe(2);
    expect(itemFeatures!.priceCents[reviewGraph!.asins.indexOf('A2')]).toBe(550);
    expect(report.imageFeatures).toEqual({ records: 1, inCatalogue: 1 });
    expect(report.problems.counts).toEqual({ 'malformed-line': 2, 'wrong-type': 1, 'partial-record': 1 });
    expect(report.problems.examples.map((e) => e.line)).toContain(6);
  });

  it('stops at the first problem when strict', async () => {
    await expect(ingest(await fixtureDir(), { strict: true })).rejects.toThrow(/malformed-line/);
  });

  it(`reads the real 2018 Gift Cards metadata and 5-core reviews${absent('amazon-gift-cards-2018')}`, async ({ skip }) => {
    if (absent('amazon-gift-cards-2018')) skip();
    const { report, coPurchase } = await ingest(join(DATASETS, 'amazon-gift-cards-2018'));
    expect(report.metadata?.products).toBe(1547);
    expect(report.reviews).toMatchObject({ reviews: 2972, users: 458, items: 148 });
    assertValidCsr(coPurchase!.graph, { undirected: true });
    expect(report.coPurchase!.nodes).toBeGreaterThan(300);
    expect(report.problems.total).toBe(0);
  });

  it(`reads the real 2014 Musical Instruments 5-core reviews${absent('amazon-musical-instruments-5core-2014')}`, async ({ skip }) => {
    if (absent('amazon-musical-instruments-5core-2014')) skip();
    const { report } = await ingest(join(DATASETS, 'amazon-musical-instruments-5core-2014'));
    expect(report.reviews).toMatchObject({ reviews: 10261, users: 1429, items: 900 });
  });

  it(`reads MovieLens small and Cora${absent('cora')}`, async ({ skip }) => {
    if (absent('cora') || absent('movielens-latest-small')) skip();
    expect((await ingest(join(DATASETS, 'movielens-latest-small'))).report.movielens).toMatchObject({ ratings: 100836, users: 610, movies: 9742 });
    expect((await ingest(join(DATASETS, 'cora'))).report.cora).toMatchObject({ nodes: 2708, links: 5429, classes: 7, features: 1433 });
  });
});
